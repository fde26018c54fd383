import type { Value } from '@stratum/core';
import { inverseNorm, type Metric } from './distance.js';
import type { MetadataPredicate } from './filter.js';
import { scanCosine, scanDot, scanEuclidean } from './scan.js';
import { TopK } from './top-k.js';

/** One search result: the key, its score (a float32 value) and the metadata the index holds. */
export interface IndexHit {
  readonly key: string;
  readonly score: number;
  readonly metadata: Value;
}

const INITIAL_CAPACITY = 16;

/**
 * The exact (brute-force) index of one collection: every embedding in one growable Float32Array,
 * row `slot` at `slot * dimension`, with parallel arrays of keys and metadata. For cosine each
 * row's inverse norm is computed once, in double precision, when the row is written: a cosine is
 * then a dot product times two numbers. (Rows normalized in float32 instead would make a vector
 * score 0.99999994 against itself.) Deleting moves the last row into the hole, so rows stay
 * contiguous; results never depend on row order (ties go by key).
 */
export class ExactIndex {
  readonly dimension: number;
  readonly metric: Metric;
  #data: Float32Array;
  /** Cosine only: 1 / |row| per slot, 0 for a zero row (whose cosine is 0 by definition). */
  #inverseNorms: Float64Array;
  readonly #keys: string[] = [];
  readonly #metadata: Value[] = [];
  readonly #slots = new Map<string, number>();

  /** `capacity`: rows to make room for up front (a load from storage knows how many it will put). */
  constructor(dimension: number, metric: Metric, capacity = INITIAL_CAPACITY) {
    this.dimension = dimension;
    this.metric = metric;
    const rows = Math.max(INITIAL_CAPACITY, capacity);
    this.#data = new Float32Array(rows * dimension);
    this.#inverseNorms = new Float64Array(metric === 'cosine' ? rows : 0);
  }

  get size(): number {
    return this.#keys.length;
  }

  /** Inserts or replaces `key`. The index keeps its own copies of the embedding and metadata object. */
  put(key: string, embedding: Float32Array, metadata: Value): void {
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = this.#keys.length;
      if ((slot + 1) * this.dimension > this.#data.length) this.#grow();
      this.#slots.set(key, slot);
      this.#keys.push(key);
      this.#metadata.push(metadata);
    } else {
      this.#metadata[slot] = metadata;
    }
    const row = this.#data.subarray(slot * this.dimension, (slot + 1) * this.dimension);
    row.set(embedding);
    if (this.metric === 'cosine') this.#inverseNorms[slot] = inverseNorm(row);
  }

  delete(key: string): boolean {
    const slot = this.#slots.get(key);
    if (slot === undefined) return false;
    const last = this.#keys.length - 1;
    if (slot !== last) {
      const lastKey = this.#keys[last] as string;
      this.#data.copyWithin(slot * this.dimension, last * this.dimension, (last + 1) * this.dimension);
      if (this.metric === 'cosine') this.#inverseNorms[slot] = this.#inverseNorms[last] as number;
      this.#keys[slot] = lastKey;
      this.#metadata[slot] = this.#metadata[last] as Value;
      this.#slots.set(lastKey, slot);
    }
    this.#keys.pop();
    this.#metadata.pop();
    this.#slots.delete(key);
    return true;
  }

  /** Every key, in row order. */
  keys(): readonly string[] {
    return this.#keys;
  }

  /**
   * The `k` best rows for `query` (already checked to have the right dimension), best first,
   * ties by key. With a predicate, rows whose metadata fails it are skipped before they are scored:
   * the predicate costs a few property reads, a score a pass over the whole row.
   */
  search(query: Float32Array, k: number, predicate?: MetadataPredicate): IndexHit[] {
    const n = this.#keys.length;
    if (k <= 0 || n === 0) return [];
    const top = new TopK(Math.min(k, n), this.#keys);
    const rows = { data: this.#data, n, metadata: this.#metadata };
    if (this.metric === 'cosine') scanCosine(rows, query, inverseNorm(query), this.#inverseNorms, top, predicate);
    else if (this.metric === 'euclidean') scanEuclidean(rows, query, top, predicate);
    else scanDot(rows, query, top, predicate);
    return top.sorted().map(({ score, slot }) => ({ key: this.#keys[slot] as string, score, metadata: this.#metadata[slot] as Value }));
  }

  #grow(): void {
    const next = new Float32Array(Math.max(INITIAL_CAPACITY * this.dimension, this.#data.length * 2));
    next.set(this.#data);
    this.#data = next;
    if (this.metric === 'cosine') {
      const norms = new Float64Array(next.length / this.dimension);
      norms.set(this.#inverseNorms);
      this.#inverseNorms = norms;
    }
  }
}
