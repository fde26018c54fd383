import { describe, expect, it } from 'vitest';
import { Stratum } from '../src/index.js';
import { code, fill, view } from './branch-helpers.js';
import { tempDir } from './helpers.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const names = async (db: Stratum) => (await db.listBranches()).map((b) => b.info.id);

describe('branch lifecycle through the typed API', () => {
  it('creates, gets, lists, pages and deletes branches', async () => {
    const db = await Stratum.cache();
    const created = await db.createBranch('feature', { metadata: { owner: 'me' } });
    expect(created.info).toEqual({ id: 'feature', status: 'active', createdAt: expect.any(Number), updatedAt: created.info.createdAt, parentId: null, forkVersion: null });
    expect(created.version).toBe(db.engine.db.version);
    expect(await db.getBranch('feature')).toEqual({ info: created.info, version: created.version, timestamp: created.info.createdAt });
    expect(await db.getBranch('nope')).toBeNull();
    expect(await db.branchExists('feature')).toBe(true);
    expect(await db.branchExists('default')).toBe(true);
    for (const n of ['b', 'a', 'Z', 'é']) await db.createBranch(n);
    expect(await names(db)).toEqual(['Z', 'a', 'b', 'default', 'feature', 'é']);
    expect((await db.listBranches({ offset: 1, limit: 2 })).map((b) => b.info.id)).toEqual(['a', 'b']);
    expect(await db.listBranches({ offset: 6 })).toEqual([]);
    expect(await db.listBranches({ limit: 0 })).toEqual([]);
    await db.deleteBranch('feature');
    expect(await db.branchExists('feature')).toBe(false);
    await db.close();
  });

  it('names an omitted branch with a random UUID v4', async () => {
    const db = await Stratum.cache();
    const a = await db.createBranch();
    const b = await db.createBranch();
    expect(a.info.id).toMatch(UUID_V4);
    expect(b.info.id).toMatch(UUID_V4);
    expect(a.info.id).not.toBe(b.info.id);
    expect(await db.branchExists(a.info.id)).toBe(true);
    await db.close();
  });

  it.each([
    ['an empty name', () => ['', 'InvalidInput'] as const],
    ['whitespace only', () => [' \u3000 ', 'InvalidInput'] as const],
    ['a NUL', () => ['a\0b', 'InvalidInput'] as const],
    ['a control character', () => ['a\u0007', 'InvalidInput'] as const],
    ['256 bytes', () => ['é'.repeat(128), 'InvalidInput'] as const],
    ['a taken name', () => ['taken', 'BranchExists'] as const],
    ['default', () => ['default', 'BranchExists'] as const],
  ])('refuses to create a branch with %s and changes nothing', async (_what, input) => {
    const [name, expected] = input();
    const db = await Stratum.cache();
    await db.createBranch('taken');
    await db.inSpace('work', (s) => s.kvPut('k', 1));
    const before = { branches: await db.listBranches(), version: db.engine.db.version, taken: await view(db, 'taken') };
    expect(await code(db.createBranch(name))).toBe(expected);
    expect(await code(db.forkBranch(name))).toBe(expected);
    expect({ branches: await db.listBranches(), version: db.engine.db.version, taken: await view(db, 'taken') }).toEqual(before);
    await db.close();
  });

  it.each([
    ['default', 'ConstraintViolation'],
    ['missing', 'BranchNotFound'],
  ])('deleteBranch(%j) fails with %s and changes nothing', async (name, expected) => {
    const db = await Stratum.cache();
    await fill(db, 'd');
    const before = await view(db, 'default');
    expect(await code(db.deleteBranch(name))).toBe(expected);
    expect(await view(db, 'default')).toEqual(before);
    expect(await names(db)).toEqual(['default']);
    await db.close();
  });
});

