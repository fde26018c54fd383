import { Stratum } from '@stratum/executor';
import { SMOKE, VALUE, compare, inWaves, type Row } from './harness.js';
import { cbor } from './raw-level.js';

const IN_FLIGHT = 1000;
const SIZES = SMOKE ? { ops: IN_FLIGHT, warmup: IN_FLIGHT, rounds: 1 } : { ops: 100_000, warmup: 50_000, rounds: 5 };

/** `cache` mode `kvPut`, 1000 in flight, against the plain in-memory map it has to beat for its keep. */
export async function cacheBench(): Promise<Row[]> {
  const db = await Stratum.cache();
  // The raw side keeps encoded copies, as the memory store does, so later changes to a caller's object cannot reach it.
  const map = new Map<string, Uint8Array>();
  try {
    const [stratum, raw] = await compare(`cache kvPut ${IN_FLIGHT} in flight`, SIZES, [
      { name: 'stratum', run: (keys) => inWaves(keys, IN_FLIGHT, (k) => db.kvPut(k, VALUE)) },
      {
        name: 'map',
        run: (keys) => {
          for (const k of keys) map.set(k, cbor.encode(VALUE));
        },
      },
    ]);
    return [
      {
        name: `cache mode kvPut, ${IN_FLIGHT} in flight`,
        stratum,
        raw,
        rawLabel: 'Map.set + cbor-x encode',
        target: { kind: 'rate', min: 250_000 },
      },
    ];
  } finally {
    await db.close();
  }
}
