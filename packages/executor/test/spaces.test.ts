import { describe, expect, it } from 'vitest';
import { Stratum } from '../src/index.js';
import { tempDir } from './helpers.js';

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

describe('spaces (the spaces seed test list, KV primitive)', () => {
  it('opens on the default space', async () => {
    const db = await Stratum.cache();
    expect(db.currentSpace).toBe('default');
    expect(db.currentBranch).toBe('default');
    await db.close();
  });

  it('setSpace creates the space when missing', async () => {
    const db = await Stratum.cache();
    expect(await db.spaceExists('conversations')).toBe(false);
    await db.setSpace('conversations');
    expect(db.currentSpace).toBe('conversations');
    expect(await db.spaceExists('conversations')).toBe(true);
    expect(await db.listSpaces()).toEqual(['conversations', 'default']);
    await db.close();
  });

  it.each([['Conversations'], ['123-invalid'], [''], ['a'.repeat(65)], ['_system_embeddings'], ['has space']])(
    'setSpace rejects the invalid name %j and stays put',
    async (name) => {
      const db = await Stratum.cache();
      expect(await code(db.setSpace(name))).toBe('InvalidInput');
      expect(db.currentSpace).toBe('default');
      expect(await db.listSpaces()).toEqual(['default']);
      await db.close();
    },
  );

  it('keeps the same key independent across spaces', async () => {
    const db = await Stratum.cache();
    await db.kvPut('k', 'in default');
    await db.setSpace('a');
    expect(await db.kvGet('k')).toBeNull();
    await db.kvPut('k', 'in a');
    await db.setSpace('b');
    await db.kvPut('k', 'in b');
    expect((await db.kvGet('k'))?.value).toBe('in b');
    await db.setSpace('default');
    expect((await db.kvGet('k'))?.value).toBe('in default');
    expect(await db.inSpace('a', (s) => s.kvGet('k').then((v) => v?.value))).toBe('in a');
    expect(await db.inSpace('a', (s) => s.kvDelete('k'))).toBe(true);
    expect((await db.inSpace('b', (s) => s.kvGet('k')))?.value).toBe('in b');
    expect(await db.inSpace('b', (s) => s.kvList())).toEqual(['k']);
    await db.close();
  });

  it('lists spaces in byte order with default in its place and _system_ spaces hidden', async () => {
    const db = await Stratum.cache();
    for (const s of ['zeta', 'alpha', 'globex', 'acme-corp', 'initech']) await db.inSpace(s, (v) => v.kvPut('config', 1));
    expect(await db.listSpaces()).toEqual(['acme-corp', 'alpha', 'default', 'globex', 'initech', 'zeta']);
    await db.close();
  });

  it('deletes an empty space, refuses a non-empty one, force-deletes everything in it', async () => {
    const db = await Stratum.cache();
    await db.setSpace('empty');
    await db.setSpace('full');
    await db.kvPut('a', 1);
    await db.kvPut('b', 2);
    await db.setSpace('default');
    await db.deleteSpace('empty');
    expect(await db.spaceExists('empty')).toBe(false);
    expect(await code(db.deleteSpace('full'))).toBe('ConstraintViolation');
    expect(await db.inSpace('full', (s) => s.kvList())).toEqual(['a', 'b']);
    await db.deleteSpaceForce('full');
    expect(await db.spaceExists('full')).toBe(false);
    expect(await db.inSpace('full', (s) => s.kvList())).toEqual([]);
    expect(await db.listSpaces()).toEqual(['default']);
    await db.close();
  });

  it('never deletes the default space', async () => {
    const db = await Stratum.cache();
    expect(await code(db.deleteSpace('default'))).toBe('ConstraintViolation');
    expect(await code(db.deleteSpaceForce('default'))).toBe('ConstraintViolation');
    expect(await db.spaceExists('default')).toBe(true);
    await db.close();
  });

  it('survives a restart', async () => {
    const dir = await tempDir();
    let db = await Stratum.open(dir);
    await db.setSpace('conversations');
    const v = await db.kvPut('msg', { text: 'hi' });
    await db.close();
    db = await Stratum.open(dir);
    expect(await db.listSpaces()).toEqual(['conversations', 'default']);
    const got = await db.inSpace('conversations', (s) => s.kvGet('msg'));
    expect(got).toMatchObject({ value: { text: 'hi' }, version: v });
    expect(await db.kvPut('after', 1)).toBeGreaterThan(v);
    await db.close();
  });

  it('gives each handle its own space', async () => {
    const db = await Stratum.cache();
    const a = db.newHandle();
    const b = db.newHandle();
    await a.setSpace('conversations');
    await b.setSpace('tool-results');
    await Promise.all([a.kvPut('msg_001', 'hello'), b.kvPut('run_42', 'done')]);
    expect(a.currentSpace).toBe('conversations');
    expect(b.currentSpace).toBe('tool-results');
    expect(db.currentSpace).toBe('default');
    expect(await a.kvList()).toEqual(['msg_001']);
    expect(await b.kvList()).toEqual(['run_42']);
    expect(db.newHandle().currentSpace).toBe('default');
    await a.close();
    await b.close();
    expect((await db.inSpace('conversations', (s) => s.kvGet('msg_001')))?.value).toBe('hello');
    await db.close();
  });

  it('runs a command with no space field in the handle space, and one with a space field there', async () => {
    const db = await Stratum.cache();
    await db.setSpace('work');
    await db.execute({ type: 'KvPut', key: 'k', value: 1 });
    await db.execute({ type: 'KvPut', space: 'other', key: 'k', value: 2 });
    expect((await db.execute({ type: 'KvGet', key: 'k' })).value?.value).toBe(1);
    expect((await db.execute({ type: 'KvGet', key: 'k', space: 'other' })).value?.value).toBe(2);
    expect(await db.listSpaces()).toEqual(['default', 'other', 'work']);
    await db.close();
  });

  it('registers a space with its first write in the same commit, and not for a write that changes nothing', async () => {
    const db = await Stratum.cache();
    const before = db.engine.db.version;
    expect(await db.execute({ type: 'KvDelete', space: 'ghost', key: 'nope' })).toEqual({ type: 'Bool', value: false });
    expect(await db.spaceExists('ghost')).toBe(false);
    const v = await db.execute({ type: 'KvPut', space: 'fresh', key: 'k', value: 1 });
    expect(v.value).toBe(before + 1);
    const info = await db.execute({ type: 'SpaceInfo', space: 'fresh' });
    const got = await db.execute({ type: 'KvGet', space: 'fresh', key: 'k' });
    expect(info.createdAt).toBe(got.value?.timestamp);
    expect(info.counts.kv).toBe(1);
    await db.close();
  });

  it('answers SpaceInfo of a missing space with SpaceNotFound and checks names on every command', async () => {
    const db = await Stratum.cache();
    expect(await code(db.execute({ type: 'SpaceInfo', space: 'nope' }))).toBe('SpaceNotFound');
    expect(await code(db.execute({ type: 'KvGet', space: 'Bad Name', key: 'k' }))).toBe('InvalidInput');
    expect(await code(db.execute({ type: 'KvPut', space: '', key: 'k', value: 1 }))).toBe('InvalidInput');
    expect(await code(db.execute({ type: 'KvPut', branch: 'nope', key: 'k', value: 1 }))).toBe('BranchNotFound');
    expect(await db.listSpaces()).toEqual(['default']);
    await db.close();
  });
});