describe('handles and branches', () => {
  it('each handle keeps its own branch; views and sessions start on their parent handle branch', async () => {
    const db = await Stratum.cache();
    await db.createBranch('feature');
    await db.setBranch('feature');
    const other = db.newHandle();
    expect(db.currentBranch).toBe('feature');
    expect(other.currentBranch).toBe('default');
    await db.kvPut('k', 'from feature handle');
    await other.kvPut('k', 'from default handle');
    expect((await db.kvGet('k'))?.value).toBe('from feature handle');
    expect((await other.kvGet('k'))?.value).toBe('from default handle');
    expect(await db.inSpace('work', async (s) => [s.currentBranch, await s.kvPut('w', 1)])).toEqual(['feature', expect.any(Number)]);
    expect(await other.inSpace('work', (s) => s.kvGet('w'))).toBeNull();
    expect(db.session().defaults.branch).toBe('feature');
    await other.setBranch('feature');
    expect((await other.kvGet('k'))?.value).toBe('from feature handle');
    await other.close();
    await db.close();
  });

  it('setBranch requires the branch to exist and stays put otherwise', async () => {
    const db = await Stratum.cache();
    expect(await code(db.setBranch('missing'))).toBe('BranchNotFound');
    expect(db.currentBranch).toBe('default');
    await db.createBranch('gone');
    await db.setBranch('gone');
    const other = db.newHandle();
    await other.deleteBranch('gone');
    await other.close();
    expect(await code(db.kvGet('k'))).toBe('BranchNotFound');
    expect(await code(db.kvPut('k', 1))).toBe('BranchNotFound');
    await db.setBranch('default');
    expect(await db.kvGet('k')).toBeNull();
    await db.close();
  });

  it('forkBranch forks the handle branch unless told, and mergeBranches merges into it', async () => {
    const db = await Stratum.cache();
    await db.createBranch('base');
    await db.setBranch('base');
    await db.kvPut('k', 'base');
    const fork = await db.forkBranch('child');
    expect(fork).toEqual({ source: 'base', destination: 'child', forkVersion: expect.any(Number), spaces: ['default'] });
    expect((await db.getBranch('child'))?.info).toMatchObject({ parentId: 'base', forkVersion: fork.forkVersion });
    expect(db.currentBranch).toBe('base');
    const child = db.newHandle();
    await child.setBranch('child');
    await child.kvPut('k', 'child');
    expect(await db.mergeBranches('child')).toEqual({ source: 'child', target: 'base', keysApplied: 1, keysDeleted: 0, conflicts: [], spacesMerged: ['default'] });
    expect((await db.kvGet('k'))?.value).toBe('child');
    expect((await db.forkBranch('from-default', { source: 'default' })).source).toBe('default');
    await child.close();
    await db.close();
  });
});

describe('forks through the typed API', () => {
  it('isolates every primitive in every space, in both directions, through forks of forks', async () => {
    const db = await Stratum.cache();
    await fill(db, 'base');
    await db.inSpace('work', (s) => fill(s, 'base'));
    const base = await view(db, 'default');
    await db.forkBranch('fork');
    expect(await view(db, 'fork')).toEqual(base);

    await fill(db, 'source-after');
    await db.inSpace('work', (s) => fill(s, 'source-after'));
    await db.inSpace('source-only', (s) => s.kvPut('x', 1));
    expect(await view(db, 'fork')).toEqual(base);

    const fork = db.newHandle();
    await fork.setBranch('fork');
    const sourceNow = await view(db, 'default');
    await fill(fork, 'fork-after');
    await fork.inSpace('work', (s) => fill(s, 'fork-after'));
    await fork.inSpace('fork-only', (s) => s.kvPut('y', 1));
    expect(await view(db, 'default')).toEqual(sourceNow);
    const forkNow = await view(db, 'fork');
    expect(forkNow).not.toEqual(base);

    await fork.forkBranch('grandchild');
    expect(await view(db, 'grandchild')).toEqual(forkNow);
    const grand = db.newHandle();
    await grand.setBranch('grandchild');
    await fill(grand, 'grand');
    expect(await view(db, 'fork')).toEqual(forkNow);
    await fork.kvPut('k', 'fork-again');
    expect((await grand.kvGet('k'))?.value).toBe('grand');
    expect((await db.kvGet('k'))?.value).toBe('source-after');
    await grand.close();
    await fork.close();
    await db.close();
  });

  it('diffs and merges: strict conflicts change nothing, last_writer_wins reports them', async () => {
    const db = await Stratum.cache();
    await db.kvPut('k', 'base');
    await db.kvPut('gone', 1);
    await db.forkBranch('f');
    const f = db.newHandle();
    await f.setBranch('f');
    await f.kvPut('k', 'f');
    await f.kvDelete('gone');
    await db.kvPut('k', 'default');
    expect(await db.diffBranches('default', 'f')).toEqual({
      branchA: 'default',
      branchB: 'f',
      spaces: [{ space: 'default', added: [], removed: [{ primitive: 'kv', key: 'gone' }], modified: [{ primitive: 'kv', key: 'k' }] }],
      summary: { added: 0, removed: 1, modified: 1 },
    });
    expect((await db.diffBranches('default', 'f', { space: 'work' })).spaces).toEqual([]);
    const before = [await view(db, 'default'), await view(db, 'f')];
    expect(await code(db.mergeBranches('f'))).toBe('Conflict');
    expect(await code(db.mergeBranches('f', { strategy: 'strict' }))).toBe('Conflict');
    expect([await view(db, 'default'), await view(db, 'f')]).toEqual(before);
    expect(await db.mergeBranches('f', { strategy: 'last_writer_wins' })).toEqual({
      source: 'f', target: 'default', keysApplied: 1, keysDeleted: 1, conflicts: [{ space: 'default', primitive: 'kv', key: 'k' }], spacesMerged: ['default'],
    });
    expect(await view(db, 'default')).toEqual(await view(db, 'f'));
    await f.close();
    await db.close();
  });

  it('reports the time range of a branch user data', async () => {
    const db = await Stratum.cache();
    expect(await db.timeRange()).toEqual({ oldestTs: null, latestTs: null });
    await db.kvPut('a', 1);
    await db.inSpace('work', (s) => s.stateSet('c', 1));
    const a = (await db.kvGet('a'))?.timestamp;
    const c = (await db.inSpace('work', (s) => s.stateGet('c')))?.timestamp;
    expect(await db.timeRange()).toEqual({ oldestTs: a, latestTs: c });
    await db.createBranch('empty');
    expect(await db.timeRange({ branch: 'empty' })).toEqual({ oldestTs: null, latestTs: null });
    expect(await code(db.timeRange({ branch: 'nope' }))).toBe('BranchNotFound');
    await db.close();
  });
});

