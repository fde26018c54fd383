import {
  TypeTag, checkValue, itemKey, userKeyOf, validateKey, type ErrorCode, type Value,
} from '@stratum/core';
import type { VersionedRecord } from '@stratum/storage';
import { checkEntries, commitBatch } from './batch-items.js';
import type { Committed, Database, Write } from './database.js';
import type { Scope } from './scope.js';
import type { SpaceIndex } from './spaces.js';
import { readAsOf, readHistory } from './versioned-reads.js';

/** A value with the version and time of the write that made it. */
export interface VersionedValue {
  value: Value;
  version: number;
  timestamp: number;
  deleted?: true;
}

export type BatchItemResult = { version: number } | { error: { code: ErrorCode; message: string } };

export interface ListOptions {
  prefix?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
  asOf?: number | undefined;
}

export const versioned = (r: VersionedRecord): VersionedValue => ({
  value: r.value as Value,
  version: r.version,
  timestamp: r.timestamp,
});

/** History entries: deletions appear with `value: null, deleted: true` (protocol §6.7). */
export const historyEntry = (r: VersionedRecord): VersionedValue =>
  r.tombstone ? { value: null, version: r.version, timestamp: r.timestamp, deleted: true } : versioned(r);

/** The KV primitive: one record per (branch, space, key); its version is the global commit version. */
export class KvStore {
  readonly #db: Database;
  readonly #spaces: SpaceIndex;

  constructor(db: Database, spaces: SpaceIndex) {
    this.#db = db;
    this.#spaces = spaces;
  }

  #key(scope: Scope, key: string): Buffer {
    return itemKey(scope.prefix(TypeTag.Kv), key);
  }

  put(scope: Scope, key: string, value: Value, at: number): Promise<number> {
    let c: Committed;
    try {
      validateKey(key);
      const { negativeZero } = checkValue(value, '/value');
      const write: Write = { key: this.#key(scope, key), value, negativeZero };
      const registration = this.#spaces.registration(scope);
      c = this.#db.commit(registration.length === 0 ? [write] : [write, ...registration], at);
    } catch (e) {
      return Promise.reject(e);
    }
    // One `then` instead of an async function's own promise and await.
    const version = c.version;
    return c.done.then(() => version);
  }

  get(scope: Scope, key: string): VersionedValue | null {
    validateKey(key);
    const record = this.#db.read(this.#key(scope, key));
    return record === undefined ? null : versioned(record);
  }

  async getAsOf(scope: Scope, key: string, asOf: number): Promise<VersionedValue | null> {
    validateKey(key);
    return readAsOf(this.#db, this.#key(scope, key), asOf, versioned);
  }

  /** Deletes `key`; false (and nothing written, no space registered) when it was absent. */
  async delete(scope: Scope, key: string, at: number): Promise<boolean> {
    validateKey(key);
    const k = this.#key(scope, key);
    if (this.#db.read(k) === undefined) return false;
    await this.#db.commit([{ key: k, tombstone: true }], at).done;
    return true;
  }

  /**
   * Live keys in ascending byte order. As in StrataDB, `cursor` and `limit` page only together
   * (the page starts strictly after the cursor, which need not exist), and not with `asOf`.
   */
  async list(scope: Scope, options: ListOptions): Promise<string[]> {
    const prefix = options.prefix ?? '';
    if (prefix !== '') validateKey(prefix, 'prefix');
    const base = scope.prefix(TypeTag.Kv);
    const range = itemKey(base, prefix);
    await this.#db.settled();
    if (options.asOf !== undefined) {
      return (await this.#db.store.scanAsOf(range, options.asOf)).map(([k]) => userKeyOf(base, k));
    }
    const limit = options.limit;
    const page =
      limit === undefined
        ? await this.#db.store.scan(range)
        : await this.#db.store.scan(range, {
            limit,
            ...(options.cursor !== undefined ? { after: itemKey(base, options.cursor) } : {}),
          });
    return page.map(([k]) => userKeyOf(base, k));
  }

  /** Every valid entry lands in one commit with one version; invalid ones get their own error. */
  async batchPut(scope: Scope, entries: readonly { key: string; value: Value }[], at: number): Promise<BatchItemResult[]> {
    const writes: Write[] = [];
    const results = checkEntries(entries, (entry, i) => {
      validateKey(entry.key);
      const { negativeZero } = checkValue(entry.value, `/entries/${i}/value`);
      writes.push({ key: this.#key(scope, entry.key), value: entry.value, negativeZero });
      return undefined;
    });
    return commitBatch(this.#db, this.#spaces, scope, writes, at, results);
  }

  /** Versions newest first (deletions marked), only those at or before `asOf`; null if none. */
  async history(scope: Scope, key: string, asOf?: number): Promise<VersionedValue[] | null> {
    validateKey(key);
    return readHistory(this.#db, this.#key(scope, key), asOf, historyEntry);
  }
}

