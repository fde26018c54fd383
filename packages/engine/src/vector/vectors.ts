import { checkValue, err, validateKey, type Value } from '@stratum/core';
import type { Database } from '../database.js';
import type { Scope } from '../scope.js';
import type { SpaceIndex } from '../spaces.js';
import type { Transaction } from '../transaction.js';
import { VectorCollections, type CollectionInfo } from './collections.js';
import { shortestF32, type Metric } from './distance.js';
import type { ExactIndex, IndexHit } from './exact-index.js';
import { vectorErr } from './errors.js';
import { compileFilter, type FilterCondition } from './filter.js';
import { IndexRegistry, indexOfRecords, type IndexOp } from './index-registry.js';
import { collectionPrefix, configKey, embeddingOf, readConfig, readVector, vectorKey, vectorWrites, type ConfigRecord } from './records.js';
import { TxnVectors, type CheckedEntry } from './txn-vectors.js';
import { checkLength, toFloat32, validateCollectionName, validateDimension, validateMetric } from './validate.js';

/** One vector to write. */
export interface VectorEntry {
  readonly key: string;
  readonly vector: ArrayLike<number>;
  readonly metadata?: Value | undefined;
}

/**
 * A stored vector as `VectorGet` returns it; `version` is the per-key counter. A vector written in
 * the open transaction has both `version` and `timestamp` null (protocol §6.2), as other reads report them.
 */
export interface VectorData {
  key: string;
  embedding: number[];
  metadata: Value;
  version: number;
  timestamp: number;
}

export interface VectorMatch {
  key: string;
  score: number;
  metadata: Value;
}

export interface SearchOptions {
  readonly query: ArrayLike<number>;
  readonly k: number;
  readonly filter?: readonly FilterCondition[] | undefined;
  readonly metric?: Metric | undefined;
  readonly asOf?: number | undefined;
}

/**
 * The vector primitive: collections (config records), one record per vector holding its float32
 * embedding, metadata and per-key counter (1 on insert, +1 per upsert, 1 again after a delete),
 * and an exact in-memory index per (branch, space, collection) that search reads.
 */
export class VectorStore {
  readonly #db: Database;
  readonly #spaces: SpaceIndex;
  readonly #registry: IndexRegistry;
  readonly collections: VectorCollections;
  readonly #txn: TxnVectors;