describe('branches on disk', () => {
  it('keeps branches, forks, their contents and the merge history across a restart', async () => {
    const dir = await tempDir();
    let db = await Stratum.open(dir);
    await fill(db, 'base');
    await db.inSpace('work', (s) => fill(s, 'base'));
    await db.createBranch('empty');
    await db.forkBranch('fork');
    const fork = db.newHandle();
    await fork.setBranch('fork');
    await fill(fork, 'fork');
    await fork.forkBranch('grandchild');
    await fork.close();
    await db.mergeBranches('fork', { strategy: 'last_writer_wins' });
    const before = {
      branches: await db.listBranches(),
      views: await Promise.all(['default', 'empty', 'fork', 'grandchild'].map((b) => view(db, b))),
    };
    await db.close();

    db = await Stratum.open(dir);
    expect({
      branches: await db.listBranches(),
      views: await Promise.all(['default', 'empty', 'fork', 'grandchild'].map((b) => view(db, b))),
    }).toEqual(before);
    expect(await db.mergeBranches('fork')).toMatchObject({ keysApplied: 0, keysDeleted: 0, conflicts: [] });
    await db.kvPut('k', 'after restart');
    expect(await view(db, 'fork')).toEqual(before.views[2]);
    await db.deleteBranch('fork');
    expect(await view(db, 'grandchild')).toEqual(before.views[3]);
    await db.close();

    db = await Stratum.open(dir);
    expect(await names(db)).toEqual(['default', 'empty', 'grandchild']);
    expect(await view(db, 'grandchild')).toEqual(before.views[3]);
    await db.close();
  });

  it('a read-only database lists and reads branches but refuses branch writes', async () => {
    const dir = await tempDir();
    const db = await Stratum.open(dir);
    await db.createBranch('feature');
    await db.close();
    const ro = await Stratum.open(dir, { readOnly: true });
    expect(await names(ro)).toEqual(['default', 'feature']);
    expect(await code(ro.createBranch('x'))).toBe('AccessDenied');
    expect(await code(ro.forkBranch('x'))).toBe('AccessDenied');
    expect(await code(ro.deleteBranch('feature'))).toBe('AccessDenied');
    expect(await code(ro.mergeBranches('feature'))).toBe('AccessDenied');
    expect(await code(ro.exportBranch('feature', `${dir}/x.bundle`))).toBe('AccessDenied');
    expect(await names(ro)).toEqual(['default', 'feature']);
    await ro.close();
  });
});
