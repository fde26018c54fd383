import { createHash, randomUUID } from 'node:crypto';
import type { IdSource } from '@stratum/core';

/** Random v4 UUIDs: the live default. */
export const randomIds = (): IdSource => () => randomUUID();

/**
 * Deterministic UUID-shaped ids derived from a seed and a counter: replay of a recorded log
 * generates the same names as the recording did.
 */
export function seededIds(seed: string): IdSource {
  let n = 0;
  return () => {
    const h = createHash('sha256').update(`${seed}:${n++}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
}
