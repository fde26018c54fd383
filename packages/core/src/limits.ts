/** Limits of the value model and names (reference §5.9). */
export const LIMITS = {
  keyBytes: 1024,
  stringBytes: 16 * 1024 * 1024,
  bytesLength: 16 * 1024 * 1024,
  containerEntries: 1_000_000,
  nestingDepth: 128,
  spaceNameLength: 64,
  branchNameBytes: 255,
  eventTypeBytes: 256,
  collectionNameBytes: 256,
  vectorDimensionMax: 8192,
  collectionDimensionMax: 65536,
  jsonDocumentBytes: 16 * 1024 * 1024,
  jsonDocumentDepth: 100,
  jsonPathSegments: 256,
  /** Over stdio, a longer line is answered with ConstraintViolation and skipped. */
  lineBytes: 64 * 1024 * 1024,
} as const;
