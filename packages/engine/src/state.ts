import { TypeTag, checkValue, itemKey, userKeyOf, validateKey, type Value } from '@stratum/core';
import type { VersionedRecord } from '@stratum/storage';
import { checkEntries, commitBatch } from './batch-items.js';
import { DirectAccess, prepared, type Access } from './access.js';
import type { Database, Write } from './database.js';
import type { BatchItemResult, VersionedValue } from './kv.js';
import type { Scope } from './scope.js';
import type { SpaceIndex } from './spaces.js';
import type { Transaction } from './transaction.js';
import { readHistoryIn } from './txn-history.js';
import { readAsOf, readHistory } from './versioned-reads.js';

/** What a state cell's stored record holds: its value and its per-cell counter. */
export interface CellRecord {
  readonly value: Value;
  readonly counter: number;
}

/**
 * The counter a deletion reports in a history. A deleted cell has no counter (its next write
 * starts again at 1), so the deletion reads as the counter going back to 0.
 */
export const DELETED_COUNTER = 0;

/** The cell held by a live State record. */
export const cellOf = (record: VersionedRecord): CellRecord => record.value as CellRecord;

/** A live State record as the reads report it: the cell's counter is its version. */
export const cellVersioned = (record: VersionedRecord): VersionedValue => {
  const cell = cellOf(record);
  return { value: cell.value, version: cell.counter, timestamp: record.timestamp };
};

/**
 * History entries of a record holding a value and a counter (a state cell, a JSON document):
 * deletions appear with `value: null, deleted: true` and {@link DELETED_COUNTER}.
 */
export const cellHistoryEntry = (record: VersionedRecord): VersionedValue =>
  record.tombstone
    ? { value: null, version: DELETED_COUNTER, timestamp: record.timestamp, deleted: true }
    : cellVersioned(record);

/** A value the open transaction wrote: no version or time yet (protocol §6.2). */
export const ownValue = (value: Value): VersionedValue => ({ value, version: null, timestamp: null }) as unknown as VersionedValue;

/** Whether `cell` fails key validation (its batch entry then reports the error itself). */
function keyProblem(cell: string): boolean {
  try {
    validateKey(cell, 'cell');
    return false;
  } catch {
    return true;
  }
}

export interface StateListOptions {
  prefix?: string | undefined;
  asOf?: number | undefined;
}

/**
 * The State primitive: one record per (branch, space, cell) holding the value and a counter that
 * starts at 1, grows by one with every set or successful CAS and starts over after a delete.
 *
 * Every write reads the cell's counter and commits in the same synchronous step (the read sees
 * writes still queued for storage), so no other command can slip in between: a CAS decides on
 * the counter it commits over, and concurrent sets never reuse a counter.
 */
export class StateStore {
  readonly #db: Database;
  readonly #direct: DirectAccess;

  constructor(db: Database, spaces: SpaceIndex) {
    this.#db = db;
    this.#direct = new DirectAccess(db, spaces);
  }

