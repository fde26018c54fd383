import { TypeTag } from '@stratum/core';

export { hasNegativeZero } from '@stratum/core';
import type { VersionedRecord } from '@stratum/storage';

/**
 * The record a merge writes into the target for an item the source changed: the source's value,
 * with the target's own counter advanced (a state cell, a JSON document or a vector counts its
 * writes per branch, so a reader holding the target's old counter sees the change).
 */
export function mergedRecord(tag: number, source: unknown, target: VersionedRecord | undefined): unknown {
  if (tag === TypeTag.State || tag === TypeTag.Json) {
    const counter = target === undefined ? 0 : (target.value as { counter: number }).counter;
    return { ...(source as Record<string, unknown>), counter: counter + 1 };
  }
  if (tag === TypeTag.Vector) {
    const version = target === undefined ? 0 : (target.value as { version: number }).version;
    return { ...(source as Record<string, unknown>), version: version + 1 };
  }
  return source;
}
