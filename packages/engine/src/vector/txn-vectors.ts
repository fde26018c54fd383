import { TypeTag, userKeyOf } from '@stratum/core';
import type { Database, Write } from '../database.js';
import type { Scope } from '../scope.js';
import type { Transaction } from '../transaction.js';
import type { CollectionInfo } from './collections.js';
import { vectorErr } from './errors.js';
import type { ExactIndex, IndexHit } from './exact-index.js';
import type { MetadataPredicate } from './filter.js';
import { indexOfRecords, type IndexRegistry } from './index-registry.js';
import { collectionPrefix, configKey, readConfig, vectorKey, vectorWrites, type ConfigRecord, type VectorWriteEntry } from './records.js';
import { TxnChanges, collectionId, countWith, noteChange, searchWith } from './txn-changes.js';

/** A vector checked against its collection, ready to write. */
export type CheckedEntry = VectorWriteEntry;

/** A vector read inside a transaction: its record, and whether the transaction wrote it. */
export interface TxnRead {
  readonly value: unknown;
  readonly timestamp: number;
  readonly own: boolean;
}

/**
 * Runs `step` once `tx` can read every one of `keys` synchronously, in the same synchronous step as
 * the check: a key overwritten by a commit while others loaded is loaded too, so the step's reads
 * see the snapshot rather than fail. Steps read, buffer their writes and note them without awaiting.
 */
async function whenReady<T>(tx: Transaction, keys: readonly Uint8Array[], step: () => T | Promise<T>): Promise<T> {
  for (let load = tx.prepare(keys); load !== undefined; load = tx.prepare(keys)) await load;
  return step();
}

/**
 * The vector primitive inside a transaction (protocol §6.10): reads see the snapshot taken at
 * begin plus the transaction's own changes; writes are buffered in the transaction and land in
 * its one commit, which also brings the in-memory indexes in step (see {@link TxnChanges}).
 * Callers check names, keys and vectors first, as outside a transaction.
 */
export class TxnVectors {
  readonly #db: Database;
  readonly #registry: IndexRegistry;
  /** Committed configs, for the index a collection deletion checks at commit. */
  readonly #committedConfig: (scope: Scope, name: string) => ConfigRecord | undefined;
  readonly #changes: TxnChanges;
  /** Snapshot indexes built from storage, by transaction and collection: a snapshot never changes. */
  readonly #snapshots = new WeakMap<Transaction, Map<string, ExactIndex>>();

  constructor(db: Database, registry: IndexRegistry, committedConfig: (scope: Scope, name: string) => ConfigRecord | undefined) {
    this.#db = db;
    this.#registry = registry;
    this.#committedConfig = committedConfig;
    this.#changes = new TxnChanges(registry);
  }

  /** The collection's config as the transaction sees it, undefined when absent. */
  async config(tx: Transaction, scope: Scope, name: string): Promise<ConfigRecord | undefined> {
    const key = configKey(scope, name);
    return whenReady(tx, [key], () => {
      const record = tx.read(key);
      return record === undefined ? undefined : readConfig(record.value);
    });
  }

  async require(tx: Transaction, scope: Scope, name: string): Promise<ConfigRecord> {
    const config = await this.config(tx, scope, name);
    if (config === undefined) throw vectorErr.collectionNotFound(name, scope.space);
    return config;
  }

  async create(tx: Transaction, scope: Scope, name: string, config: ConfigRecord, at: number): Promise<number> {
    if ((await this.config(tx, scope, name)) !== undefined) throw vectorErr.collectionExists(name, scope.space);
    const applied = tx.apply([{ key: configKey(scope, name), value: config }], scope, at);
    this.#changes.touch(tx, scope, name).reset = true;
    await applied;
    return 1;
  }

  /** Deletes the collection and every vector the transaction sees in it; false when absent. */
  async drop(tx: Transaction, scope: Scope, name: string, at: number): Promise<boolean> {
    if ((await this.config(tx, scope, name)) === undefined) return false;
    const before = this.#changes.of(tx, scope, name);
    let committed: ExactIndex | undefined;
    if (before?.reset !== true) {
      const config = this.#committedConfig(scope, name);
      // Absent: deleted since the snapshot, which the commit's validation reports anyway.
      if (config !== undefined) committed = await this.#registry.load(scope, name, config);
    }
    const prefix = collectionPrefix(scope, name);
    const entries = await tx.scan(prefix);
    const keys = entries.map(([k]) => k);
    const writes: Write[] = keys.map((key) => ({ key, tombstone: true }));
    writes.push({ key: configKey(scope, name), tombstone: true });
    return whenReady(tx, keys, () => {
      const applied = tx.apply(writes, scope, at);
      const c = this.#changes.touch(tx, scope, name);
      for (const [k] of entries) {
        const key = userKeyOf(prefix, k);
        noteChange(c, key, true, { key });
      }
      if (committed !== undefined && !c.reset) c.guard = { index: committed, seen: new Set(c.ops.keys()) };
      c.reset = true;
      return applied.then(() => true);
    });
  }