  #key(scope: Scope, cell: string): Buffer {
    return itemKey(scope.prefix(TypeTag.State), cell);
  }

  /** The cell's current counter as `access` sees it, 0 when it does not exist. */
  #counter(access: Access, key: Buffer): number {
    const record = access.read(key);
    return record === undefined ? 0 : cellOf(record).counter;
  }

  /** Writes one cell (registering its space if needed) and resolves to the counter written. */
  async #write(access: Access, scope: Scope, key: Buffer, value: Value, counter: number, negativeZero: boolean, at: number): Promise<number> {
    const cell: CellRecord = { value, counter };
    await access.apply([{ key, value: cell, negativeZero }], scope, at);
    return counter;
  }

  /** Sets the cell unconditionally; resolves to its new counter (1 for a new cell). */
  async set(scope: Scope, cell: string, value: Value, at: number, access: Access = this.#direct): Promise<number> {
    validateKey(cell, 'cell');
    const { negativeZero } = checkValue(value, '/value');
    const key = this.#key(scope, cell);
    return prepared(access, [key], () => this.#write(access, scope, key, value, this.#counter(access, key) + 1, negativeZero, at));
  }

  /** Creates the cell with counter 1 if it is absent; an existing cell is untouched and its counter returned. */
  async init(scope: Scope, cell: string, value: Value, at: number, access: Access = this.#direct): Promise<number> {
    validateKey(cell, 'cell');
    const { negativeZero } = checkValue(value, '/value');
    const key = this.#key(scope, cell);
    return prepared(access, [key], async () => {
      const existing = this.#counter(access, key);
      if (existing !== 0) return existing;
      return this.#write(access, scope, key, value, 1, negativeZero, at);
    });
  }

  /**
   * Compare-and-swap on the counter. Without `expected` the cell must not exist; with it the
   * cell must exist with exactly that counter. Resolves to the new counter, or null (nothing
   * written) at once when the condition does not hold.
   */
  async cas(scope: Scope, cell: string, expected: number | undefined, value: Value, at: number, access: Access = this.#direct): Promise<number | null> {
    validateKey(cell, 'cell');
    const { negativeZero } = checkValue(value, '/value');
    const key = this.#key(scope, cell);
    return prepared(access, [key], async () => {
      const counter = this.#counter(access, key);
      const holds = expected === undefined ? counter === 0 : counter !== 0 && counter === expected;
      if (!holds) return null;
      return this.#write(access, scope, key, value, counter + 1, negativeZero, at);
    });
  }

  get(scope: Scope, cell: string): VersionedValue | null {
    validateKey(cell, 'cell');
    const record = this.#db.read(this.#key(scope, cell));
    return record === undefined ? null : cellVersioned(record);
  }

  /** The cell as `access` sees it; a value it wrote itself has null versions (protocol §6.2). */
  async getIn(access: Access, scope: Scope, cell: string): Promise<VersionedValue | null> {
    validateKey(cell, 'cell');
    const key = this.#key(scope, cell);
    await access.prepare([key]);
    const record = access.read(key);
    if (record === undefined) return null;
    return access.own(key) ? ownValue(cellOf(record).value) : cellVersioned(record);
  }

  async getAsOf(scope: Scope, cell: string, asOf: number): Promise<VersionedValue | null> {
    validateKey(cell, 'cell');
    return readAsOf(this.#db, this.#key(scope, cell), asOf, cellVersioned);
  }

  /** Deletes the cell; false (and nothing written) when it was absent. */
  async delete(scope: Scope, cell: string, at: number, access: Access = this.#direct): Promise<boolean> {
    validateKey(cell, 'cell');
    const key = this.#key(scope, cell);
    return prepared(access, [key], async () => {
      if (access.read(key) === undefined) return false;
      await access.apply([{ key, tombstone: true }], scope, at);
      return true;
    });
  }

  /** Names of live cells in ascending byte order; with `asOf`, those live at that moment. */
  async list(scope: Scope, options: StateListOptions, tx?: Transaction): Promise<string[]> {
    const prefix = options.prefix ?? '';
    if (prefix !== '') validateKey(prefix, 'prefix');
    const base = scope.prefix(TypeTag.State);
    const range = itemKey(base, prefix);
    if (tx !== undefined && options.asOf === undefined) return (await tx.scan(range)).map(([k]) => userKeyOf(base, k));
    await this.#db.settled();
    const entries =
      options.asOf === undefined ? await this.#db.scan(range) : await this.#db.scanAsOf(range, options.asOf);
    return entries.map(([k]) => userKeyOf(base, k));
  }

  /**
   * Sets every valid entry in one commit; invalid ones get their own error. A cell named twice
   * advances twice: each entry reports its own counter, and the commit stores the last value.
   */
  async batchSet(scope: Scope, entries: readonly { cell: string; value: Value }[], at: number, access: Access = this.#direct): Promise<BatchItemResult[]> {
    const keys = entries.flatMap((e) => (keyProblem(e.cell) ? [] : [this.#key(scope, e.cell)]));
    return prepared(access, keys, () => this.#batchSet(scope, entries, at, access));
  }

  #batchSet(scope: Scope, entries: readonly { cell: string; value: Value }[], at: number, access: Access): Promise<BatchItemResult[]> {
    const writes = new Map<string, Write>();
    const counters = new Map<string, number>();
    const results = checkEntries(entries, (entry, i) => {
      validateKey(entry.cell, 'cell');
      const { negativeZero } = checkValue(entry.value, `/entries/${i}/value`);
      const key = this.#key(scope, entry.cell);
      const counter = (counters.get(entry.cell) ?? this.#counter(access, key)) + 1;
      counters.set(entry.cell, counter);
      const cell: CellRecord = { value: entry.value, counter };
      writes.set(entry.cell, { key, value: cell, negativeZero });
      return counter;
    });
    return commitBatch(access, scope, [...writes.values()], at, results);
  }

  /**
   * Versions newest first (deletions marked), only those at or before `asOf`; null if none.
   * Inside `tx`, its snapshot's versions under its own pending write.
   */
  async history(scope: Scope, cell: string, asOf?: number, tx?: Transaction): Promise<VersionedValue[] | null> {
    validateKey(cell, 'cell');
    if (tx !== undefined) return readHistoryIn(this.#db, tx, this.#key(scope, cell), asOf, cellHistoryEntry, (v) => (v as CellRecord).value);
    return readHistory(this.#db, this.#key(scope, cell), asOf, cellHistoryEntry);
  }
}
