import { Stratum } from '@stratum/executor';
import { SMOKE, VALUE, duel, inWaves, tempDir, type Row } from './harness.js';
import { RAW_VALUE, openRaw } from './raw-level.js';

const AWAITED = SMOKE ? { ops: 200, warmup: 50, rounds: 1 } : { ops: 20_000, warmup: 5_000, rounds: 5 };
const IN_FLIGHT = 1000;
const WAVES = SMOKE ? { ops: 1000, warmup: 1000, rounds: 1 } : { ops: 50_000, warmup: 10_000, rounds: 5 };

/** Embedded `kvPut` against classic-level `put`: one awaited at a time, then 1000 in flight. */
export async function kvPutBench(): Promise<Row[]> {
  const db = await Stratum.open(await tempDir('put'));
  const raw = await openRaw('put-raw');
  try {
    const awaited = await duel(
      'kvPut awaited',
      AWAITED,
      {
        run: async (keys) => {
          for (const k of keys) await db.kvPut(k, VALUE);
        },
      },
      {
        run: async (keys) => {
          for (const k of keys) await raw.put(k, RAW_VALUE);
        },
      },
    );
    const waves = await duel(
      'kvPut 1000 in flight',
      WAVES,
      { run: (keys) => inWaves(keys, IN_FLIGHT, (k) => db.kvPut(k, VALUE)) },
      { run: (keys) => inWaves(keys, IN_FLIGHT, (k) => raw.put(k, RAW_VALUE)) },
    );
    return [
      { name: 'kvPut, awaited one at a time', stratum: awaited.stratum, raw: awaited.raw, rawLabel: 'put awaited', target: { kind: 'ratio', min: 0.8 } },
      { name: `kvPut, ${IN_FLIGHT} in flight`, stratum: waves.stratum, raw: waves.raw, rawLabel: `put, ${IN_FLIGHT} in flight`, target: { kind: 'ratio', min: 1.0 } },
    ];
  } finally {
    await db.close();
    await raw.close();
  }
}
