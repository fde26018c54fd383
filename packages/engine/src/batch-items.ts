import { isStratumError } from '@stratum/core';
import type { Access } from './access.js';
import type { Write } from './database.js';
import type { BatchItemResult } from './kv.js';
import type { Scope } from './scope.js';

/** An entry's result, or undefined while it waits for the version of the batch's commit. */
export type PendingItemResult = BatchItemResult | undefined;

/**
 * Runs `check` on every entry in order. `check` returns the version the entry reports, or nothing
 * when that is the version of the batch's commit. A StratumError fails only its own entry, which
 * reports it and the batch goes on; any other throw is a fault and ends the whole batch.
 */
export function checkEntries<E>(entries: readonly E[], check: (entry: E, index: number) => number | undefined): PendingItemResult[] {
  return entries.map((entry, i) => {
    try {
      const version = check(entry, i);
      return version === undefined ? undefined : { version };
    } catch (e) {
      if (!isStratumError(e)) throw e;
      return { error: { code: e.code, message: e.message } };
    }
  });
}

/**
 * Commits the valid entries' `writes`, with the space's registration, as one commit, so the batch
 * lands whole with one version; results waiting for that version get it. With no writes (every
 * entry failed) nothing is committed and the space is not registered.
 *
 * Callers invoke this in the same synchronous step as their checks: the commit is queued before
 * the first await, so no other command can write between the reads the checks made and it.
 */
export async function commitBatch(
  access: Access,
  scope: Scope,
  writes: readonly Write[],
  at: number,
  results: readonly PendingItemResult[],
): Promise<BatchItemResult[]> {
  if (writes.length === 0) return results as BatchItemResult[];
  const version = await access.apply(writes, scope, at);
  return results.map((r) => r ?? { version });
}
