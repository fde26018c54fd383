import { randomBytes } from 'node:crypto';
import { ClassicLevel } from 'classic-level';
import { Stratum } from '@stratum/executor';
import { directorySize } from '@stratum/storage';
import { SMOKE, VALUE, compare, elapsedSeconds, inWaves, keys, log, median, tempDir, type Row } from './harness.js';
import { RAW_VALUE, cbor } from './raw-level.js';

const WRITERS = 100;
const AWAITED = SMOKE ? { ops: 100, warmup: 20, rounds: 1 } : { ops: 2_000, warmup: 300, rounds: 3 };
const IN_FLIGHT = SMOKE ? { ops: 1_000, warmup: 200, rounds: 1 } : { ops: 30_000, warmup: 3_000, rounds: 3 };
/** Keys in the database that is opened and compacted. */
const BIG = SMOKE ? 10_000 : 1_000_000;
const LOAD_BATCH = 10_000;
const OPENS = SMOKE ? 2 : 5;

type RawDb = ClassicLevel<string, Uint8Array>;

async function openRawDir(dir: string): Promise<RawDb> {
  const db: RawDb = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  return db;
}

/** `width` writers, each awaiting one write at a time, until the keys run out. */
async function writers(items: readonly string[], width: number, work: (key: string) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++] as string);
    }),
  );
}

const ms = (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Seconds `fn` takes. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return elapsedSeconds(start);
}

/** `always` mode: each batch is synced before it is acknowledged; group commit shares one sync among the writers in flight. */
async function alwaysRows(): Promise<Row[]> {
  const db = await Stratum.open(await tempDir('always'), { durability: 'always' });
  const raw = await openRawDir(await tempDir('always-raw'));
  try {
    const [one, oneRaw] = await compare('always kvPut awaited', AWAITED, [
      { name: 'stratum', run: async (ks) => { for (const k of ks) await db.kvPut(k, VALUE); } },
      { name: 'raw', run: async (ks) => { for (const k of ks) await raw.put(k, RAW_VALUE, { sync: true }); } },
    ]);
    const [many, manyRaw] = await compare(`always kvPut ${WRITERS} in flight`, IN_FLIGHT, [
      { name: 'stratum', run: (ks) => writers(ks, WRITERS, (k) => db.kvPut(k, VALUE)) },
      { name: 'raw', run: (ks) => writers(ks, WRITERS, (k) => raw.put(k, RAW_VALUE, { sync: true })) },
    ]);
    return [
      { name: 'kvPut, durability always, 1 in flight', stratum: one, raw: oneRaw, rawLabel: 'put {sync: true}, awaited', note: 'one sync per write on both sides' },
      {
        name: `kvPut, durability always, ${WRITERS} in flight`,
        stratum: many,
        raw: manyRaw,
        rawLabel: `put {sync: true}, ${WRITERS} in flight`,
        target: { kind: 'rate', min: 10 * one },
        note: `target: ≥ 10× the 1-in-flight rate; ${(many / one).toFixed(1)}× measured`,
      },
    ];
  } finally {
    await db.close();
    await raw.close();
  }
}

/** Random bytes for the values of the big database, made once. */
const NOISE = randomBytes(16 * BIG);

/**
 * The value of key `i` of the big database: the usual message with its turn and 16 random bytes,
 * so the store cannot shrink a million copies of one value to nothing.
 */
const bigValue = (i: number) => ({ ...VALUE, turn: i, id: NOISE.toString('base64', 16 * i, 16 * i + 16) });

/** Fills a database with `n` keys through big batches, then closes it. */
async function fill(dir: string, n: number): Promise<void> {
  const db = await Stratum.open(dir);
  const all = keys('big', n);
  const seconds = await timed(async () => {
    for (let i = 0; i < n; i += LOAD_BATCH) await db.kvBatchPut(all.slice(i, i + LOAD_BATCH).map((key, j) => ({ key, value: bigValue(i + j) })));
  });
  log(`open: wrote ${n.toLocaleString('en-US')} keys in ${seconds.toFixed(1)} s`);
  await db.close();
}

