import { Stratum } from '@stratum/executor';
import { SMOKE, log, tempDir, type Row } from './harness.js';
import { openRaw } from './raw-level.js';
import { bruteForce, inverseNorms, levelSearch, randomVectors, storeRaw, type Metric } from './vector-baselines.js';

const DIM = SMOKE ? 16 : 384;
const SIZES = SMOKE ? [200, 500] : [10_000, 50_000];
const QUERIES = SMOKE ? 5 : 100;
const WARMUP = SMOKE ? 2 : 10;
const LEVEL_QUERIES = SMOKE ? 2 : 10;
const REOPENS = SMOKE ? 1 : 3;
const K = 10;
const METRICS: readonly Metric[] = ['cosine', 'euclidean', 'dot_product'];
/** Half the vectors match: metadata `group` is the row number mod 10. */
const FILTER = [{ field: 'group', op: 'lt' as const, value: 5 }];
/** Top-10 over 10k × 384 cosine: at most 10 ms median, i.e. at least 100 searches a second. */
const TARGET_PER_SECOND = 100;

interface Latency {
  readonly median: number;
  readonly p99: number;
}

function latency(ms: readonly number[]): Latency {
  const s = [...ms].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, p99: s[Math.max(0, Math.ceil(s.length * 0.99) - 1)] as number };
}

async function timed(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const fmt = (l: Latency) => `median ${l.median.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms`;
const size = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));

/** One collection per metric holding the same vectors; resolves to the insert rate (vectors/s). */
async function populate(db: Stratum, flat: Float32Array, n: number): Promise<number> {
  let ms = 0;
  for (const metric of METRICS) {
    await db.vectorCreateCollection(metric, DIM, metric);
    for (let start = 0; start < n; start += 500) {
      const entries: { key: string; vector: Float32Array; metadata: { group: number } }[] = [];
      for (let i = start; i < Math.min(n, start + 500); i++) {
        entries.push({ key: `v${i}`, vector: flat.subarray(i * DIM, (i + 1) * DIM), metadata: { group: i % 10 } });
      }
      ms += await timed(() => db.vectorBatchUpsert(metric, entries));
    }
  }
  return (METRICS.length * n) / (ms / 1000);
}

/**
 * VectorSearch top-10 (embedded, on a disk database) against a hand-written brute-force loop over
 * a Float32Array, per metric, with and without a metadata filter, on 10k and 50k vectors of 384
 * dimensions; and against reading every vector from raw classic-level per query, which is what a
 * search costs without an in-memory index (the first search after opening builds it).
 */
export async function vectorBench(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of SIZES) rows.push(...(await oneSize(n)));
  return rows;
}

async function oneSize(n: number): Promise<Row[]> {
  const rows: Row[] = [];
  const flat = randomVectors(n, DIM, n);
  const norms = inverseNorms(flat, DIM);
  const groups = Int32Array.from({ length: n }, (_, i) => i % 10);
  const queries = Array.from({ length: WARMUP + QUERIES }, (_, i) => randomVectors(1, DIM, 7_000 + i));
  const dir = await tempDir(`vector-${n}`);
  let db = await Stratum.open(dir);
  try {
    log(`vector ${size(n)}×${DIM}: inserted ${METRICS.length} × ${n} vectors at ${Math.round(await populate(db, flat, n))} vectors/s`);
    let disagreements = 0;
    for (const metric of METRICS) {
      for (const filter of [undefined, FILTER]) {
        const stratum: number[] = [];
        const raw: number[] = [];
        for (const [i, q] of queries.entries()) {
          let got: string[] = [];
          let want: number[] = [];
          const s = await timed(async () => {
            got = (await db.vectorSearch(metric, q, K, filter === undefined ? {} : { filter })).map((m) => m.key);
          });
          const r = await timed(() => {
            want = bruteForce(flat, DIM, norms, q, metric, K, filter === undefined ? undefined : groups);
          });
          if (got[0] !== `v${want[0]}`) disagreements++;
          if (i >= WARMUP) {
            stratum.push(s);
            raw.push(r);
          }
        }
        const ls = latency(stratum);
        const lr = latency(raw);
        const name = `VectorSearch top-10, ${size(n)}×${DIM} ${metric}${filter === undefined ? '' : ', filter (half match)'}`;
        log(`${name}: stratum ${fmt(ls)} | raw loop ${fmt(lr)}`);
        const target = n === 10_000 && metric === 'cosine' && filter === undefined && !SMOKE;
        rows.push({
          name,
          stratum: 1000 / ls.median,
          raw: 1000 / lr.median,
          rawLabel: 'brute-force loop over a Float32Array',
          note: `${fmt(ls)}; raw ${fmt(lr)}`,
          ...(target ? { target: { kind: 'rate' as const, min: TARGET_PER_SECOND } } : {}),
        });
      }
    }
    if (disagreements > 0) throw new Error(`vector search disagreed with the brute-force baseline on the best match ${disagreements} times`);

    // The storage baseline, and the first search after opening, which loads the index from storage.
    const raw = await openRaw(`vector-raw-${n}`);
    const level: number[] = [];
    try {
      await storeRaw(raw, flat, DIM);
      for (const q of queries.slice(0, LEVEL_QUERIES + 1)) level.push(await timed(() => levelSearch(raw, DIM, q, K)));
    } finally {
      await raw.close();
    }
    const ll = latency(level.slice(1));
    const first: number[] = [];
    for (let i = 0; i < REOPENS; i++) {
      await db.close();
      db = await Stratum.open(dir);
      first.push(await timed(() => db.vectorSearch('cosine', queries[i] as Float32Array, K)));
    }
    const lf = latency(first);
    const warm: number[] = [];
    for (const q of queries.slice(WARMUP)) warm.push(await timed(() => db.vectorSearch('cosine', q, K)));
    const lw = latency(warm);
    log(`vector ${size(n)}: first search after open ${fmt(lf)} | warm ${fmt(lw)} | raw classic-level read + brute force ${fmt(ll)}`);
    rows.push(
      {
        name: `VectorSearch top-10, ${size(n)}×${DIM} cosine, in-memory index`,
        stratum: 1000 / lw.median,
        raw: 1000 / ll.median,
        rawLabel: 'classic-level read of every vector + brute force',
        note: `${fmt(lw)}; raw ${fmt(ll)}`,
      },
      {
        name: `First VectorSearch after open (loads the index), ${size(n)}×${DIM} cosine`,
        stratum: 1000 / lf.median,
        raw: 1000 / ll.median,
        rawLabel: 'classic-level read of every vector + brute force',
        note: `${fmt(lf)} over ${REOPENS} opens`,
      },
    );
  } finally {
    await db.close();
  }
  return rows;
}
