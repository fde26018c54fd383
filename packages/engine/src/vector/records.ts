import { TypeTag, err, isNonArrayObject, itemKey, type Value } from '@stratum/core';
import type { VersionedRecord } from '@stratum/storage';
import type { Write } from '../database.js';
import type { Scope } from '../scope.js';
import type { Metric } from './distance.js';

/** The config record of a collection (TypeTag.VectorConfig, user key = the collection name). */
export interface ConfigRecord {
  readonly dimension: number;
  readonly metric: Metric;
}

/**
 * The record of one vector (TypeTag.Vector, user key = `collection/key`): the embedding as the
 * bytes of its float32 components (little-endian), the metadata, and the per-key counter. Every
 * version keeps its own embedding, so reads as of an earlier time are exact.
 */
export interface VectorRecord {
  readonly embedding: Uint8Array;
  readonly metadata: Value;
  readonly version: number;
}

export const configKey = (scope: Scope, collection: string): Buffer => itemKey(scope.prefix(TypeTag.VectorConfig), collection);

export const vectorKey = (scope: Scope, collection: string, key: string): Buffer =>
  itemKey(scope.prefix(TypeTag.Vector), `${collection}/${key}`);

/** Prefix of every vector record of one collection; collection names hold no `/`, so it is exact. */
export const collectionPrefix = (scope: Scope, collection: string): Buffer =>
  itemKey(scope.prefix(TypeTag.Vector), `${collection}/`);

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The stored form of an embedding: its float32 bytes, little-endian on every platform. */
export function embeddingBytes(embedding: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(embedding.buffer, embedding.byteOffset, embedding.byteLength);
  const out = new Uint8Array(embedding.length * 4);
  const view = new DataView(out.buffer);
  embedding.forEach((x, i) => view.setFloat32(i * 4, x, true));
  return out;
}

/** The embedding of stored bytes (a view when the bytes are aligned, else a copy). */
export function embeddingOf(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw err.serialization('stored embedding is not a whole number of float32s');
  const n = bytes.byteLength / 4;
  if (LITTLE_ENDIAN) {
    if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, n);
    return new Float32Array(bytes.slice().buffer, 0, n);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
}

export function readConfig(value: unknown): ConfigRecord {
  if (!isNonArrayObject(value) || typeof value['dimension'] !== 'number' || typeof value['metric'] !== 'string') {
    throw err.serialization('malformed vector collection record');
  }
  return value as unknown as ConfigRecord;
}

export function readVector(value: unknown): VectorRecord {
  if (!isNonArrayObject(value) || !(value['embedding'] instanceof Uint8Array) || typeof value['version'] !== 'number') {
    throw err.serialization('malformed vector record');
  }
  return value as unknown as VectorRecord;
}

/** A checked vector to write: its float32 embedding, metadata and whether that holds a -0. */
export interface VectorWriteEntry {
  readonly key: string;
  readonly embedding: Float32Array;
  readonly metadata: Value;
  readonly negativeZero: boolean;
}

/**
 * The records of one write of `entries` at `keys`: each counter continues the key's current one
 * (read once through `read`; a key given twice advances twice). `existed` tells, per key, whether
 * it had a live record before.
 */
export function vectorWrites(
  entries: readonly VectorWriteEntry[],
  keys: readonly Buffer[],
  read: (key: Buffer) => VersionedRecord | undefined,
): { writes: Write[]; versions: number[]; existed: Map<string, boolean> } {
  const counters = new Map<string, number>();
  const existed = new Map<string, boolean>();
  const versions: number[] = [];
  const writes: Write[] = [];
  entries.forEach((e, i) => {
    const key = keys[i] as Buffer;
    let previous = counters.get(e.key);
    if (previous === undefined) {
      const record = read(key);
      existed.set(e.key, record !== undefined);
      previous = record === undefined ? 0 : readVector(record.value).version;
    }
    const version = previous + 1;
    counters.set(e.key, version);
    versions.push(version);
    const record: VectorRecord = { embedding: embeddingBytes(e.embedding), metadata: e.metadata, version };
    writes.push({ key, value: record, negativeZero: e.negativeZero });
  });
  return { writes, versions, existed };
}
