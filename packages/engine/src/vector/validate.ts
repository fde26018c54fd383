import { LIMITS, err } from '@stratum/core';
import { METRICS, type Metric } from './distance.js';

/**
 * The reason a collection name is refused, or undefined: 1 to 256 UTF-8 bytes, no `/` (it
 * separates collection and key in stored keys), no NUL, and no leading `_` (reserved for system
 * collections). Every vector command checks it, reads included.
 */
export function collectionNameProblem(name: string): string | undefined {
  if (name.startsWith('_')) return `Collection '${name}' is internal and cannot be accessed directly`;
  if (name.length === 0) return `Invalid collection name '${name}': must not be empty`;
  if (Buffer.byteLength(name, 'utf8') > LIMITS.collectionNameBytes)
    return `Invalid collection name '${name.slice(0, 64)}…': must be at most ${LIMITS.collectionNameBytes} bytes`;
  if (name.includes('/')) return `Invalid collection name '${name}': must not contain '/'`;
  if (name.includes('\u0000')) return `Invalid collection name '${name.replace(/\u0000/g, '\\0')}': must not contain NUL`;
  return undefined;
}

/** Throws `InvalidInput` (`details.collection`) when {@link collectionNameProblem} finds a problem. */
export function validateCollectionName(name: string): void {
  const problem = collectionNameProblem(name);
  if (problem !== undefined) throw err.invalidInput(problem, { collection: name });
}

/**
 * The largest dimension a collection may have: the largest vector a write or query accepts, so
 * every collection that can be created can also be written (StrataDB allows 65536 at creation
 * but refuses anything over 8192 afterwards).
 */
export const MAX_DIMENSION = LIMITS.vectorDimensionMax;

export function validateDimension(dimension: number): void {
  if (!Number.isSafeInteger(dimension) || dimension < 1 || dimension > MAX_DIMENSION) {
    throw err.invalidInput(`Invalid dimension: ${dimension} (must be between 1 and ${MAX_DIMENSION})`, { dimension });
  }
}

export function validateMetric(metric: string): asserts metric is Metric {
  if (!(METRICS as readonly string[]).includes(metric)) {
    throw err.invalidInput(`Invalid metric '${metric}': must be one of ${METRICS.join(', ')}`, { metric });
  }
}

/** A write or query longer than 8192 components is refused before anything else about it. */
export function checkLength(vector: ArrayLike<number>, path: string): void {
  if (vector.length > LIMITS.vectorDimensionMax) {
    throw err.capacity('vector_dim_exceeded', LIMITS.vectorDimensionMax, vector.length, { path });
  }
}

/**
 * The vector as float32. NaN, ±Infinity and finite numbers too large for a float32 (they would
 * become Infinity) are `InvalidInput`, with the JSON pointer of the first bad component.
 */
export function toFloat32(vector: ArrayLike<number>, path: string): Float32Array {
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i] as number;
    if (typeof x !== 'number' || !Number.isFinite(Math.fround(x))) {
      throw err.invalidInput('Invalid embedding: embedding contains NaN or Infinity values', { path: `${path}/${i}` });
    }
    out[i] = x;
  }
  return out;
}
