import type { Value } from '@stratum/core';
import { checkLength, toFloat32, type CollectionInfo, type FilterCondition, type Metric, type VectorData, type VectorMatch } from '@stratum/engine';
import { Stratum } from '../stratum.js';

/** A vector as the typed methods take it: a number array or a typed array. */
export type VectorLike = readonly number[] | Float32Array | Float64Array;

/** One vector for {@link Stratum.vectorBatchUpsert}. */
export interface VectorBatchEntry {
  key: string;
  vector: VectorLike;
  metadata?: Value;
}

export interface VectorSearchOptions {
  /** Conditions on metadata, all of which must hold. */
  filter?: readonly FilterCondition[];
  /** If given, must be the collection's metric. */
  metric?: Metric;
  /** Search the vectors as they were at this time (µs). */
  asOf?: number;
}

declare module '../stratum.js' {
  interface Stratum {
    /** Creates a collection in the current space; resolves to 1. CollectionExists if it exists. */
    vectorCreateCollection(collection: string, dimension: number, metric: Metric): Promise<number>;
    /** Deletes a collection and its vectors; false when it did not exist. */
    vectorDeleteCollection(collection: string): Promise<boolean>;
    /** The collections of the current space, by name. */
    vectorListCollections(): Promise<CollectionInfo[]>;
    /** One collection's figures; CollectionNotFound if it does not exist. */
    vectorCollectionStats(collection: string): Promise<CollectionInfo>;
    /** Inserts or replaces a vector; resolves to its counter (1 on insert, +1 per upsert). */
    vectorUpsert(collection: string, key: string, vector: VectorLike, metadata?: Value): Promise<number>;
    /** Writes every entry in one commit, or none if any is invalid; resolves to the counters. */
    vectorBatchUpsert(collection: string, entries: readonly VectorBatchEntry[]): Promise<number[]>;
    /** The vector at `key` (as of `asOf`, µs, when given), or null. */
    vectorGet(collection: string, key: string, options?: { asOf?: number }): Promise<VectorData | null>;
    /** Deletes a vector; false when it did not exist. */
    vectorDelete(collection: string, key: string): Promise<boolean>;
    /** The `k` nearest vectors, best first (ties by key). */
    vectorSearch(collection: string, query: VectorLike, k: number, options?: VectorSearchOptions): Promise<VectorMatch[]>;
  }
}

/**
 * A plain array for the command. NaN and ±Infinity have no JSON form, so the command schema
 * would call them a mistyped field; typed callers get the same `InvalidInput` the engine gives.
 */
function numbers(vector: VectorLike, path: string): number[] {
  checkLength(vector, path);
  toFloat32(vector, path);
  return Array.from(vector);
}

Stratum.prototype.vectorCreateCollection = async function (collection, dimension, metric) {
  return (await this.execute({ type: 'VectorCreateCollection', collection, dimension, metric })).value as number;
};

Stratum.prototype.vectorDeleteCollection = async function (collection) {
  return (await this.execute({ type: 'VectorDeleteCollection', collection })).value;
};

Stratum.prototype.vectorListCollections = async function () {
  return (await this.execute({ type: 'VectorListCollections' })).value as CollectionInfo[];
};

Stratum.prototype.vectorCollectionStats = async function (collection) {
  const [info] = (await this.execute({ type: 'VectorCollectionStats', collection })).value;
  return info as CollectionInfo;
};

Stratum.prototype.vectorUpsert = async function (collection, key, vector, metadata) {
  const command = { type: 'VectorUpsert', collection, key, vector: numbers(vector, '/vector') } as const;
  return (await this.execute(metadata === undefined ? command : { ...command, metadata })).value as number;
};

Stratum.prototype.vectorBatchUpsert = async function (collection, entries) {
  const list = entries.map((e, i) => ({
    key: e.key,
    vector: numbers(e.vector, `/entries/${i}/vector`),
    ...(e.metadata === undefined ? {} : { metadata: e.metadata }),
  }));
  return (await this.execute({ type: 'VectorBatchUpsert', collection, entries: list })).value;
};

Stratum.prototype.vectorGet = async function (collection, key, options = {}) {
  return (await this.execute({ type: 'VectorGet', collection, key, ...options })).value as VectorData | null;
};

Stratum.prototype.vectorDelete = async function (collection, key) {
  return (await this.execute({ type: 'VectorDelete', collection, key })).value;
};

Stratum.prototype.vectorSearch = async function (collection, query, k, options = {}) {
  const { filter, ...rest } = options;
  const command = { type: 'VectorSearch', collection, query: numbers(query, '/query'), k, ...rest } as const;
  const out = await this.execute(filter === undefined ? command : { ...command, filter: [...filter] });
  return out.value as VectorMatch[];
};
