import {
  TypeTag, checkValue, itemKey, userKeyOf, validateKey, type ErrorCode, type Value,
} from '@stratum/core';
import type { VersionedRecord } from '@stratum/storage';
import { checkEntries, commitBatch } from './batch-items.js';
import { DirectAccess, prepared, type Access } from './access.js';
import type { Committed, Database, Write } from './database.js';
import type { Scope } from './scope.js';
import type { SpaceIndex } from './spaces.js';
import type { Transaction } from './transaction.js';
import { readHistoryIn } from './txn-history.js';
import { readAsOf, readHistory } from './versioned-reads.js';

/** A value with the version and time of the write that made it. */
export interface VersionedValue {
  value: Value;
  version: number;
  timestamp: number;
  deleted?: true;
}

/** An entry's outcome; `version` is null for a KV write buffered in a transaction. */
export type BatchItemResult = { version: number | null } | { error: { code: ErrorCode; message: string } };

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
  readonly #direct: DirectAccess;

  constructor(db: Database, spaces: SpaceIndex) {
    this.#db = db;
    this.#spaces = spaces;
    this.#direct = new DirectAccess(db, spaces);
  }

  /** A live record as reads report it: values `access` wrote itself have null versions (protocol §6.2). */
  static report(access: Access, key: Uint8Array, record: VersionedRecord | undefined): VersionedValue | null {
    if (record === undefined) return null;
    return access.own(key) ? ({ value: record.value as Value, version: null, timestamp: null } as unknown as VersionedValue) : versioned(record);
  }

  #key(scope: Scope, key: string): Buffer {
    return itemKey(scope.prefix(TypeTag.Kv), key);
  }

  /** Writes `key`; resolves to the commit version, or null inside a transaction. */
  put(scope: Scope, key: string, value: Value, at: number, access?: Access): Promise<number | null> {
    if (access !== undefined) {
      try {
        validateKey(key);
        const { negativeZero } = checkValue(value, '/value');
        return access.apply([{ key: this.#key(scope, key), value, negativeZero }], scope, at);
      } catch (e) {
        return Promise.reject(e);
      }
    }
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

  /** The value as `access` sees it (a transaction: its snapshot and its own writes). */
  async getIn(access: Access, scope: Scope, key: string): Promise<VersionedValue | null> {
    validateKey(key);
    const k = this.#key(scope, key);
    await access.prepare([k]);
    return KvStore.report(access, k, access.read(k));
  }

  async getAsOf(scope: Scope, key: string, asOf: number): Promise<VersionedValue | null> {
    validateKey(key);
    return readAsOf(this.#db, this.#key(scope, key), asOf, versioned);
  }

  /** Deletes `key`; false (and nothing written, no space registered) when it was absent. */
  async delete(scope: Scope, key: string, at: number, access: Access = this.#direct): Promise<boolean> {
    validateKey(key);
    const k = this.#key(scope, key);
    return prepared(access, [k], async () => {
      if (access.read(k) === undefined) return false;
      await access.apply([{ key: k, tombstone: true }], scope, at);
      return true;
    });
  }

  /**
   * Live keys in ascending byte order. As in StrataDB, `cursor` and `limit` page only together
   * (the page starts strictly after the cursor, which need not exist), and not with `asOf`.
   */
  async list(scope: Scope, options: ListOptions, tx?: Transaction): Promise<string[]> {
    const prefix = options.prefix ?? '';
    if (prefix !== '') validateKey(prefix, 'prefix');
    const base = scope.prefix(TypeTag.Kv);
    const range = itemKey(base, prefix);
    if (tx !== undefined && options.asOf === undefined) {
      let keys = (await tx.scan(range)).map(([k]) => userKeyOf(base, k));
      if (options.limit !== undefined) {
        const cursor = options.cursor;
        if (cursor !== undefined) keys = keys.filter((k) => Buffer.compare(Buffer.from(k), Buffer.from(cursor)) > 0);
        keys = keys.slice(0, options.limit);
      }
      return keys;
    }
    await this.#db.settled();
    if (options.asOf !== undefined) {
      return (await this.#db.scanAsOf(range, options.asOf)).map(([k]) => userKeyOf(base, k));
    }
    const limit = options.limit;
    const page =
      limit === undefined
        ? await this.#db.scan(range)
        : await this.#db.scan(range, {
            limit,
            ...(options.cursor !== undefined ? { after: itemKey(base, options.cursor) } : {}),
          });
    return page.map(([k]) => userKeyOf(base, k));
  }

  /** Every valid entry lands in one commit with one version; invalid ones get their own error. */
  async batchPut(scope: Scope, entries: readonly { key: string; value: Value }[], at: number, access: Access = this.#direct): Promise<BatchItemResult[]> {
    const writes: Write[] = [];
    const results = checkEntries(entries, (entry, i) => {
      validateKey(entry.key);
      const { negativeZero } = checkValue(entry.value, `/entries/${i}/value`);
      writes.push({ key: this.#key(scope, entry.key), value: entry.value, negativeZero });
      return undefined;
    });
    return commitBatch(access, scope, writes, at, results);
  }

  /**
   * Versions newest first (deletions marked), only those at or before `asOf`; null if none.
   * Inside `tx`, its snapshot's versions under its own pending write.
   */
  async history(scope: Scope, key: string, asOf?: number, tx?: Transaction): Promise<VersionedValue[] | null> {
    validateKey(key);
    if (tx !== undefined) return readHistoryIn(this.#db, tx, this.#key(scope, key), asOf, historyEntry, (v) => v as Value);
    return readHistory(this.#db, this.#key(scope, key), asOf, historyEntry);
  }
}