  constructor(db: Database, spaces: SpaceIndex) {
    this.#db = db;
    this.#spaces = spaces;
    this.#registry = new IndexRegistry(db);
    this.collections = new VectorCollections(db, spaces, this.#registry);
    this.#txn = new TxnVectors(db, this.#registry, (scope, name) => this.collections.config(scope, name));
    spaces.onDelete((branch, space) => this.#registry.dropSpace(branch, space));
  }

  /** Creates a collection (inside `tx` when given: buffered in it); resolves to 1. */
  async createCollection(scope: Scope, name: string, dimension: number, metric: string, at: number, tx?: Transaction): Promise<number> {
    if (tx === undefined) return this.collections.create(scope, name, dimension, metric, at);
    validateCollectionName(name);
    validateDimension(dimension);
    validateMetric(metric);
    return this.#txn.create(tx, scope, name, { dimension, metric }, at);
  }

  async deleteCollection(scope: Scope, name: string, at: number, tx?: Transaction): Promise<boolean> {
    if (tx === undefined) return this.collections.drop(scope, name, at);
    validateCollectionName(name);
    return this.#txn.drop(tx, scope, name, at);
  }

  listCollections(scope: Scope, tx?: Transaction): Promise<CollectionInfo[]> {
    return tx === undefined ? this.collections.list(scope) : this.#txn.list(tx, scope);
  }

  async collectionStats(scope: Scope, name: string, tx?: Transaction): Promise<CollectionInfo> {
    if (tx === undefined) return this.collections.stats(scope, name);
    validateCollectionName(name);
    return this.#txn.info(tx, scope, name, await this.#txn.require(tx, scope, name));
  }

  /** Whether the collection's index is in memory (it loads on first use); for diagnostics. */
  indexLoaded(scope: Scope, name: string): boolean {
    return this.#registry.loaded(scope, name) !== undefined;
  }

  /** Forgets the in-memory indexes of a deleted branch. */
  dropBranch(branch: string): void {
    this.#registry.dropBranch(branch);
  }

  /** Inserts or replaces one vector; resolves to its counter (inside `tx`: the one its commit will store). */
  async upsert(scope: Scope, name: string, entry: VectorEntry, at: number, tx?: Transaction): Promise<number> {
    validateKey(entry.key);
    validateCollectionName(name);
    const prepared = prepare(entry, '');
    const [version] = await this.#upsert(scope, name, [prepared], at, tx);
    return version as number;
  }

  /**
   * Inserts or replaces several vectors in one commit; if any entry is invalid nothing is written.
   * A key given twice advances its counter twice and keeps the later entry. No entries: `[]`.
   */
  async batchUpsert(scope: Scope, name: string, entries: readonly VectorEntry[], at: number, tx?: Transaction): Promise<number[]> {
    validateCollectionName(name);
    if (entries.length === 0) return [];
    const prepared = entries.map((e, i) => {
      validateKey(e.key);
      return prepare(e, `/entries/${i}`);
    });
    return this.#upsert(scope, name, prepared, at, tx);
  }

  /** Checks prepared entries against the collection's dimension, then writes them directly or buffers them in `tx`. */
  async #upsert(scope: Scope, name: string, entries: readonly CheckedEntry[], at: number, tx: Transaction | undefined): Promise<number[]> {
    const config = tx === undefined ? this.collections.require(scope, name) : await this.#txn.require(tx, scope, name);
    for (const p of entries) checkDimension(config, p);
    return tx === undefined ? this.#write(scope, name, entries, at) : this.#txn.upsert(tx, scope, name, entries, at);
  }

  /** Commits prepared entries and reports them to the index, in one synchronous step. */
  async #write(scope: Scope, name: string, entries: readonly CheckedEntry[], at: number): Promise<number[]> {
    const keys = entries.map((e) => vectorKey(scope, name, e.key));
    const { writes, versions } = vectorWrites(entries, keys, (key) => this.#db.read(key));
    const ops: IndexOp[] = entries.map((e) => ({ key: e.key, embedding: e.embedding, metadata: e.metadata }));
    const c = this.#db.commit([...writes, ...this.#spaces.registration(scope)], at);
    this.#registry.apply(scope, name, ops);
    await this.#settle(scope, name, c.done);
    return versions;
  }

  /**
   * The vector at `key` (as of `asOf` when given: embedding and metadata of that time), or null.
   * Inside `tx` (without `asOf`), as the transaction sees it.
   */
  async get(scope: Scope, name: string, key: string, asOf?: number, tx?: Transaction): Promise<VectorData | null> {
    validateKey(key);
    validateCollectionName(name);
    const k = vectorKey(scope, name, key);
    if (asOf === undefined && tx !== undefined) {
      const read = await this.#txn.get(tx, scope, name, key);
      if (read === undefined) return null;
      const data = vectorData(key, read.value, read.timestamp);
      return read.own ? ({ ...data, version: null, timestamp: null } as unknown as VectorData) : data;
    }
    if (asOf === undefined) {
      this.collections.require(scope, name);
      const record = this.#db.read(k);
      return record === undefined ? null : vectorData(key, record.value, record.timestamp);
    }
    await this.#db.settled();
    const record = await this.#db.getAsOf(k, asOf);
    return record === undefined || record.tombstone ? null : vectorData(key, record.value, record.timestamp);
  }

  /** Deletes one vector; false (nothing written) when it was absent. */
  async delete(scope: Scope, name: string, key: string, at: number, tx?: Transaction): Promise<boolean> {
    validateKey(key);
    validateCollectionName(name);
    if (tx !== undefined) return this.#txn.delete(tx, scope, name, key, at);
    this.collections.require(scope, name);
    const k = vectorKey(scope, name, key);
    if (this.#db.read(k) === undefined) return false;
    const c = this.#db.commit([{ key: k, tombstone: true }], at);
    this.#registry.apply(scope, name, [{ key }]);
    await this.#settle(scope, name, c.done);
    return true;
  }

  /**
   * The `k` vectors most similar to the query, best first, ties by key. With `asOf`, the vectors
   * and metadata of that time, in the collection as it was then (none if it did not exist yet).
   * Inside `tx` (without `asOf`), the vectors the transaction sees.
   */
  async search(scope: Scope, name: string, options: SearchOptions, tx?: Transaction): Promise<VectorMatch[]> {
    validateCollectionName(name);
    checkLength(options.query, '/query');
    const query = toFloat32(options.query, '/query');
    const predicate = compileFilter(options.filter);
    let config: ConfigRecord | undefined;
    if (options.asOf === undefined) {
      config = tx === undefined ? this.collections.require(scope, name) : await this.#txn.require(tx, scope, name);
    } else {
      await this.#db.settled();
      const record = await this.#db.getAsOf(configKey(scope, name), options.asOf);
      config = record === undefined || record.tombstone ? undefined : readConfig(record.value);
      if (config === undefined) return [];
    }
    if (query.length !== config.dimension) throw vectorErr.dimensionMismatch(config.dimension, query.length);
    if (options.metric !== undefined && options.metric !== config.metric) {
      throw err.invalidInput(`Metric '${options.metric}' does not match the collection's metric '${config.metric}'`, {
        metric: options.metric,
        expected: config.metric,
      });
    }
    if (options.k === 0) return [];
    let hits: IndexHit[];
    if (options.asOf === undefined && tx !== undefined) {
      hits = await this.#txn.search(tx, scope, name, config, query, options.k, predicate);
    } else {
      let index: ExactIndex;
      if (options.asOf === undefined) {
        index = await this.#registry.load(scope, name, config);
      } else {
        const prefix = collectionPrefix(scope, name);
        index = indexOfRecords(prefix, await this.#db.scanAsOf(prefix, options.asOf), config);
      }
      hits = index.search(query, options.k, predicate);
    }
    return hits.map((h) => ({
      key: h.key,
      score: shortestF32(h.score),
      metadata: structuredClone(h.metadata),
    }));
  }

  /** Waits for a commit; if it fails, the index (already told) is dropped to be rebuilt from storage. */
  async #settle(scope: Scope, name: string, done: Promise<void>): Promise<void> {
    try {
      await done;
    } catch (e) {
      this.#registry.drop(scope, name);
      throw e;
    }
  }
}

/** Length, metadata and finiteness of an entry whose key is checked, in StrataDB's order. */
function prepare(entry: VectorEntry, path: string): CheckedEntry {
  checkLength(entry.vector, `${path}/vector`);
  const metadata = entry.metadata ?? null;
  const { negativeZero } = checkValue(metadata, `${path}/metadata`);
  const embedding = toFloat32(entry.vector, `${path}/vector`);
  return { key: entry.key, embedding, metadata, negativeZero };
}

function checkDimension(config: ConfigRecord, entry: CheckedEntry): void {
  if (entry.embedding.length !== config.dimension) {
    throw vectorErr.dimensionMismatch(config.dimension, entry.embedding.length, { key: entry.key });
  }
}

function vectorData(key: string, value: unknown, timestamp: number): VectorData {
  const record = readVector(value);
  const embedding = Array.from(embeddingOf(record.embedding), shortestF32);
  return { key, embedding, metadata: record.metadata, version: record.version, timestamp };
}
