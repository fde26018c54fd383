export * from './mode.js';
export * from './command-log.js';
export {
  BUNDLE_FORMAT_VERSION,
  type BundleCounts,
  type BundleEntry,
  type BundleHeader,
  type BundleVersion,
} from './bundle-format.js';
export * from './bundle-write.js';
export * from './bundle-read.js';
