import type { ClassicLevel } from 'classic-level';
import { HISTORY, type Range, historyKey, keyOfHistory, prefixRange } from './level-layout.js';
import { asIo } from './level-errors.js';
import { decodeRecord, recordIsTombstone, recordTimestamp } from './record-codec.js';
import type { ScanEntry, ScanOptions } from './store.js';

/** Native entries per step of a walk. */
const CHUNK = 1000;

/**
 * The history under `prefix` grouped by key (versions oldest first), each version read by
 * `read`; at most `limit` keys, after `after` when given.
 */
export async function historyByKey<T>(
  db: ClassicLevel<Uint8Array, Uint8Array>,
  prefix: Uint8Array,
  options: ScanOptions,
  read: (bytes: Uint8Array) => T,
): Promise<[Uint8Array, T[]][]> {
  const { after, limit = Infinity } = options;
  const out: [Uint8Array, T[]][] = [];
  if (limit <= 0) return out;
  // A cursor key's own versions sort right after it: start past all of them.
  const range = prefixRange(HISTORY, prefix);
  if (after !== undefined && Buffer.compare(after, prefix) >= 0) {
    delete range.gte;
    range.gt = historyKey(after, Number.MAX_SAFE_INTEGER);
  }
  const it = db.iterator(range);
  try {
    for (;;) {
      const entries = await it.nextv(CHUNK);
      if (entries.length === 0) return out;
      for (const [hkey, bytes] of entries) {
        const key = keyOfHistory(hkey);
        if (key.length < prefix.length) continue;
        const last = out[out.length - 1];
        if (last !== undefined && Buffer.compare(last[0], key) === 0) last[1].push(read(bytes));
        else {
          if (out.length === limit) return out;
          out.push([Buffer.from(key), [read(bytes)]]);
        }
      }
    }
  } catch (e) {
    throw asIo('read failed', e);
  } finally {
    await it.close().catch(() => undefined);
  }
}

/** Every key under `prefix` with its newest version at or before `ts` (live ones unless `tombstones`), ascending. */
export async function historyAsOf(
  db: ClassicLevel<Uint8Array, Uint8Array>,
  prefix: Uint8Array,
  ts: number,
  tombstones: boolean,
): Promise<ScanEntry[]> {
  const out: ScanEntry[] = [];
  let current: Uint8Array | undefined;
  let chosen: Uint8Array | undefined;
  const settle = (): void => {
    if (current !== undefined && chosen !== undefined && (tombstones || !recordIsTombstone(chosen))) {
      out.push([current, decodeRecord(chosen)]);
    }
  };
  await walk(db, prefixRange(HISTORY, prefix), (hkey, bytes) => {
    const key = keyOfHistory(hkey);
    // A prefix that continues some key with 0x00 would match that key's versions; skip them.
    if (key.length < prefix.length) return;
    if (current === undefined || Buffer.compare(key, current) !== 0) {
      settle();
      current = key;
      chosen = undefined;
    }
    // Oldest first: the last version at or before `ts` is the newest one.
    if (recordTimestamp(bytes) <= ts) chosen = bytes;
  });
  settle();
  return out;
}

/** Visits every entry of `range` in order, reading in chunks. */
export async function walk(
  db: ClassicLevel<Uint8Array, Uint8Array>,
  range: Range,
  visit: (key: Uint8Array, value: Uint8Array) => void,
): Promise<void> {
  const it = db.iterator(range);
  try {
    for (;;) {
      const entries = await it.nextv(CHUNK);
      if (entries.length === 0) return;
      for (const [key, value] of entries) visit(key, value);
    }
  } catch (e) {
    throw asIo('read failed', e);
  } finally {
    await it.close().catch(() => undefined);
  }
}
