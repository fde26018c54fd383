import { Stratum } from '@stratum/executor';
import { SMOKE, VALUE, compare, tempDir, type Row } from './harness.js';
import { RAW_VALUE, openRaw } from './raw-level.js';

const APPENDERS = 100;
const AWAITED = SMOKE ? { ops: 200, warmup: 50, rounds: 1 } : { ops: 20_000, warmup: 5_000, rounds: 5 };
const CONCURRENT = SMOKE ? { ops: 1_000, warmup: 500, rounds: 1 } : { ops: 50_000, warmup: 10_000, rounds: 5 };

/** Why the ratio sits below kvPut's: the raw side puts one record where an append commits three. */
const NOTE = 'an append commits 3 records (event, type index, log); the raw put writes 1';

/** `width` workers, each awaiting one item at a time, until the items run out. */
async function workers<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/**
 * Embedded `eventAppend` (one commit writing the event, its type-index entry and the log record)
 * against classic-level `put`: one appender awaiting each append, then 100 appenders at once.
 */
export async function eventBench(): Promise<Row[]> {
  const db = await Stratum.open(await tempDir('event'));
  const raw = await openRaw('event-raw');
  try {
    const [awaited, awaitedRaw] = await compare('eventAppend awaited', AWAITED, [
      {
        name: 'stratum',
        run: async (keys) => {
          for (let i = 0; i < keys.length; i++) await db.eventAppend('message', VALUE);
        },
      },
      {
        name: 'raw',
        run: async (keys) => {
          for (const k of keys) await raw.put(k, RAW_VALUE);
        },
      },
    ]);
    const [many, manyRaw] = await compare(`eventAppend ${APPENDERS} appenders`, CONCURRENT, [
      { name: 'stratum', run: (keys) => workers(keys, APPENDERS, () => db.eventAppend('message', VALUE)) },
      { name: 'raw', run: (keys) => workers(keys, APPENDERS, (k) => raw.put(k, RAW_VALUE)) },
    ]);
    const total = AWAITED.warmup + AWAITED.ops * AWAITED.rounds + CONCURRENT.warmup + CONCURRENT.ops * CONCURRENT.rounds;
    const len = await db.eventLen();
    if (len !== total) throw new Error(`the log holds ${len} events, expected ${total}`);
    return [
      {
        name: 'eventAppend, awaited one at a time',
        stratum: awaited,
        raw: awaitedRaw,
        rawLabel: 'put, awaited',
        note: NOTE,
      },
      {
        name: `eventAppend, ${APPENDERS} concurrent appenders`,
        stratum: many,
        raw: manyRaw,
        rawLabel: `put, ${APPENDERS} concurrent putters`,
        note: NOTE,
      },
    ];
  } finally {
    await db.close();
    await raw.close();
  }
}
