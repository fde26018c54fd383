import {
  TypeTag, checkValue, itemKey, userKeyOf, validateKey, type Value,
} from '@stratum/core';
import type { VersionedRecord } from '@stratum/storage';
import { checkEntries, commitBatch } from './batch-items.js';
import { DirectAccess, prepared, type Access } from './access.js';
import type { Database, Write } from './database.js';
import { checkDocument, checkFinite } from './json-document.js';
import { deleteAt, getAt, parsePath, setAt, type JsonPath } from './json-path.js';
import type { BatchItemResult, VersionedValue } from './kv.js';
import type { Scope } from './scope.js';
import type { SpaceIndex } from './spaces.js';
import type { Transaction } from './transaction.js';
import { cellHistoryEntry, ownValue } from './state.js';
import { readHistoryIn } from './txn-history.js';
import { readAsOf, readHistory } from './versioned-reads.js';

/**
 * The one stored record of a document: its whole value and its counter (1 on creation, +1 per
 * change, restarting at 1 once the document is deleted and written again).
 */
export interface JsonRecord {
  readonly value: Value;
  readonly counter: number;
}

export interface JsonListOptions {
  prefix?: string | undefined;
  cursor?: string | undefined;
  limit: number;
  asOf?: number | undefined;
}

/** A page of document keys; `cursor` (the page's last key) is set while more keys remain. */
export interface JsonListPage {
  keys: string[];
  cursor: string | null;
}

/** A checked JsonSet: what every set, single or batched, verifies before touching a document. */
export interface JsonSetRequest {
  readonly path: JsonPath;
  readonly value: Value;
}

/**
 * Checks a JsonSet before any document is read, in the reference's order: the key, the value's
 * limits (`pointer` names it in errors), the path, then NaN/±Infinity (Serialization).
 */
export function checkJsonSet(key: string, path: string, value: Value, pointer: string): JsonSetRequest {
  validateKey(key);
  checkValue(value, pointer);
  const parsed = parsePath(path);
  checkFinite(value, pointer);
  return { path: parsed, value };
}

/**
 * Applies a set to a document (`undefined` when absent: the root path creates it with the value,
 * any other path starts from `{}`) and checks the document limits. On success `current.value` is
 * changed in place and shared by the returned record; on failure it is left as it was. Returns the
 * record to store and whether it holds a negative zero.
 */
export function applySet(current: JsonRecord | undefined, path: JsonPath, value: Value): { record: JsonRecord; negativeZero: boolean } {
  const { root, undo } = setAt(current === undefined ? {} : current.value, path, value);
  try {
    const { negativeZero } = checkDocument(root);
    return { record: { value: root, counter: (current?.counter ?? 0) + 1 }, negativeZero };
  } catch (e) {
    undo();
    throw e;
  }
}

const recordOf = (r: VersionedRecord): JsonRecord => r.value as JsonRecord;

/** The JSON document primitive: one record per (branch, space, key) under the Json tag. */
export class JsonStore {
  readonly #db: Database;
  readonly #spaces: SpaceIndex;
  readonly #direct: DirectAccess;

  constructor(db: Database, spaces: SpaceIndex) {
    this.#db = db;
    this.#spaces = spaces;
    this.#direct = new DirectAccess(db, spaces);
  }

