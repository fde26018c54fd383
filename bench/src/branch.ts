import { Stratum } from '@stratum/executor';
import { join } from 'node:path';
import { SMOKE, VALUE, compare, elapsedSeconds, fmtRate, inWaves, keys, log, tempDir, type Row } from './harness.js';
import { RAW_VALUE, openRaw } from './raw-level.js';

const SMALL = SMOKE ? 100 : 1_000;
const LARGE = SMOKE ? 1_000 : 100_000;
const FORKS = SMOKE ? { ops: 10, warmup: 5, rounds: 1 } : { ops: 300, warmup: 50, rounds: 5 };
const READS = SMOKE ? { ops: 200, warmup: 50, rounds: 1 } : { ops: 20_000, warmup: 5_000, rounds: 5 };
const DIFFS = SMOKE ? { ops: 5, warmup: 2, rounds: 1 } : { ops: 50, warmup: 10, rounds: 5 };
const CHANGED = 10;

/** Fills the current branch of `db` with `n` keys, 1,000 writes in flight at a time. */
async function fill(db: Stratum, n: number): Promise<string[]> {
  const stored = keys('stored', n);
  await inWaves(stored, 1000, (k) => db.kvPut(k, VALUE));
  return stored;
}

/**
 * Branches: forking a source of 1k and of 100k keys (copy-on-write: both should cost one
 * small commit, measured against one raw awaited put), kvGet on a fork against the same read on
 * its parent, and diffing a fork with 10 changed keys out of 100k.
 */
export async function branchBench(): Promise<Row[]> {
  const small = await Stratum.open(await tempDir('fork-small'));
  const large = await Stratum.open(await tempDir('fork-large'));
  const raw = await openRaw('fork-raw');
  try {
    await fill(small, SMALL);
    const stored = await fill(large, LARGE);
    let n = 0;
    const forkAll = (db: Stratum) => async (ks: string[]) => {
      for (let i = 0; i < ks.length; i++) await db.execute({ type: 'BranchFork', destination: `fork-${n++}` });
    };
    const [forkSmall, forkLarge, rawPut] = await compare('BranchFork', FORKS, [
      { name: `fork of ${SMALL} keys`, run: forkAll(small) },
      { name: `fork of ${LARGE} keys`, run: forkAll(large) },
      { name: 'raw put', run: async (ks) => { for (const k of ks) await raw.put(k, RAW_VALUE); } },
    ]);

    await large.execute({ type: 'BranchFork', destination: 'reader' });
    const fork = large.newHandle();
    await fork.setBranch('reader');
    const order = stored.filter((_, i) => i % 7 === 0);
    const at = (i: number) => order[i % order.length] as string;
    let missing = 0;
    const [onFork, onParent] = await compare('kvGet on a fork', READS, [
      { name: 'fork', run: async (ks) => { for (let i = 0; i < ks.length; i++) if ((await fork.kvGet(at(i))) === null) missing++; } },
      { name: 'parent', run: async (ks) => { for (let i = 0; i < ks.length; i++) if ((await large.kvGet(at(i))) === null) missing++; } },
    ]);
    if (missing > 0) throw new Error(`kvGet on a fork read ${missing} missing keys`);

    await large.execute({ type: 'BranchFork', destination: 'changed' });
    const changed = large.newHandle();
    await changed.setBranch('changed');
    for (let i = 0; i < CHANGED; i++) await changed.kvPut(stored[(i * 997) % stored.length] as string, { changed: i });
    let differences = 0;
    const [diff] = await compare(`BranchDiff, ${CHANGED} changed of ${LARGE}`, DIFFS, [
      {
        name: 'diff',
        run: async (ks) => {
          for (let i = 0; i < ks.length; i++) {
            const out = await large.execute({ type: 'BranchDiff', branchA: 'default', branchB: 'changed' });
            differences = out.summary.modified;
          }
        },
      },
    ]);
    if (differences !== CHANGED) throw new Error(`BranchDiff found ${differences} modified keys, expected ${CHANGED}`);

    // Export (of a fork that sees all 100k keys) and import, once each.
    const bundle = join(await tempDir('bundle'), 'reader.bundle');
    let start = process.hrtime.bigint();
    const exported = await large.execute({ type: 'BranchExport', branch: 'reader', path: bundle });
    const exportRate = exported.value.entryCount / elapsedSeconds(start);
    const target = await Stratum.open(await tempDir('import'));
    start = process.hrtime.bigint();
    const imported = await target.execute({ type: 'BranchImport', path: bundle });
    const importRate = imported.value.keysWritten / elapsedSeconds(start);
    await target.close();
    start = process.hrtime.bigint();
    await raw.batch(stored.map((key) => ({ type: 'put' as const, key: `bulk/${key}`, value: RAW_VALUE })));
    const rawBatch = stored.length / elapsedSeconds(start);
    log(`BranchFork: ${(1000 / forkSmall).toFixed(3)} ms with ${SMALL} keys, ${(1000 / forkLarge).toFixed(3)} ms with ${LARGE}; BranchDiff ${(1000 / diff).toFixed(2)} ms`);
    return [
      {
        name: `BranchFork, ${LARGE}-key source vs ${SMALL}-key source`,
        stratum: forkLarge,
        raw: forkSmall,
        rawLabel: `BranchFork of a ${SMALL}-key source`,
        target: { kind: 'ratio', min: 0.5 },
        note: `copy-on-write: the time ratio is ${(forkSmall / forkLarge).toFixed(2)} (target ≤ 2)`,
      },
      {
        name: `BranchFork, source of ${LARGE} keys`,
        stratum: forkLarge,
        raw: rawPut,
        rawLabel: 'put, awaited',
        target: { kind: 'rate', min: 500 },
        note: `${(1000 / forkLarge).toFixed(3)} ms per fork, ${(1000 / forkSmall).toFixed(3)} ms with ${SMALL} keys (target ≤ 2 ms for both)`,
      },
      {
        name: `BranchExport, ${exported.value.entryCount} items`,
        stratum: exportRate,
        raw: rawBatch,
        rawLabel: 'raw batch put of the same keys',
        note: `items/s; bundle ${(exported.value.bundleSize / 1e6).toFixed(1)} MB`,
      },
      { name: `BranchImport, ${imported.value.keysWritten} items`, stratum: importRate, raw: rawBatch, rawLabel: 'raw batch put of the same keys', note: 'items/s' },
      { name: 'kvGet on a fork (inherited keys)', stratum: onFork, raw: onParent, rawLabel: 'kvGet on its parent', target: { kind: 'ratio', min: 0.7 } },
      {
        name: `BranchDiff, ${CHANGED} changed keys of ${LARGE}`,
        stratum: diff,
        rawLabel: 'n/a',
        target: { kind: 'rate', min: 50 },
        note: `${(1000 / diff).toFixed(2)} ms per diff (target ≤ 20 ms)`,
      },
    ];
  } finally {
    await small.close();
    await large.close();
    await raw.close();
  }
}
