import { Stratum } from '@stratum/executor';
import { SMOKE, VALUE, compare, fmtRate, tempDir, type Row } from './harness.js';
import { RAW_VALUE, cbor, openRaw } from './raw-level.js';

/** Read-CAS-retry loops racing for one cell: each increment is won by one loop and lost by the rest. */
const LOOPS = 100;
const AWAITED = SMOKE ? { ops: 200, warmup: 50, rounds: 1 } : { ops: 20_000, warmup: 5_000, rounds: 5 };
const CONTENDED = SMOKE ? { ops: 200, warmup: 50, rounds: 1 } : { ops: 5_000, warmup: 1_000, rounds: 5 };

/**
 * Embedded state cells against classic-level: `stateSet` awaited beside the raw operations it is
 * built on (a synchronous point read of the counter, then an awaited `put`); `stateGet` +
 * `stateCas` increments from one loop; and `stateCas` attempts per second while 100 retry loops
 * race to increment one cell. Both CAS figures stand beside one awaited `get` + `put`
 * read-modify-write loop: the cheapest correct raw increment (raw level has no compare-and-swap,
 * so concurrent raw loops would lose updates).
 */
export async function stateBench(): Promise<Row[]> {
  const db = await Stratum.open(await tempDir('state'));
  const raw = await openRaw('state-raw');
  let attempts = 0;
  let increments = 0;
  try {
    const [set, setRaw, putRaw] = await compare('stateSet awaited', AWAITED, [
      {
        name: 'stratum',
        run: async (keys) => {
          for (const k of keys) await db.stateSet(k, VALUE);
        },
      },
      {
        name: 'raw getSync+put',
        run: async (keys) => {
          for (const k of keys) {
            raw.getSync(k);
            await raw.put(k, RAW_VALUE);
          }
        },
      },
      {
        name: 'raw put',
        run: async (keys) => {
          for (const k of keys) await raw.put(k, RAW_VALUE);
        },
      },
    ]);
    /** Increments a fresh cell (named by the round's first key) to keys.length with `loops` read-CAS-retry loops. */
    const increment = async (keys: string[], loops: number) => {
      const cell = keys[0] as string;
      const target = keys.length;
      await db.stateInit(cell, 0);
      const loop = async () => {
        for (;;) {
          const cur = await db.stateGet(cell);
          if (cur === null) throw new Error(`cell ${cell} vanished`);
          if ((cur.value as number) >= target) return;
          if (loops > 1) attempts++;
          const won = (await db.stateCas(cell, cur.version, (cur.value as number) + 1)) !== null;
          if (won && loops > 1) increments++;
        }
      };
      await Promise.all(Array.from({ length: loops }, loop));
      const end = await db.stateGet(cell);
      if (end?.value !== target || end.version !== target + 1) throw new Error(`lost an update: ${JSON.stringify(end)}`);
    };
    const rawIncrement = async (keys: string[]) => {
      const cell = keys[0] as string;
      await raw.put(cell, cbor.encode(0));
      for (let i = 0; i < keys.length; i++) {
        const n = cbor.decode((await raw.get(cell)) as Uint8Array) as number;
        await raw.put(cell, cbor.encode(n + 1));
      }
    };
    const [alone, aloneRaw] = await compare('stateCas, one loop', AWAITED, [
      { name: 'stratum', run: (keys) => increment(keys, 1) },
      { name: 'raw', run: rawIncrement },
    ]);
    const [cas, casRaw] = await compare(`stateCas, ${LOOPS} loops on one cell`, CONTENDED, [
      { name: 'stratum', run: (keys) => increment(keys, LOOPS) },
      { name: 'raw', run: rawIncrement },
    ]);
    const perIncrement = attempts / Math.max(1, increments);
    return [
      {
        name: 'stateSet, awaited one at a time',
        stratum: set,
        raw: setRaw,
        rawLabel: 'getSync + put, awaited',
        target: { kind: 'ratio', min: 0.8 },
        note: `a set reads the cell's counter, then writes; put alone: ${fmtRate(putRaw)}/s (ratio ${(set / putRaw).toFixed(2)})`,
      },
      {
        name: 'stateGet + stateCas increments, one loop, awaited',
        stratum: alone,
        raw: aloneRaw,
        rawLabel: 'get + put increment, awaited',
        target: { kind: 'ratio', min: 0.8 },
      },
      {
        // Every attempt is answered (won or lost) without waiting for storage; the winners' writes share batches.
        name: `stateCas under contention: ${LOOPS} stateGet + stateCas retry loops on one cell`,
        stratum: cas * perIncrement,
        raw: casRaw,
        rawLabel: 'get + put increment, awaited',
        target: { kind: 'ratio', min: 1.0 },
        note: `${perIncrement.toFixed(1)} attempts per increment, one wins; ${fmtRate(cas)} increments/s (ratio ${(cas / casRaw).toFixed(2)}), none lost`,
      },
    ];
  } finally {
    await db.close();
    await raw.close();
  }
}
