import { Stratum } from '@stratum/executor';
import { SMOKE, VALUE, compare, inWaves, tempDir, type Row } from './harness.js';
import { RAW_VALUE, openRaw } from './raw-level.js';

const IN_FLIGHT = 1000;
const AWAITED = SMOKE ? { ops: 200, warmup: 50, rounds: 1 } : { ops: 20_000, warmup: 5_000, rounds: 5 };
const WAVES = SMOKE ? { ops: IN_FLIGHT, warmup: IN_FLIGHT, rounds: 1 } : { ops: 50_000, warmup: 10_000, rounds: 5 };

/** Embedded `kvPut` against classic-level `put`: one awaited at a time, then 1000 in flight. */
export async function kvPutBench(): Promise<Row[]> {
  const db = await Stratum.open(await tempDir('put'));
  const raw = await openRaw('put-raw');
  try {
    const [awaited, awaitedRaw] = await compare('kvPut awaited', AWAITED, [
      {
        name: 'stratum',
        run: async (keys) => {
          for (const k of keys) await db.kvPut(k, VALUE);
        },
      },
      {
        name: 'raw',
        run: async (keys) => {
          for (const k of keys) await raw.put(k, RAW_VALUE);
        },
      },
    ]);
    const [waves, wavesRaw] = await compare(`kvPut ${IN_FLIGHT} in flight`, WAVES, [
      { name: 'stratum', run: (keys) => inWaves(keys, IN_FLIGHT, (k) => db.kvPut(k, VALUE)) },
      { name: 'raw', run: (keys) => inWaves(keys, IN_FLIGHT, (k) => raw.put(k, RAW_VALUE)) },
    ]);
    return [
      {
        name: 'kvPut, awaited one at a time',
        stratum: awaited,
        raw: awaitedRaw,
        rawLabel: 'put, awaited',
        target: { kind: 'ratio', min: 0.8 },
      },
      {
        name: `kvPut, ${IN_FLIGHT} in flight`,
        stratum: waves,
        raw: wavesRaw,
        rawLabel: `put, ${IN_FLIGHT} in flight`,
        target: { kind: 'ratio', min: 1.0 },
      },
    ];
  } finally {
    await db.close();
    await raw.close();
  }
}
