import type { VersionedRecord } from '@stratum/storage';
import type { Database } from './database.js';
import type { VersionedValue } from './kv.js';

/**
 * The live version of `key` at `asOf`, as `read` reports it; null when the key was absent or
 * deleted then. Time-travel reads go to the store, so commits still queued must land first.
 */
export async function readAsOf<T>(db: Database, key: Uint8Array, asOf: number, read: (record: VersionedRecord) => T | null): Promise<T | null> {
  await db.settled();
  const record = await db.getAsOf(key, asOf);
  return record === undefined || record.tombstone ? null : read(record);
}

/**
 * Every version of `key` newest first, deletions included, only those at or before `asOf`, each
 * as `entry` reports it; null when none remain.
 */
export async function readHistory(
  db: Database,
  key: Uint8Array,
  asOf: number | undefined,
  entry: (record: VersionedRecord) => VersionedValue,
): Promise<VersionedValue[] | null> {
  await db.settled();
  let records = await db.history(key);
  if (asOf !== undefined) records = records.filter((r) => r.timestamp <= asOf);
  return records.length === 0 ? null : records.map((r) => entry(r));
}