  /** Buffers the entries (already checked against `config`); resolves to their counters. */
  async upsert(tx: Transaction, scope: Scope, name: string, entries: readonly CheckedEntry[], at: number): Promise<number[]> {
    const keys = entries.map((e) => vectorKey(scope, name, e.key));
    return whenReady(tx, keys, () => this.#upsert(tx, scope, name, entries, keys, at));
  }

  #upsert(tx: Transaction, scope: Scope, name: string, entries: readonly CheckedEntry[], keys: readonly Buffer[], at: number): Promise<number[]> {
    const { writes, versions, existed: live } = vectorWrites(entries, keys, (key) => tx.read(key));
    const applied = tx.apply(writes, scope, at);
    const c = this.#changes.touch(tx, scope, name);
    for (const e of entries) {
      noteChange(c, e.key, live.get(e.key) === true, { key: e.key, embedding: e.embedding, metadata: structuredClone(e.metadata) });
    }
    return applied.then(() => versions);
  }

  /** Deletes one vector of an existing collection; false when the transaction does not see it. */
  async delete(tx: Transaction, scope: Scope, name: string, key: string, at: number): Promise<boolean> {
    await this.require(tx, scope, name);
    const k = vectorKey(scope, name, key);
    return whenReady(tx, [k], () => {
      if (tx.read(k) === undefined) return false;
      const applied = tx.apply([{ key: k, tombstone: true }], scope, at);
      noteChange(this.#changes.touch(tx, scope, name), key, true, { key });
      return applied.then(() => true);
    });
  }

  /** The vector's record as the transaction sees it, or undefined. */
  async get(tx: Transaction, scope: Scope, name: string, key: string): Promise<TxnRead | undefined> {
    await this.require(tx, scope, name);
    const k = vectorKey(scope, name, key);
    return whenReady(tx, [k], () => {
      const record = tx.read(k);
      return record === undefined ? undefined : { value: record.value, timestamp: record.timestamp, own: tx.own(k) };
    });
  }

  /**
   * The `k` best vectors the transaction sees: the snapshot's without those it changed, plus its
   * own. The snapshot's keys returned join its read set, as a listing's do.
   */
  async search(tx: Transaction, scope: Scope, name: string, config: ConfigRecord, query: Float32Array, k: number, predicate: MetadataPredicate | undefined): Promise<IndexHit[]> {
    const c = this.#changes.of(tx, scope, name);
    if (c?.reset === true) return searchWith(c, [], config, query, k, predicate);
    const base = (await this.#snapshotIndex(tx, scope, name, config)).search(query, k + (c?.ops.size ?? 0), predicate);
    const hits = c === undefined ? base : searchWith(c, base, config, query, k, predicate);
    const read = hits.filter((h) => c?.ops.has(h.key) !== true).map((h) => vectorKey(scope, name, h.key));
    return whenReady(tx, read, () => {
      for (const key of read) tx.read(key);
      return hits;
    });
  }

  /** The space's collections as the transaction sees them, in ascending byte order of their names. */
  async list(tx: Transaction, scope: Scope): Promise<CollectionInfo[]> {
    const prefix = scope.prefix(TypeTag.VectorConfig);
    const out: CollectionInfo[] = [];
    for (const [key, record] of await tx.scan(prefix)) {
      const name = userKeyOf(prefix, key);
      if (name.startsWith('_')) continue;
      out.push(await this.info(tx, scope, name, readConfig(record.value)));
    }
    return out;
  }

  async info(tx: Transaction, scope: Scope, name: string, config: ConfigRecord): Promise<CollectionInfo> {
    const c = this.#changes.of(tx, scope, name);
    const count = countWith(c, c?.reset === true ? 0 : await this.#snapshotCount(tx, scope, name));
    return { name, dimension: config.dimension, metric: config.metric, count, indexType: 'exact', memoryBytes: count * config.dimension * 4 };
  }

  /**
   * The collection's vectors at the snapshot. While nothing has been committed since the snapshot,
   * that is the shared index, which is in step with every commit; otherwise one built from storage
   * once per transaction and collection.
   */
  async #snapshotIndex(tx: Transaction, scope: Scope, name: string, config: ConfigRecord): Promise<ExactIndex> {
    const id = collectionId(scope, name);
    const built = this.#snapshots.get(tx)?.get(id);
    if (built !== undefined) return built;
    if (this.#db.version === tx.snapshotVersion) {
      const index = await this.#registry.load(scope, name, config);
      if (this.#db.version === tx.snapshotVersion) return index;
    }
    const prefix = collectionPrefix(scope, name);
    const index = indexOfRecords(prefix, await this.#db.scanAsOf(prefix, tx.snapshotTimestamp), config);
    let byName = this.#snapshots.get(tx);
    if (byName === undefined) this.#snapshots.set(tx, (byName = new Map()));
    byName.set(id, index);
    return index;
  }

  /** How many vectors the collection held at the snapshot, without loading its index. */
  async #snapshotCount(tx: Transaction, scope: Scope, name: string): Promise<number> {
    const built = this.#snapshots.get(tx)?.get(collectionId(scope, name));
    if (built !== undefined) return built.size;
    const prefix = collectionPrefix(scope, name);
    if (this.#db.version === tx.snapshotVersion) {
      const loaded = this.#registry.loaded(scope, name);
      if (loaded !== undefined) return loaded.size;
      const n = await this.#db.count(prefix);
      if (this.#db.version === tx.snapshotVersion) return n;
    }
    return (await this.#db.scanAsOf(prefix, tx.snapshotTimestamp)).length;
  }
}
