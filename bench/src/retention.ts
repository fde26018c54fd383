import { Stratum } from '@stratum/executor';
import { SMOKE, VALUE, elapsedSeconds, keys, log, median, tempDir, type Row } from './harness.js';
import { RAW_VALUE, openRaw, type RawDb } from './raw-level.js';

const ITEMS = SMOKE ? 200 : 20_000;
const VERSIONS = SMOKE ? 2 : 5;
const ROUNDS = SMOKE ? 1 : 5;
const BATCH = 1_000;

/** Writes `VERSIONS` new versions of every item, a batch of 1,000 items per commit. */
async function addVersions(db: Stratum, items: readonly string[]): Promise<void> {
  for (let v = 0; v < VERSIONS; v++) {
    for (let i = 0; i < items.length; i += BATCH) await db.kvBatchPut(items.slice(i, i + BATCH).map((key) => ({ key, value: VALUE })));
  }
}

/** The raw counterpart: one entry per version, `item 0x00 version`, as a history keyspace lays them out. */
async function addRawVersions(raw: RawDb, items: readonly string[], round: number): Promise<void> {
  for (let v = 0; v < VERSIONS; v++) {
    const version = String(round * VERSIONS + v).padStart(8, '0');
    await raw.batch(items.map((item) => ({ type: 'put' as const, key: `${item}\u0000${version}`, value: RAW_VALUE })));
  }
}

/** Visits every entry in key order, 1,000 per native call (as the store reads its history). */
async function eachEntry(raw: RawDb, visit: (key: string, value: Uint8Array) => void): Promise<void> {
  const it = raw.iterator();
  try {
    for (let entries = await it.nextv(1000); entries.length > 0; entries = await it.nextv(1000)) {
      for (const [key, value] of entries) visit(key, value);
    }
  } finally {
    await it.close();
  }
}

/** Reads every entry; resolves to how many there were (the raw side of RetentionStats). */
async function rawCount(raw: RawDb): Promise<number> {
  let n = 0;
  let bytes = 0;
  await eachEntry(raw, (_key, value) => {
    n++;
    bytes += value.length;
  });
  if (bytes === 0 && n > 0) throw new Error('raw entries without values');
  return n;
}

/** Reads every entry and deletes all but the last of each item in one batch (the raw side of RetentionApply). */
async function rawKeepNewest(raw: RawDb): Promise<number> {
  const drop: string[] = [];
  let previous: string | undefined;
  let previousItem: string | undefined;
  await eachEntry(raw, (key) => {
    const item = key.slice(0, key.indexOf('\u0000'));
    if (previous !== undefined && item === previousItem) drop.push(previous);
    previous = key;
    previousItem = item;
  });
  await raw.batch(drop.map((key) => ({ type: 'del' as const, key })));
  return drop.length;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const out = await fn();
  return [out, elapsedSeconds(start)];
}

/**
 * Retention over a branch of 20k items: RetentionStats (versions counted per second) against a raw
 * iteration of as many entries, and RetentionApply without a policy (versions dropped per second)
 * against a raw iterate-and-batch-delete of the same entries. Each round first adds 5 versions to
 * every item (not timed); the first round is a warm-up.
 */
export async function retentionBench(): Promise<Row[]> {
  const db = await Stratum.open(await tempDir('retention'));
  const raw = await openRaw('retention-raw');
  const items = keys('item', ITEMS);
  const rates = { stats: [] as number[], rawStats: [] as number[], apply: [] as number[], rawApply: [] as number[] };
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      await addVersions(db, items);
      await addRawVersions(raw, items, round);
      const [stats, statsTime] = await timed(() => db.retentionStats());
      const [rawEntries, rawStatsTime] = await timed(() => rawCount(raw));
      const [, applyTime] = await timed(() => db.retentionApply());
      const [rawDropped, rawApplyTime] = await timed(() => rawKeepNewest(raw));
      const dropped = stats.versions - (await db.retentionStats()).versions;
      if (dropped !== rawDropped || stats.versions !== rawEntries) {
        throw new Error(`retention dropped ${dropped} of ${stats.versions} versions; raw ${rawDropped} of ${rawEntries}`);
      }
      if (round === 0) continue;
      rates.stats.push(stats.versions / statsTime);
      rates.rawStats.push(rawEntries / rawStatsTime);
      rates.apply.push(dropped / applyTime);
      rates.rawApply.push(rawDropped / rawApplyTime);
    }
    const k = (xs: number[]) => xs.map((x) => `${Math.round(x / 1000)}k`).join(' ');
    log(`RetentionStats: ${k(rates.stats)} | raw iterate ${k(rates.rawStats)}`);
    log(`RetentionApply: ${k(rates.apply)} | raw iterate + batch del ${k(rates.rawApply)}`);
    const shape = `${ITEMS} items × ${VERSIONS + 1} versions`;
    return [
      {
        name: `RetentionStats, ${shape}`,
        stratum: median(rates.stats),
        raw: median(rates.rawStats),
        rawLabel: 'iterate as many entries',
        target: { kind: 'ratio', min: 0.5 },
        note: 'versions counted/s',
      },
      {
        name: `RetentionApply (newest only), ${shape}`,
        stratum: median(rates.apply),
        raw: median(rates.rawApply),
        rawLabel: 'iterate + batch del of the same entries',
        target: { kind: 'ratio', min: 0.5 },
        note: 'versions dropped/s',
      },
    ];
  } finally {
    await db.close();
    await raw.close();
  }
}