  #key(scope: Scope, key: string): Buffer {
    return itemKey(scope.prefix(TypeTag.Json), key);
  }

  #current(k: Uint8Array, access: Access = this.#direct): JsonRecord | undefined {
    const r = access.read(k);
    return r === undefined ? undefined : recordOf(r);
  }

  /** Sets `value` at `path`, creating the document when absent; resolves to its new counter. */
  async set(scope: Scope, key: string, path: string, value: Value, at: number, access?: Access): Promise<number> {
    const req = checkJsonSet(key, path, value, '/value');
    const k = this.#key(scope, key);
    if (access !== undefined) {
      // The transaction's document is its snapshot's with its own changes; the result is buffered whole.
      await access.prepare([k]);
      const { record, negativeZero } = applySet(this.#current(k, access), req.path, structuredClone(req.value));
      await access.apply([{ key: k, value: record, negativeZero }], scope, at);
      return record.counter;
    }
    // Read, change and commit with no await between: no other command can slip in.
    const { record, negativeZero } = applySet(this.#current(k), req.path, req.value);
    const c = this.#db.commit([{ key: k, value: record, negativeZero }, ...this.#spaces.registration(scope)], at);
    await c.done;
    return record.counter;
  }

  /** The value at `path` with the document's counter and write time; null when the document or the path is missing. */
  get(scope: Scope, key: string, path: string): VersionedValue | null {
    validateKey(key);
    const parsed = parsePath(path);
    return found(this.#db.read(this.#key(scope, key)), parsed);
  }

  /** The value at `path` as `access` sees it; in a document it changed itself, versions are null (protocol §6.2). */
  async getIn(access: Access, scope: Scope, key: string, path: string): Promise<VersionedValue | null> {
    validateKey(key);
    const parsed = parsePath(path);
    const k = this.#key(scope, key);
    await access.prepare([k]);
    const hit = found(access.read(k), parsed);
    return hit !== null && access.own(k) ? ownValue(hit.value) : hit;
  }

  async getAsOf(scope: Scope, key: string, path: string, asOf: number): Promise<VersionedValue | null> {
    validateKey(key);
    const parsed = parsePath(path);
    return readAsOf(this.#db, this.#key(scope, key), asOf, (r) => found(r, parsed));
  }

  /**
   * Removes the member at `path` (1) or nothing (0: no document, no parent of the right kind, no
   * member there; nothing is written then). The root path deletes the whole document.
   */
  async delete(scope: Scope, key: string, path: string, at: number, access: Access = this.#direct): Promise<number> {
    validateKey(key);
    const parsed = parsePath(path);
    const k = this.#key(scope, key);
    return prepared(access, [k], () => this.#delete(scope, k, parsed, at, access));
  }

  async #delete(scope: Scope, k: Buffer, parsed: JsonPath, at: number, access: Access): Promise<number> {
    const current = this.#current(k, access);
    if (current === undefined) return 0;
    let write: Write;
    if (parsed.length === 0) {
      write = { key: k, tombstone: true };
    } else {
      if (!deleteAt(current.value, parsed)) return 0;
      const { negativeZero } = checkDocument(current.value);
      write = { key: k, value: { value: current.value, counter: current.counter + 1 }, negativeZero };
    }
    await access.apply([write], scope, at);
    return 1;
  }

  /**
   * Whole-document versions newest first (deletions marked), only those at or before `asOf`; null
   * if none. Inside `tx`, its snapshot's versions under its own pending write.
   */
  async history(scope: Scope, key: string, asOf?: number, tx?: Transaction): Promise<VersionedValue[] | null> {
    validateKey(key);
    // A document's record holds a value and a counter as a state cell's does, and its history reads the same.
    if (tx !== undefined) return readHistoryIn(this.#db, tx, this.#key(scope, key), asOf, cellHistoryEntry, (v) => (v as JsonRecord).value);
    return readHistory(this.#db, this.#key(scope, key), asOf, cellHistoryEntry);
  }

  /**
   * Applies every entry in order; entries on the same document see the ones before them. An entry
   * that fails (key, value, path, or applying the path) gets its error and changes nothing; every
   * other change lands in one commit.
   */
  async batchSet(
    scope: Scope,
    entries: readonly { key: string; path: string; value: Value }[],
    at: number,
    access: Access = this.#direct,
  ): Promise<BatchItemResult[]> {
    const keys = entries.flatMap((e) => (typeof e.key === 'string' && e.key !== '' ? [this.#key(scope, e.key)] : []));
    return prepared(access, keys, () => this.#batchSet(scope, entries, at, access));
  }

  #batchSet(
    scope: Scope,
    entries: readonly { key: string; path: string; value: Value }[],
    at: number,
    access: Access,
  ): Promise<BatchItemResult[]> {
    const docs = new Map<string, { key: Buffer; current: JsonRecord | undefined; negativeZero: boolean; changed: boolean }>();
    const results = checkEntries(entries, (entry, i) => {
      const req = checkJsonSet(entry.key, entry.path, entry.value, `/entries/${i}/value`);
      let doc = docs.get(entry.key);
      if (doc === undefined) {
        const k = this.#key(scope, entry.key);
        doc = { key: k, current: this.#current(k, access), negativeZero: false, changed: false };
        docs.set(entry.key, doc);
      }
      // A copy: a later entry may write inside this value, and the caller's object must not change.
      const { record, negativeZero } = applySet(doc.current, req.path, structuredClone(req.value));
      Object.assign(doc, { current: record, negativeZero, changed: true });
      return record.counter;
    });
    const writes: Write[] = [];
    for (const doc of docs.values()) {
      if (doc.changed) writes.push({ key: doc.key, value: doc.current, negativeZero: doc.negativeZero });
    }
    return commitBatch(access, scope, writes, at, results);
  }

  /**
   * Document keys starting with `prefix` (not checked: any string), in ascending byte order, from
   * strictly after `cursor` (which need not exist), at most `limit`. With `asOf`, the keys live
   * at that time, paged the same way.
   */
  async list(scope: Scope, options: JsonListOptions, tx?: Transaction): Promise<JsonListPage> {
    const { limit, cursor } = options;
    if (limit === 0) return { keys: [], cursor: null };
    const base = scope.prefix(TypeTag.Json);
    const range = itemKey(base, options.prefix ?? '');
    const after = cursor === undefined ? undefined : itemKey(base, cursor);
    let page: Uint8Array[];
    if (tx !== undefined && options.asOf === undefined) {
      page = (await tx.scan(range)).map(([k]) => k);
      if (after !== undefined) page = page.filter((k) => Buffer.compare(k, after) > 0);
      page = page.slice(0, limit + 1);
    } else if (options.asOf === undefined) {
      await this.#db.settled();
      // One key past the page tells whether more remain.
      page = (await this.#db.scan(range, { limit: limit + 1, ...(after !== undefined ? { after } : {}) })).map(([k]) => k);
    } else {
      await this.#db.settled();
      page = (await this.#db.scanAsOf(range, options.asOf)).map(([k]) => k);
      if (after !== undefined) page = page.filter((k) => Buffer.compare(k, after) > 0);
      page = page.slice(0, limit + 1);
    }
    const keys = page.slice(0, limit).map((k) => userKeyOf(base, k));
    return { keys, cursor: page.length > limit ? (keys[keys.length - 1] as string) : null };
  }
}

/** The sub-value of a stored version at `path`, as a read answers it. */
function found(r: VersionedRecord | undefined, path: JsonPath): VersionedValue | null {
  if (r === undefined || r.tombstone) return null;
  const { value, counter } = recordOf(r);
  const sub = getAt(value, path);
  return sub === undefined ? null : { value: sub, version: counter, timestamp: r.timestamp };
}
