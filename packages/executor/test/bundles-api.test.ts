import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Stratum } from '../src/index.js';
import { code, fill, view } from './branch-helpers.js';
import { tempDir } from './helpers.js';

/** Every version of the items `fill` writes, in every space: values, deletion marks and per-item counters. */
async function histories(db: Stratum, branch: string): Promise<unknown> {
  const h = db.newHandle();
  try {
    await h.setBranch(branch);
    const out: Record<string, unknown> = {};
    for (const space of ['default', 'work']) {
      out[space] = await h.inSpace(space, async (s) => ({
        kv: (await s.kvGetv('k'))?.map((v) => [v.value, v.deleted === true]),
        json: (await s.jsonGetv('doc'))?.map((v) => [v.value, v.version]),
        state: (await s.stateGetv('cell'))?.map((v) => [v.value, v.version]),
        vector: await s.vectorGet('docs', 'v-base').then((v) => v && [v.embedding, v.metadata, v.version]),
      }));
    }
    return out;
  } finally {
    await h.close();
  }
}

/** A database with a branch `proj` holding every primitive in two spaces, with histories and deletions. */
async function project(): Promise<{ db: Stratum; dir: string }> {
  const dir = await tempDir();
  const db = await Stratum.open(join(dir, 'db'));
  await db.createBranch('proj');
  await db.setBranch('proj');
  const work = await db.inSpace('work', (w) => w);
  for (const s of [db, work]) {
    await fill(s, 'base');
    await fill(s, 'again');
    await s.kvDelete('k');
    await s.kvPut('k', 'last');
    await s.stateDelete('cell');
    await s.stateSet('cell', 'reborn');
    await s.vectorUpsert('docs', 'v-base', [0, 1], { moved: true });
  }
  await db.execute({ type: 'SpaceCreate', space: 'empty' });
  await db.setBranch('default');
  return { db, dir };
}

describe('bundles through the typed API', () => {
  it('round-trips a branch: every primitive and space, histories included', async () => {
    const { db, dir } = await project();
    const before = { view: await view(db, 'proj', ['default', 'work', 'empty']), histories: await histories(db, 'proj') };
    expect(before.histories).toMatchObject({
      work: {
        kv: [['last', false], [null, true], ['again', false], ['base', false]],
        state: [['reborn', 1], [null, 0], ['again', 2], ['base', 1]],
        vector: [[0, 1], { moved: true }, 2],
      },
    });
    const path = join(dir, 'proj.bundle');
    const exported = await db.exportBranch('proj', path);
    expect(exported).toEqual({ branch: 'proj', path, entryCount: expect.any(Number), bundleSize: (await readFile(path)).length });
    expect(await db.validateBundle(path)).toEqual({ branch: 'proj', formatVersion: expect.any(Number), entryCount: exported.entryCount, checksumsValid: true });
    expect(await code(db.importBranch(path))).toBe('BranchExists');
    await db.deleteBranch('proj');
    expect(await db.importBranch(path)).toEqual({ branch: 'proj', transactionsApplied: expect.any(Number), keysWritten: expect.any(Number) });
    expect({ view: await view(db, 'proj', ['default', 'work', 'empty']), histories: await histories(db, 'proj') }).toEqual(before);
    await db.close();

    const reopened = await Stratum.open(join(dir, 'db'));
    expect(await histories(reopened, 'proj')).toEqual(before.histories);
    await reopened.close();
  });

  it('exports what a fork sees; imported, it no longer follows its old parent', async () => {
    const dir = await tempDir();
    const db = await Stratum.cache();
    await fill(db, 'base');
    await db.forkBranch('fork');
    const fork = db.newHandle();
    await fork.setBranch('fork');
    await fill(fork, 'fork');
    await fork.close();
    const seen = await view(db, 'fork');
    await db.exportBranch('fork', join(dir, 'fork.bundle'));
    await db.deleteBranch('fork');
    await db.importBranch(join(dir, 'fork.bundle'));
    expect(await view(db, 'fork')).toEqual(seen);
    expect((await db.getBranch('fork'))?.info).toMatchObject({ parentId: null, forkVersion: null });
    await fill(db, 'parent-later');
    expect(await view(db, 'fork')).toEqual(seen);
    await db.close();
  });

  it('refuses to overwrite a file, to write into a missing directory, and to export a missing branch', async () => {
    const dir = await tempDir();
    const db = await Stratum.cache();
    await fill(db, 'base');
    await writeFile(join(dir, 'taken.bundle'), 'precious');
    expect(await code(db.exportBranch('default', join(dir, 'taken.bundle')))).toBe('InvalidInput');
    expect(await readFile(join(dir, 'taken.bundle'), 'utf8')).toBe('precious');
    expect(await code(db.exportBranch('default', join(dir, 'missing', 'x.bundle')))).toBe('Io');
    expect(await code(db.exportBranch('nope', join(dir, 'nope.bundle')))).toBe('BranchNotFound');
    expect(await code(db.importBranch(join(dir, 'absent.bundle')))).toBe('Io');
    expect(await code(db.validateBundle(join(dir, 'absent.bundle')))).toBe('Io');
    expect(await readdir(dir)).toEqual(['taken.bundle']);
    await db.close();
  });

  const damage: [string, (b: Buffer) => Buffer][] = [
    ['an empty file', () => Buffer.alloc(0)],
    ['only the magic bytes', (b) => b.subarray(0, 8)],
    ['the first half', (b) => b.subarray(0, b.length >> 1)],
    ['all but the last byte', (b) => b.subarray(0, b.length - 1)],
    ['a trailing byte', (b) => Buffer.concat([b, Buffer.of(0)])],
    ['a wrong magic', (b) => flip(b, 0)],
    ['a wrong format version', (b) => flip(b, 8)],
    ['a flipped byte at 1/4', (b) => flip(b, b.length >> 2)],
    ['a flipped byte at 1/2', (b) => flip(b, b.length >> 1)],
    ['a flipped byte at 3/4', (b) => flip(b, (b.length * 3) >> 2)],
    ['a flipped last byte', (b) => flip(b, b.length - 1)],
    ['text instead of a bundle', () => Buffer.from('{"branch": "proj"}\n')],
  ];

  it.each(damage)('rejects a bundle with %s (InvalidInput) and imports nothing', async (_what, spoil) => {
    const { db, dir } = await project();
    const good = join(dir, 'good.bundle');
    await db.exportBranch('proj', good);
    await db.deleteBranch('proj');
    const bad = join(dir, 'bad.bundle');
    await writeFile(bad, spoil(await readFile(good)));
    const before = { branches: await db.listBranches(), version: db.engine.db.version, info: await db.execute({ type: 'Info' }) };
    expect(await code(db.validateBundle(bad))).toBe('InvalidInput');
    expect(await code(db.importBranch(bad))).toBe('InvalidInput');
    const after = { branches: await db.listBranches(), version: db.engine.db.version, info: await db.execute({ type: 'Info' }) };
    expect({ ...after, info: { ...after.info.value, uptimeSecs: 0 } }).toEqual({ ...before, info: { ...before.info.value, uptimeSecs: 0 } });
    expect(await db.branchExists('proj')).toBe(false);
    // The good bundle still imports afterwards.
    expect((await db.importBranch(good)).branch).toBe('proj');
    await db.close();
    expect(existsSync(bad)).toBe(true);
  });
});

function flip(b: Buffer, at: number): Buffer {
  const out = Buffer.from(b);
  out[at] = (out[at] as number) ^ 0xff;
  return out;
}
