/** Similarity metrics of a collection, spelled as in the protocol. */
export type Metric = 'cosine' | 'euclidean' | 'dot_product';

export const METRICS: readonly Metric[] = ['cosine', 'euclidean', 'dot_product'];

/** 1 / |v| in double precision, or 0 for a zero vector (so its cosine with anything comes out 0). */
export function inverseNorm(v: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    sum += x * x;
  }
  return sum === 0 ? 0 : 1 / Math.sqrt(sum);
}

/**
 * Dot product of `q` with the `q.length` floats of `data` starting at `off`. Four running sums
 * break the dependency chain of one accumulator, which is what keeps this loop fast.
 */
export function dotAt(data: Float32Array, off: number, q: Float32Array): number {
  const dim = q.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dim; j += 4) {
    s0 += (data[off + j] as number) * (q[j] as number);
    s1 += (data[off + j + 1] as number) * (q[j + 1] as number);
    s2 += (data[off + j + 2] as number) * (q[j + 2] as number);
    s3 += (data[off + j + 3] as number) * (q[j + 3] as number);
  }
  for (; j < dim; j++) s0 += (data[off + j] as number) * (q[j] as number);
  return s0 + s1 + s2 + s3;
}

/** Squared Euclidean distance between `q` and the vector of `data` at `off`. */
export function squaredL2At(data: Float32Array, off: number, q: Float32Array): number {
  const dim = q.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dim; j += 4) {
    const d0 = (data[off + j] as number) - (q[j] as number);
    const d1 = (data[off + j + 1] as number) - (q[j + 1] as number);
    const d2 = (data[off + j + 2] as number) - (q[j + 2] as number);
    const d3 = (data[off + j + 3] as number) - (q[j + 3] as number);
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; j < dim; j++) {
    const d = (data[off + j] as number) - (q[j] as number);
    s0 += d * d;
  }
  return s0 + s1 + s2 + s3;
}

/**
 * A score as the single-precision float StrataDB reports. Scores are compared in this form too, so
 * the order of results always agrees with the scores shown. A dot product beyond the float range
 * keeps its double value rather than becoming Infinity.
 */
export function scoreF32(s: number): number {
  const f = Math.fround(s);
  return Number.isFinite(f) ? f : s;
}

/**
 * The shortest decimal that reads back as the same single-precision float, as a number: 0.1
 * stored as a float32 is shown as 0.1, not 0.10000000149011612. Negative zero becomes 0, which
 * keeps JSON output plain.
 */
export function shortestF32(x: number): number {
  if (x === 0) return 0;
  const f = Math.fround(x);
  if (f !== x || !Number.isFinite(x)) return x;
  for (let p = 1; p < 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === f) return y;
  }
  return Number(x.toPrecision(9));
}
