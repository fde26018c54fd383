import type { HandlerMap } from '../handler.js';

export const bundleHandlers: HandlerMap<'BranchExport' | 'BranchImport' | 'BranchBundleValidate'> = {
  BranchExport: async ({ engine, at }, c) => ({ type: 'BranchExported', value: await engine.bundles.export(c.branch, c.path, at) }),
  BranchImport: async ({ engine, at }, c) => ({ type: 'BranchImported', value: await engine.bundles.import(c.path, at) }),
  BranchBundleValidate: async ({ engine }, c) => ({ type: 'BundleValidated', value: await engine.bundles.validate(c.path) }),
};
