import { prefixEnd } from '@stratum/core';
import { writeU64 } from './record-codec.js';

/**
 * How the level store lays its keyspaces out in one LevelDB database. Each keyspace is one
 * leading byte, so every range below stays inside its keyspace:
 *
 *   'L' key                      → latest live record of `key` (removed when `key` is deleted)
 *   'H' key 0x00 version(8, BE)  → every version of `key`, tombstones included, oldest first
 *   'M' name (UTF-8)             → cbor of a meta entry
 *   'F'                          → never stored; a synced delete of it forces the log to disk
 *
 * The history layout relies on the key contract of the Store: no stored key is another stored
 * key followed by 0x00, so one key's versions are contiguous and sorted by version.
 */
export const LATEST = 0x4c;
export const HISTORY = 0x48;
export const META = 0x4d;

/** The key whose synced deletion makes every earlier write durable. */
export const FLUSH_KEY = Buffer.of(0x46);

const SEP = 0x00;
const VERSION_SIZE = 8;

/** Bounds for an iterator, in the shape classic-level accepts. */
export interface Range {
  gt?: Uint8Array;
  gte?: Uint8Array;
  lt: Uint8Array;
}

/** `space` followed by `key`. */
export function spaced(space: number, key: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(1 + key.length);
  out[0] = space;
  out.set(key, 1);
  return out;
}

/** The history key of one version. */
export function historyKey(key: Uint8Array, version: number): Buffer {
  const out = Buffer.allocUnsafe(2 + key.length + VERSION_SIZE);
  out[0] = HISTORY;
  out.set(key, 1);
  out[1 + key.length] = SEP;
  writeU64(out, 2 + key.length, version);
  return out;
}

/** Every history entry of exactly `key`. */
export function historyRange(key: Uint8Array): Range {
  const gte = Buffer.allocUnsafe(2 + key.length);
  gte[0] = HISTORY;
  gte.set(key, 1);
  gte[1 + key.length] = SEP;
  const lt = Buffer.from(gte);
  lt[1 + key.length] = SEP + 1;
  return { gte, lt };
}

/** The user key inside a history key. */
export function keyOfHistory(historyKeyBytes: Uint8Array): Uint8Array {
  return historyKeyBytes.subarray(1, historyKeyBytes.length - 1 - VERSION_SIZE);
}

/**
 * Every key of `space` that starts with `prefix`; with `after`, only keys strictly greater
 * than it (a cursor before the prefix is simply ignored).
 */
export function prefixRange(space: number, prefix: Uint8Array, after?: Uint8Array): Range {
  const end = prefixEnd(prefix);
  // An empty or all-0xff prefix has no finite end; the next keyspace byte bounds it instead.
  const lt = end.length === 0 ? Buffer.of(space + 1) : spaced(space, end);
  if (after !== undefined && Buffer.compare(after, prefix) >= 0) return { gt: spaced(space, after), lt };
  return { gte: spaced(space, prefix), lt };
}
