import { TypeTag, userKeyOf } from '@stratum/core';
import type { Database, Write } from '../database.js';
import type { Scope } from '../scope.js';
import type { SpaceIndex } from '../spaces.js';
import type { Metric } from './distance.js';
import { vectorErr } from './errors.js';
import type { IndexRegistry } from './index-registry.js';
import { collectionPrefix, configKey, readConfig, vectorKey, type ConfigRecord } from './records.js';
import { validateCollectionName, validateDimension, validateMetric } from './validate.js';

/** What `VectorListCollections` and `VectorCollectionStats` report of a collection. */
export interface CollectionInfo {
  name: string;
  dimension: number;
  metric: Metric;
  /** Live vectors. */
  count: number;
  /** Always `"exact"`: search compares the query with every vector. */
  indexType: string;
  /** The embedding bytes the loaded index holds (count × dimension × 4), whether loaded yet or not. */
  memoryBytes: number;
}

/** The vector collections of each (branch, space): their config records and their lifecycle. */
export class VectorCollections {
  readonly #db: Database;
  readonly #spaces: SpaceIndex;
  readonly #registry: IndexRegistry;

  constructor(db: Database, spaces: SpaceIndex, registry: IndexRegistry) {
    this.#db = db;
    this.#spaces = spaces;
    this.#registry = registry;
  }

  /** The collection's config, seeing queued writes; undefined when it does not exist. */
  config(scope: Scope, name: string): ConfigRecord | undefined {
    const record = this.#db.read(configKey(scope, name));
    return record === undefined ? undefined : readConfig(record.value);
  }

  /** The collection's config; `CollectionNotFound` when it does not exist. */
  require(scope: Scope, name: string): ConfigRecord {
    const config = this.config(scope, name);
    if (config === undefined) throw vectorErr.collectionNotFound(name, scope.space);
    return config;
  }

  /** Creates a collection; `CollectionExists` when the space already has one of that name. Returns 1. */
  async create(scope: Scope, name: string, dimension: number, metric: string, at: number): Promise<number> {
    validateCollectionName(name);
    validateDimension(dimension);
    validateMetric(metric);
    if (this.config(scope, name) !== undefined) throw vectorErr.collectionExists(name, scope.space);
    const record: ConfigRecord = { dimension, metric };
    const c = this.#db.commit([{ key: configKey(scope, name), value: record }, ...this.#spaces.registration(scope)], at);
    // Whatever an earlier collection of this name left in memory is not this one's.
    this.#registry.drop(scope, name);
    await c.done;
    return 1;
  }

  /**
   * Deletes a collection with every vector in it, in one commit, and drops its index. False (and
   * nothing written) when it does not exist. The keys to delete come from the loaded index,
   * which is in step with every commit, so a vector written while the index loaded is not missed.
   */
  async drop(scope: Scope, name: string, at: number): Promise<boolean> {
    validateCollectionName(name);
    for (;;) {
      const config = this.config(scope, name);
      if (config === undefined) return false;
      const index = await this.#registry.load(scope, name, config);
      // Deleted, or deleted and re-created, while the index loaded: look again.
      if (this.#registry.loaded(scope, name) !== index || this.config(scope, name) === undefined) continue;
      const writes: Write[] = index.keys().map((key) => ({ key: vectorKey(scope, name, key), tombstone: true }));
      writes.push({ key: configKey(scope, name), tombstone: true });
      const c = this.#db.commit(writes, at);
      this.#registry.drop(scope, name);
      await c.done;
      return true;
    }
  }

  /** The space's collections in ascending byte order of their names. */
  async list(scope: Scope): Promise<CollectionInfo[]> {
    await this.#db.settled();
    const prefix = scope.prefix(TypeTag.VectorConfig);
    const out: CollectionInfo[] = [];
    for (const [key, record] of await this.#db.scan(prefix)) {
      const name = userKeyOf(prefix, key);
      if (name.startsWith('_')) continue;
      out.push(await this.#info(scope, name, readConfig(record.value)));
    }
    return out;
  }

  async stats(scope: Scope, name: string): Promise<CollectionInfo> {
    validateCollectionName(name);
    return this.#info(scope, name, this.require(scope, name));
  }

  async #info(scope: Scope, name: string, config: ConfigRecord): Promise<CollectionInfo> {
    let count = this.#registry.loaded(scope, name)?.size;
    if (count === undefined) {
      await this.#db.settled();
      count = await this.#db.count(collectionPrefix(scope, name));
    }
    return { name, dimension: config.dimension, metric: config.metric, count, indexType: 'exact', memoryBytes: count * config.dimension * 4 };
  }
}
