import { Stratum } from '@stratum/executor';
import { SMOKE, VALUE, compare, inWaves, keys, tempDir, type Row } from './harness.js';
import { RAW_VALUE, openRaw } from './raw-level.js';

const STORED = SMOKE ? 200 : 20_000;
const READS = SMOKE ? { ops: 200, warmup: 50, rounds: 1 } : { ops: 20_000, warmup: 5_000, rounds: 5 };

/**
 * The order keys are read in: a fixed permutation of the stored keys, so reads hop around the key
 * space instead of walking it, and every side reads exactly the same sequence.
 */
function readOrder(stored: readonly string[]): string[] {
  const out = [...stored];
  let seed = 0x2545f491;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j] as string, out[i] as string];
  }
  return out;
}

/** Embedded `kvGet` against classic-level `get` (awaited) and `getSync`, over the same stored keys. */
export async function kvGetBench(): Promise<Row[]> {
  const db = await Stratum.open(await tempDir('get'));
  const raw = await openRaw('get-raw');
  try {
    const stored = keys('stored', STORED);
    await inWaves(stored, 1000, (k) => db.kvPut(k, VALUE));
    await raw.batch(stored.map((key) => ({ type: 'put' as const, key, value: RAW_VALUE })));
    const order = readOrder(stored);
    const at = (i: number) => order[i % order.length] as string;
    let missing = 0;
    const [stratum, rawGet, rawSync] = await compare('kvGet awaited', READS, [
      {
        name: 'stratum',
        run: async (ks) => {
          for (let i = 0; i < ks.length; i++) if ((await db.kvGet(at(i))) === null) missing++;
        },
      },
      {
        name: 'raw get',
        run: async (ks) => {
          for (let i = 0; i < ks.length; i++) if ((await raw.get(at(i))) === undefined) missing++;
        },
      },
      {
        name: 'raw getSync',
        run: (ks) => {
          for (let i = 0; i < ks.length; i++) if (raw.getSync(at(i)) === undefined) missing++;
        },
      },
    ]);
    // A miss is cheaper than a hit on every side; a figure built on misses would mean nothing.
    if (missing > 0) throw new Error(`kvGet benchmark read ${missing} missing keys`);
    return [
      { name: 'kvGet, awaited one at a time', stratum, raw: rawGet, rawLabel: 'get, awaited', target: { kind: 'ratio', min: 0.8 } },
      { name: 'kvGet, awaited (same figure as above)', stratum, raw: rawSync, rawLabel: 'getSync', note: 'reference: the synchronous ceiling' },
    ];
  } finally {
    await db.close();
    await raw.close();
  }
}
