import { checkValue, err, validateKey, type Value } from '@stratum/core';
import type { Database, Write } from '../database.js';
import type { Scope } from '../scope.js';
import type { SpaceIndex } from '../spaces.js';
import { VectorCollections, type CollectionInfo } from './collections.js';
import { shortestF32, type Metric } from './distance.js';
import type { ExactIndex } from './exact-index.js';
import { vectorErr } from './errors.js';
import { compileFilter, type FilterCondition } from './filter.js';
import { IndexRegistry, indexOfRecords, type IndexOp } from './index-registry.js';
import { collectionPrefix, configKey, embeddingBytes, embeddingOf, readConfig, readVector, vectorKey, type ConfigRecord, type VectorRecord } from './records.js';
import { checkLength, toFloat32, validateCollectionName } from './validate.js';

/** One vector to write. */
export interface VectorEntry {
  readonly key: string;
  readonly vector: ArrayLike<number>;
  readonly metadata?: Value | undefined;
}

/** A stored vector as `VectorGet` returns it; `version` is the per-key counter. */
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

/** A checked entry, ready to be written. */
interface Prepared {
  readonly key: string;
  readonly embedding: Float32Array;
  readonly metadata: Value;
  readonly negativeZero: boolean;
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

  constructor(db: Database, spaces: SpaceIndex) {
    this.#db = db;
    this.#spaces = spaces;
    this.#registry = new IndexRegistry(db);
    this.collections = new VectorCollections(db, spaces, this.#registry);
    spaces.onDelete((branch, space) => this.#registry.dropSpace(branch, space));
  }

  createCollection(scope: Scope, name: string, dimension: number, metric: string, at: number): Promise<number> {
    return this.collections.create(scope, name, dimension, metric, at);
  }

  deleteCollection(scope: Scope, name: string, at: number): Promise<boolean> {
    return this.collections.drop(scope, name, at);
  }

  listCollections(scope: Scope): Promise<CollectionInfo[]> {
    return this.collections.list(scope);
  }

  collectionStats(scope: Scope, name: string): Promise<CollectionInfo> {
    return this.collections.stats(scope, name);
  }

  /** Whether the collection's index is in memory (it loads on first use); for diagnostics. */
  indexLoaded(scope: Scope, name: string): boolean {
    return this.#registry.loaded(scope, name) !== undefined;
  }

  /** Forgets the in-memory indexes of a deleted branch. */
  dropBranch(branch: string): void {
    this.#registry.dropBranch(branch);
  }

  /** Inserts or replaces one vector; resolves to its counter. */
  async upsert(scope: Scope, name: string, entry: VectorEntry, at: number): Promise<number> {
    validateKey(entry.key);
    validateCollectionName(name);
    const prepared = prepare(entry, '');
    const config = this.collections.require(scope, name);
    checkDimension(config, prepared);
    const [version] = await this.#write(scope, name, [prepared], at);
    return version as number;
  }

  /**
   * Inserts or replaces several vectors in one commit; if any entry is invalid nothing is written.
   * A key given twice advances its counter twice and keeps the later entry. No entries: `[]`.
   */
  async batchUpsert(scope: Scope, name: string, entries: readonly VectorEntry[], at: number): Promise<number[]> {
    validateCollectionName(name);
    if (entries.length === 0) return [];
    const prepared = entries.map((e, i) => {
      validateKey(e.key);
      return prepare(e, `/entries/${i}`);
    });
    const config = this.collections.require(scope, name);
    for (const p of prepared) checkDimension(config, p);
    return this.#write(scope, name, prepared, at);
  }

  /** Commits prepared entries and reports them to the index, in one synchronous step. */
  async #write(scope: Scope, name: string, entries: readonly Prepared[], at: number): Promise<number[]> {
    const counters = new Map<string, number>();
    const versions: number[] = [];
    const writes: Write[] = [];
    const ops: IndexOp[] = [];
    for (const e of entries) {
      const key = vectorKey(scope, name, e.key);
      let previous = counters.get(e.key);
      if (previous === undefined) {
        const record = this.#db.read(key);
        previous = record === undefined ? 0 : readVector(record.value).version;
      }
      const version = previous + 1;
      counters.set(e.key, version);
      versions.push(version);
      const record: VectorRecord = { embedding: embeddingBytes(e.embedding), metadata: e.metadata, version };
      writes.push({ key, value: record, negativeZero: e.negativeZero });
      ops.push({ key: e.key, embedding: e.embedding, metadata: e.metadata });
    }
    const c = this.#db.commit([...writes, ...this.#spaces.registration(scope)], at);
    this.#registry.apply(scope, name, ops);
    await this.#settle(scope, name, c.done);
    return versions;
  }

  /** The vector at `key` (as of `asOf` when given: embedding and metadata of that time), or null. */
  async get(scope: Scope, name: string, key: string, asOf?: number): Promise<VectorData | null> {
    validateKey(key);
    validateCollectionName(name);
    const k = vectorKey(scope, name, key);
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
  async delete(scope: Scope, name: string, key: string, at: number): Promise<boolean> {
    validateKey(key);
    validateCollectionName(name);
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
   */
  async search(scope: Scope, name: string, options: SearchOptions): Promise<VectorMatch[]> {
    validateCollectionName(name);
    checkLength(options.query, '/query');
    const query = toFloat32(options.query, '/query');
    const predicate = compileFilter(options.filter);
    let config: ConfigRecord | undefined;
    if (options.asOf === undefined) {
      config = this.collections.require(scope, name);
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
    let index: ExactIndex;
    if (options.asOf === undefined) {
      index = await this.#registry.load(scope, name, config);
    } else {
      const prefix = collectionPrefix(scope, name);
      index = indexOfRecords(prefix, await this.#db.scanAsOf(prefix, options.asOf), config);
    }
    return index.search(query, options.k, predicate).map((h) => ({
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
function prepare(entry: VectorEntry, path: string): Prepared {
  checkLength(entry.vector, `${path}/vector`);
  const metadata = entry.metadata ?? null;
  const { negativeZero } = checkValue(metadata, `${path}/metadata`);
  const embedding = toFloat32(entry.vector, `${path}/vector`);
  return { key: entry.key, embedding, metadata, negativeZero };
}

function checkDimension(config: ConfigRecord, entry: Prepared): void {
  if (entry.embedding.length !== config.dimension) {
    throw vectorErr.dimensionMismatch(config.dimension, entry.embedding.length, { key: entry.key });
  }
}

function vectorData(key: string, value: unknown, timestamp: number): VectorData {
  const record = readVector(value);
  const embedding = Array.from(embeddingOf(record.embedding), shortestF32);
  return { key, embedding, metadata: record.metadata, version: record.version, timestamp };
}
