import { userKeyOf, type Value } from '@stratum/core';
import type { Database } from '../database.js';
import type { Scope } from '../scope.js';
import { ExactIndex } from './exact-index.js';
import { collectionPrefix, embeddingOf, readVector, type ConfigRecord } from './records.js';

/** A committed change to one vector: a new embedding and metadata, or (no embedding) a deletion. */
export type IndexOp =
  | { readonly key: string; readonly embedding: Float32Array; readonly metadata: Value }
  | { readonly key: string; readonly embedding?: undefined };

interface Slot {
  index?: ExactIndex;
  /** While the index loads: the changes committed since its storage snapshot was requested. */
  pending?: IndexOp[];
  loading?: Promise<ExactIndex>;
}

const SEP = '\u0000';

/** Branch, space and collection names hold no NUL, so joining them with one is unambiguous. */
const idOf = (scope: Scope, collection: string): string => `${scope.id}${SEP}${scope.space}${SEP}${collection}`;

/**
 * The in-memory indexes, one per (branch, space, collection). An index is built from storage on
 * first use and then kept in step with every committed change, which the vector store reports
 * through {@link apply} in the same synchronous step as the commit. A change committed while an
 * index loads is queued and replayed on top of the loaded snapshot; replaying a change the snapshot
 * already holds is harmless, since each change sets or removes one key outright.
 */
export class IndexRegistry {
  readonly #db: Database;
  readonly #slots = new Map<string, Slot>();

  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * Reports committed changes to a collection; unloaded indexes ignore them (storage has them).
   * The index keeps its own copy of each metadata value, so the writer's object stays the writer's.
   */
  apply(scope: Scope, collection: string, ops: readonly IndexOp[]): void {
    const slot = this.#slots.get(idOf(scope, collection));
    if (slot === undefined) return;
    const owned = ops.map((op) => (op.embedding === undefined ? op : { ...op, metadata: structuredClone(op.metadata) }));
    if (slot.index !== undefined) applyTo(slot.index, owned);
    else slot.pending?.push(...owned);
  }

  /** The loaded index of a collection, if any. */
  loaded(scope: Scope, collection: string): ExactIndex | undefined {
    return this.#slots.get(idOf(scope, collection))?.index;
  }

  /** The index of a collection, loading it from storage first if needed. */
  load(scope: Scope, collection: string, config: ConfigRecord): Promise<ExactIndex> {
    const id = idOf(scope, collection);
    const slot = this.#slots.get(id);
    if (slot?.index !== undefined) return Promise.resolve(slot.index);
    if (slot?.loading !== undefined) return slot.loading;
    const fresh: Slot = { pending: [] };
    // The queue starts in the same synchronous step as the barrier below: every change is either
    // before the barrier (in the snapshot) or in the queue.
    fresh.loading = this.#build(scope, collection, config, fresh);
    this.#slots.set(id, fresh);
    return fresh.loading;
  }

  async #build(scope: Scope, collection: string, config: ConfigRecord, slot: Slot): Promise<ExactIndex> {
    const settled = this.#db.settled();
    try {
      await settled;
      const prefix = collectionPrefix(scope, collection);
      const index = indexOfRecords(prefix, await this.#db.scan(prefix), config);
      applyTo(index, slot.pending ?? []);
      slot.index = index;
      return index;
    } catch (e) {
      // A failed load leaves nothing behind; the next use tries again.
      if (this.#slots.get(idOf(scope, collection)) === slot) this.#slots.delete(idOf(scope, collection));
      throw e;
    } finally {
      delete slot.pending;
      delete slot.loading;
    }
  }

  /** Forgets a collection's index (collection deleted or re-created, or a commit failed). */
  drop(scope: Scope, collection: string): void {
    this.#slots.delete(idOf(scope, collection));
  }

  /** Forgets every index of a space (the space was deleted). */
  dropSpace(branch: string, space: string): void {
    this.#dropPrefix(`${branch}${SEP}${space}${SEP}`);
  }

  /** Forgets every index of a branch (the branch was deleted), given its storage id. */
  dropBranch(branch: string): void {
    this.#dropPrefix(`${branch}${SEP}`);
  }

  #dropPrefix(prefix: string): void {
    for (const id of [...this.#slots.keys()]) if (id.startsWith(prefix)) this.#slots.delete(id);
  }
}

function applyTo(index: ExactIndex, ops: readonly IndexOp[]): void {
  for (const op of ops) {
    if (op.embedding === undefined) index.delete(op.key);
    else index.put(op.key, op.embedding, op.metadata);
  }
}

/** An index of a collection's records (its live ones, or those of a past time), keyed below `prefix`. */
export function indexOfRecords(
  prefix: Uint8Array,
  entries: readonly (readonly [Uint8Array, { readonly value: unknown }])[],
  config: ConfigRecord,
): ExactIndex {
  const index = new ExactIndex(config.dimension, config.metric, entries.length);
  for (const [key, record] of entries) {
    const v = readVector(record.value);
    index.put(userKeyOf(prefix, key), embeddingOf(v.embedding), v.metadata);
  }
  return index;
}
