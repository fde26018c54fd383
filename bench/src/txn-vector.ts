import { Stratum } from '@stratum/executor';
import { SMOKE, compare, fmtRate, tempDir, type Row } from './harness.js';
import { openRaw } from './raw-level.js';
import { randomVectors } from './vector-baselines.js';

const DIM = SMOKE ? 16 : 384;
const N = SMOKE ? 500 : 10_000;
const WRITES = 10;
const K = 10;
const WRITE = SMOKE ? { ops: 20, warmup: 5, rounds: 1 } : { ops: 300, warmup: 50, rounds: 5 };
const SEARCH = SMOKE ? { ops: 5, warmup: 2, rounds: 1 } : { ops: 100, warmup: 10, rounds: 5 };
const BEHIND = SMOKE ? { ops: 2, warmup: 1, rounds: 1 } : { ops: 10, warmup: 2, rounds: 3 };
const size = `${N >= 1000 ? `${N / 1000}k` : N} × ${DIM} cosine`;

/**
 * Vectors inside transactions: ten upserts in one transaction against ten awaited upserts (one
 * commit against ten), and a top-10 search inside an open transaction against the same search
 * outside, while nothing has been committed since the transaction's snapshot (the shared index
 * answers) and, for a transaction's first search, once something has (the snapshot's vectors are
 * read from storage, once per transaction).
 */
export async function txnVectorBench(): Promise<Row[]> {
  const db = await Stratum.open(await tempDir('txn-vector'));
  const raw = await openRaw('txn-vector-raw');
  const reader = db.newHandle();
  try {
    const flat = randomVectors(N, DIM, 7);
    const vec = (i: number) => flat.subarray((i % N) * DIM, ((i % N) + 1) * DIM);
    let next = 0;
    await db.vectorCreateCollection('writes', DIM, 'cosine');
    const tenInTxn = async (key: string) => {
      await db.txnBegin();
      for (let w = 0; w < WRITES; w++) await db.vectorUpsert('writes', `${key}/${w}`, vec(next++));
      await db.txnCommit();
    };
    const [txn, ten, tenRaw] = await compare(`${WRITES}-upsert vector transaction, one session`, WRITE, [
      { name: 'stratum txn', run: async (keys) => { for (const k of keys) await tenInTxn(k); } },
      { name: 'ten vectorUpsert', run: async (keys) => { for (const k of keys) for (let w = 0; w < WRITES; w++) await db.vectorUpsert('writes', `${k}/${w}`, vec(next++)); } },
      {
        name: 'ten raw put',
        run: async (keys) => {
          for (const k of keys) for (let w = 0; w < WRITES; w++) {
            const v = vec(next++);
            await raw.put(`${k}/${w}`, new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
          }
        },
      },
    ]);

    await db.vectorCreateCollection('docs', DIM, 'cosine');
    for (let start = 0; start < N; start += 500) {
      const entries = [];
      for (let i = start; i < Math.min(N, start + 500); i++) entries.push({ key: `v${i}`, vector: vec(i) });
      await db.vectorBatchUpsert('docs', entries);
    }
    const queries = randomVectors(64, DIM, 11);
    const query = (i: number) => queries.subarray((i % 64) * DIM, ((i % 64) + 1) * DIM);
    await db.vectorSearch('docs', query(0), K);
    await reader.txnBegin();
    const searches = (h: Stratum) => async (keys: string[]) => {
      for (let i = 0; i < keys.length; i++) await h.vectorSearch('docs', query(i), K);
    };
    const [inTxn, outside] = await compare(`vectorSearch top-${K}, ${size}, in a transaction`, SEARCH, [
      { name: 'in txn', run: searches(reader) },
      { name: 'outside', run: searches(db) },
    ]);
    await reader.txnRollback();
    // Any commit moves the database past a transaction's snapshot; its first search then reads storage.
    const [behind] = await compare(`first vectorSearch top-${K}, ${size}, of a transaction whose snapshot is behind`, BEHIND, [
      {
        name: 'in txn',
        run: async (keys) => {
          for (let i = 0; i < keys.length; i++) {
            await reader.txnBegin();
            await db.kvPut('moved-on', i);
            await reader.vectorSearch('docs', query(i), K);
            await reader.txnRollback();
          }
        },
      },
    ]);
    return [
      {
        name: `${WRITES}-upsert vector transaction (${DIM} dims), one session`,
        stratum: txn,
        raw: ten,
        rawLabel: `${WRITES} awaited vectorUpsert`,
        target: { kind: 'ratio', min: 1.0 },
        note: `ten raw level puts of the embedding awaited: ${fmtRate(tenRaw)} groups/s (ratio ${(txn / tenRaw).toFixed(2)})`,
      },
      {
        name: `vectorSearch top-${K} in a transaction, ${size}`,
        stratum: inTxn,
        raw: outside,
        rawLabel: 'the same search outside a transaction',
        target: { kind: 'ratio', min: 0.8 },
        note: 'nothing committed since the snapshot: the shared index answers',
      },
      {
        name: `first vectorSearch top-${K} of a transaction whose snapshot is behind, ${size}`,
        stratum: behind,
        raw: outside,
        rawLabel: 'the same search outside a transaction',
        note: "begin, one outside commit, search, rollback: the snapshot's vectors are read from storage once per transaction",
      },
    ];
  } finally {
    await reader.close();
    await db.close();
    await raw.close();
  }
}