/** Median seconds to open (and, untimed, close) what `open` opens; the first open is a warm-up. */
async function openTimes(open: () => Promise<{ close(): Promise<void> }>): Promise<{ median: number; first: number }> {
  const times: number[] = [];
  for (let i = 0; i <= OPENS; i++) {
    let handle: { close(): Promise<void> } | undefined;
    times.push(await timed(async () => (handle = await open())));
    await handle?.close();
  }
  return { first: times[0] as number, median: median(times.slice(1)) };
}

async function openRow(dir: string): Promise<Row> {
  await fill(dir, BIG);
  const big = await openTimes(() => Stratum.open(dir));
  const raw = await openTimes(() => openRawDir(dir));
  const emptyDir = await tempDir('open-empty');
  await (await Stratum.open(emptyDir)).close();
  const empty = await openTimes(() => Stratum.open(emptyDir));
  const size = await directorySize(dir);
  log(`open: ${BIG} keys median ${ms(big.median)} (first ${ms(big.first)}), classic-level ${ms(raw.median)}, empty ${ms(empty.median)}`);
  return {
    name: `open a database of ${BIG.toLocaleString('en-US')} keys (opens/s)`,
    stratum: 1 / big.median,
    raw: 1 / raw.median,
    rawLabel: 'ClassicLevel open, same directory',
    target: { kind: 'rate', min: 1 / 0.3 },
    note: `${ms(big.median)} median (first ${ms(big.first)}; ${mb(size)} on disk); an empty database opens in ${ms(empty.median)}; target ≤ 300 ms`,
  };
}

/** Deletes every other key of the filled database, then times Compact and measures the directory before and after. */
async function compactRow(dir: string): Promise<Row> {
  const db = await Stratum.open(dir);
  const doomed = keys('big', BIG).filter((_, i) => i % 2 === 0);
  const deleting = await timed(() => inWaves(doomed, 1000, (k) => db.kvDelete(k)));
  log(`compact: deleted ${doomed.length.toLocaleString('en-US')} keys in ${deleting.toFixed(1)} s`);
  await db.flush();
  const before = await directorySize(dir);
  const seconds = await timed(() => db.compact());
  const after = await directorySize(dir);
  if ((await db.info()).totalKeys !== BIG - doomed.length) throw new Error('compaction changed the live key count');
  await db.close();

  // The same work on bare classic-level: the keys put, half deleted, the whole range compacted.
  const rawDir = await tempDir('compact-raw');
  const raw = await openRawDir(rawDir);
  const all = keys('big', BIG);
  for (let i = 0; i < BIG; i += LOAD_BATCH) {
    await raw.batch(all.slice(i, i + LOAD_BATCH).map((key, j) => ({ type: 'put' as const, key, value: cbor.encode(bigValue(i + j)) as Uint8Array })));
  }
  for (let i = 0; i < doomed.length; i += LOAD_BATCH) await raw.batch(doomed.slice(i, i + LOAD_BATCH).map((key) => ({ type: 'del' as const, key })));
  const rawBefore = await directorySize(rawDir);
  const rawSeconds = await timed(() => raw.compactRange('\u0000', '\uffff'));
  const rawAfter = await directorySize(rawDir);
  await raw.close();
  log(`compact: stratum ${mb(before)} → ${mb(after)} in ${seconds.toFixed(2)} s; raw ${mb(rawBefore)} → ${mb(rawAfter)} in ${rawSeconds.toFixed(2)} s`);
  return {
    name: `Compact after deleting half of ${BIG.toLocaleString('en-US')} keys (MB/s compacted)`,
    stratum: before / 1024 / 1024 / seconds,
    raw: rawBefore / 1024 / 1024 / rawSeconds,
    rawLabel: 'compactRange, same keys put and half deleted',
    note:
      `${seconds.toFixed(2)} s; ${mb(before)} → ${mb(after)} (${mb(before - after)} reclaimed; history of deleted keys kept for time travel); ` +
      `raw ${rawSeconds.toFixed(2)} s, ${mb(rawBefore)} → ${mb(rawAfter)}`,
  };
}

/** The durability group: `always` mode with 1 and 100 writers, opening a big database, Compact. */
export async function durabilityBench(): Promise<Row[]> {
  const rows = await alwaysRows();
  const dir = await tempDir('big');
  rows.push(await openRow(dir));
  rows.push(await compactRow(dir));
  return rows;
}
