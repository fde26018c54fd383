import { Stratum } from '@stratum/executor';
import { SMOKE, VALUE, compare, fmtRate, tempDir, type Row } from './harness.js';
import { RAW_VALUE, openRaw } from './raw-level.js';

const WRITES = 10;
const SESSIONS = 50;
const HOT_KEYS = 10;
const ONE = SMOKE ? { ops: 20, warmup: 5, rounds: 1 } : { ops: 2_000, warmup: 300, rounds: 5 };
const MANY = SMOKE ? { ops: 50, warmup: 50, rounds: 1 } : { ops: 2_000, warmup: 500, rounds: 3 };

/**
 * Transactions of ten writes: one session (against ten separate awaited writes, which a
 * transaction — one storage batch — should not be slower than), 50 sessions on disjoint keys, and
 * 50 sessions contending on 10 keys (throughput of commits and how many attempts abort).
 * A round of `keys` runs keys.length transactions.
 */
export async function txnBench(): Promise<Row[]> {
  const db = await Stratum.open(await tempDir('txn'));
  const raw = await openRaw('txn-raw');
  const handles = Array.from({ length: SESSIONS }, () => db.newHandle());
  let attempts = 0;
  let commits = 0;
  try {
    const tenWrites = async (h: Stratum, prefix: string) => {
      await h.txnBegin();
      for (let w = 0; w < WRITES; w++) await h.kvPut(`${prefix}/${w}`, VALUE);
      await h.txnCommit();
    };
    const [one, tenPuts, tenRaw] = await compare('10-write transaction, one session', ONE, [
      { name: 'stratum txn', run: async (keys) => { for (const k of keys) await tenWrites(db, k); } },
      { name: 'ten kvPut', run: async (keys) => { for (const k of keys) for (let w = 0; w < WRITES; w++) await db.kvPut(`${k}/${w}`, VALUE); } },
      { name: 'ten raw put', run: async (keys) => { for (const k of keys) for (let w = 0; w < WRITES; w++) await raw.put(`${k}/${w}`, RAW_VALUE); } },
    ]);
    /** Splits a round's keys over the sessions, each running its share one transaction at a time. */
    const spread = async (keys: string[], run: (h: Stratum, k: string) => Promise<void>): Promise<void> => {
      await Promise.all(handles.map(async (h, s) => { for (let i = s; i < keys.length; i += SESSIONS) await run(h, keys[i] as string); }));
    };
    const [disjoint, disjointRaw] = await compare(`10-write transactions, ${SESSIONS} sessions, disjoint keys`, MANY, [
      { name: 'stratum txn', run: (keys) => spread(keys, tenWrites) },
      { name: 'ten raw put', run: (keys) => spread(keys, async (_h, k) => { for (let w = 0; w < WRITES; w++) await raw.put(`${k}/${w}`, RAW_VALUE); }) },
    ]);
    const hot = (i: number) => `hot/${i % HOT_KEYS}`;
    const contend = (keys: string[]) =>
      spread(keys, async (h, k) => {
        await h.transaction(async (tx) => {
          attempts++;
          const n = Number(k.slice(k.lastIndexOf('-') + 1)) || 0;
          const a = hot(n);
          const b = hot(n + 1);
          const va = ((await tx.kvGet(a))?.value as number | undefined) ?? 0;
          const vb = ((await tx.kvGet(b))?.value as number | undefined) ?? 0;
          await tx.kvPut(a, va + 1);
          await tx.kvPut(b, vb + 1);
        }, { retries: 10_000 });
        commits++;
      });
    const [contended] = await compare(`read-modify-write transactions, ${SESSIONS} sessions on ${HOT_KEYS} keys`, MANY, [
      { name: 'stratum txn', run: contend },
    ]);
    const aborted = attempts - commits;
    return [
      {
        name: `${WRITES}-write transaction, one session`,
        stratum: one,
        raw: tenPuts,
        rawLabel: `${WRITES} awaited kvPut`,
        target: { kind: 'ratio', min: 1.0 },
        note: `ten raw level puts awaited: ${fmtRate(tenRaw)} groups/s (ratio ${(one / tenRaw).toFixed(2)})`,
      },
      {
        name: `${WRITES}-write transactions, ${SESSIONS} sessions on disjoint keys`,
        stratum: disjoint,
        raw: disjointRaw,
        rawLabel: `${SESSIONS} loops of ${WRITES} awaited raw puts`,
      },
      {
        name: `read-modify-write transactions, ${SESSIONS} sessions on ${HOT_KEYS} keys`,
        stratum: contended,
        rawLabel: 'n/a',
        note: `committed transactions/s; ${((100 * aborted) / Math.max(1, attempts)).toFixed(1)}% of attempts aborted with TransactionConflict and retried`,
      },
    ];
  } finally {
    for (const h of handles) await h.close();
    await db.close();
    await raw.close();
  }
}
