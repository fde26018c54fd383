import type { RawDb } from './raw-level.js';

export type Metric = 'cosine' | 'euclidean' | 'dot_product';

/** `n` random vectors of `dim` components in [-1, 1), one after the other, from a fixed seed. */
export function randomVectors(n: number, dim: number, seed: number): Float32Array {
  const out = new Float32Array(n * dim);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** 1 / |row| for every row (0 for a zero row): what a hand-written cosine search precomputes. */
export function inverseNorms(flat: Float32Array, dim: number): Float64Array {
  const n = flat.length / dim;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i * dim; j < (i + 1) * dim; j++) s += (flat[j] as number) * (flat[j] as number);
    out[i] = s === 0 ? 0 : 1 / Math.sqrt(s);
  }
  return out;
}

/** Keeps the `k` best (score, row) pairs in a small array sorted best first. */
class Best {
  readonly scores: number[] = [];
  readonly rows: number[] = [];
  readonly k: number;
  constructor(k: number) {
    this.k = k;
  }
  offer(score: number, row: number): void {
    const s = this.scores;
    if (s.length === this.k && score <= (s[s.length - 1] as number)) return;
    let i = s.length;
    while (i > 0 && (s[i - 1] as number) < score) i--;
    s.splice(i, 0, score);
    this.rows.splice(i, 0, row);
    if (s.length > this.k) {
      s.pop();
      this.rows.pop();
    }
  }
}

/**
 * The raw in-process baseline: a plain loop over every row of a Float32Array, one accumulator,
 * the metric's score, a sorted top-k array; with `groups`, rows whose group is not below 5 are
 * skipped first (the same condition the Stratum side filters on). Returns the best rows.
 */
export function bruteForce(
  flat: Float32Array,
  dim: number,
  norms: Float64Array,
  q: Float32Array,
  metric: Metric,
  k: number,
  groups?: Int32Array,
): number[] {
  const n = flat.length / dim;
  const best = new Best(k);
  let qn = 0;
  for (let j = 0; j < dim; j++) qn += (q[j] as number) * (q[j] as number);
  const qInv = qn === 0 ? 0 : 1 / Math.sqrt(qn);
  for (let i = 0; i < n; i++) {
    if (groups !== undefined && (groups[i] as number) >= 5) continue;
    const off = i * dim;
    let s = 0;
    if (metric === 'euclidean') {
      for (let j = 0; j < dim; j++) {
        const d = (flat[off + j] as number) - (q[j] as number);
        s += d * d;
      }
      s = 1 / (1 + Math.sqrt(s));
    } else {
      for (let j = 0; j < dim; j++) s += (flat[off + j] as number) * (q[j] as number);
      if (metric === 'cosine') s *= (norms[i] as number) * qInv;
    }
    best.offer(s, i);
  }
  return best.rows;
}

/** Writes the vectors to a raw classic-level database: key = row number, value = the float32 bytes. */
export async function storeRaw(raw: RawDb, flat: Float32Array, dim: number): Promise<void> {
  const n = flat.length / dim;
  for (let start = 0; start < n; start += 1000) {
    const ops = [];
    for (let i = start; i < Math.min(n, start + 1000); i++) {
      const bytes = new Uint8Array(flat.buffer, i * dim * 4, dim * 4);
      ops.push({ type: 'put' as const, key: `v:${String(i).padStart(8, '0')}`, value: bytes });
    }
    await raw.batch(ops);
  }
}

/**
 * The raw storage baseline: what a search costs when the vectors are read from classic-level for
 * every query (no in-memory index): iterate every stored vector, score it (cosine), keep the top k.
 */
export async function levelSearch(raw: RawDb, dim: number, q: Float32Array, k: number): Promise<number> {
  const row = new Float32Array(dim);
  const bytes = new Uint8Array(row.buffer);
  let qn = 0;
  for (let j = 0; j < dim; j++) qn += (q[j] as number) * (q[j] as number);
  const best = new Best(k);
  let i = 0;
  const it = raw.iterator();
  try {
    for (;;) {
      const entries = await it.nextv(1000);
      if (entries.length === 0) break;
      for (const [, value] of entries) {
        bytes.set(value);
        let dot = 0;
        let rn = 0;
        for (let j = 0; j < dim; j++) {
          dot += (row[j] as number) * (q[j] as number);
          rn += (row[j] as number) * (row[j] as number);
        }
        best.offer(rn === 0 || qn === 0 ? 0 : dot / Math.sqrt(rn * qn), i++);
      }
    }
  } finally {
    await it.close();
  }
  return best.rows.length;
}
