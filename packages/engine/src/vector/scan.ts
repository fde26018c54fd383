import type { Value } from '@stratum/core';
import { dotAt, scoreF32, squaredL2At } from './distance.js';
import type { MetadataPredicate } from './filter.js';
import type { TopK } from './top-k.js';

/** The rows a scan reads: `n` rows of `q.length` floats in `data`, with their metadata. */
export interface Rows {
  readonly data: Float32Array;
  readonly n: number;
  readonly metadata: readonly Value[];
}

// One loop per metric, each with its own call sites, so the JIT keeps every one of them
// monomorphic: a shared loop that branches on the metric runs markedly slower once it has seen both.

/** Offers every row (passing `predicate`, when given) scored by dot product. */
export function scanDot(rows: Rows, q: Float32Array, top: TopK, predicate: MetadataPredicate | undefined): void {
  const { data, n, metadata } = rows;
  const dim = q.length;
  for (let i = 0, off = 0; i < n; i++, off += dim) {
    if (predicate !== undefined && !predicate(metadata[i] as Value)) continue;
    const score = scoreF32(dotAt(data, off, q));
    if (top.full && score < top.floor) continue;
    top.offer(score, i);
  }
}

/** Offers every row (passing `predicate`, when given) scored by cosine, from the rows' inverse norms. */
export function scanCosine(
  rows: Rows,
  q: Float32Array,
  qInverseNorm: number,
  inverseNorms: Float64Array,
  top: TopK,
  predicate: MetadataPredicate | undefined,
): void {
  const { data, n, metadata } = rows;
  const dim = q.length;
  for (let i = 0, off = 0; i < n; i++, off += dim) {
    if (predicate !== undefined && !predicate(metadata[i] as Value)) continue;
    const score = scoreF32(dotAt(data, off, q) * (inverseNorms[i] as number) * qInverseNorm);
    if (top.full && score < top.floor) continue;
    top.offer(score, i);
  }
}

/** Offers every row (passing `predicate`, when given) scored by 1 / (1 + Euclidean distance). */
export function scanEuclidean(rows: Rows, q: Float32Array, top: TopK, predicate: MetadataPredicate | undefined): void {
  const { data, n, metadata } = rows;
  const dim = q.length;
  for (let i = 0, off = 0; i < n; i++, off += dim) {
    if (predicate !== undefined && !predicate(metadata[i] as Value)) continue;
    const score = scoreF32(1 / (1 + Math.sqrt(squaredL2At(data, off, q))));
    if (top.full && score < top.floor) continue;
    top.offer(score, i);
  }
}
