import type { Value } from '@stratum/core';
import type { VersionedRecord } from '@stratum/storage';
import type { Database } from './database.js';
import type { VersionedValue } from './kv.js';
import type { Transaction } from './transaction.js';
import { readHistory } from './versioned-reads.js';

/**
 * A history (`*Getv`) read inside `tx` (protocol §6.10): the versions committed at or before its
 * snapshot, newest first, under its own pending write of the key as the newest entry, with
 * `version` and `timestamp` null (a pending deletion: `value: null, deleted: true`). `valueOf`
 * gives the value a pending record holds. With `asOf`, the committed history up to then, as
 * every read with `asOf` inside a transaction. The key joins the transaction's read set, as a
 * point read's does. Null when there is no entry at all.
 */
export async function readHistoryIn(
  db: Database,
  tx: Transaction,
  key: Uint8Array,
  asOf: number | undefined,
  entry: (record: VersionedRecord) => VersionedValue,
  valueOf: (stored: unknown) => Value,
): Promise<VersionedValue[] | null> {
  if (asOf !== undefined) return readHistory(db, key, asOf, entry);
  const committed = (await readHistory(db, key, tx.snapshotTimestamp, entry)) ?? [];
  // Loaded until reading is synchronous, so no commit comes between the check and the read.
  for (let load = tx.prepare([key]); load !== undefined; load = tx.prepare([key])) await load;
  const record = tx.read(key);
  if (!tx.own(key)) return committed.length === 0 ? null : committed;
  const pending =
    record === undefined
      ? { value: null, version: null, timestamp: null, deleted: true }
      : { value: valueOf(record.value), version: null, timestamp: null };
  return [pending as unknown as VersionedValue, ...committed];
}
