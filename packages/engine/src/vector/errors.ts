import { StratumError } from '@stratum/core';

/** The errors of the vector primitive; `collection` is always the plain collection name (protocol §4). */
export const vectorErr = {
  collectionNotFound: (collection: string, space: string) =>
    new StratumError('CollectionNotFound', `collection not found: ${collection}`, { collection, space }),
  collectionExists: (collection: string, space: string) =>
    new StratumError('CollectionExists', `collection already exists: ${collection}`, { collection, space }),
  dimensionMismatch: (expected: number, actual: number, extra: Record<string, string> = {}) =>
    new StratumError('DimensionMismatch', `dimension mismatch: expected ${expected}, got ${actual}`, { expected, actual, ...extra }),
} as const;
