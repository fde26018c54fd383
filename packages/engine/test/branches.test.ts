import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@stratum/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { candidateItems } from '../src/branch-items.js';
import { Engine, eventKey as eventKeyOf } from '../src/index.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function onDisk(dir?: string): Promise<{ engine: Engine; dir: string }> {
  const d = dir ?? (await mkdtemp(join(tmpdir(), 'stratum-branches-')));
  if (dir === undefined) dirs.push(d);
  return { engine: await Engine.open({ store: await openStore({ dir: d }), durability: 'standard' }), dir: d };
}

const inMemory = async () => Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });

let clock = 1000;
const at = () => (clock += 10);

/** Everything a branch sees in one space, per primitive, for equality checks. */
async function snapshot(engine: Engine, branch: string, space: string) {
  const s = engine.scope(branch, space);
  const kv = Object.fromEntries((await engine.kv.list(s, {})).map((k) => [k, engine.kv.get(s, k)?.value]));
  const state = Object.fromEntries((await engine.state.list(s, {})).map((c) => [c, engine.state.get(s, c)?.value]));
  const events = Array.from({ length: engine.events.len(s) }, (_, i) => engine.events.get(s, i)?.value);
  const json = (await engine.json.list(s, { limit: 1000 })).keys;
  const collections = (await engine.vectors.listCollections(s)).map((c) => [c.name, c.count]);
  return { kv, state, events, json, collections };
}

describe('copy-on-write branches', () => {
  it('isolates a fork from its parent in both directions, for every primitive and space', async () => {
    const engine = await inMemory();
    for (const space of ['default', 'work']) {
      const s = engine.scope('default', space);
      await engine.kv.put(s, 'k', 'parent', at());
      await engine.state.set(s, 'c', 1, at());
      await engine.events.append(s, 't', { n: 0 }, at());
      await engine.json.set(s, 'doc', '$', { a: 1 }, at());
      await engine.vectors.createCollection(s, 'col', 2, 'cosine', at());
      await engine.vectors.upsert(s, 'col', { key: 'v', vector: [1, 0] }, at());
    }
    const before = { d: await snapshot(engine, 'default', 'default'), w: await snapshot(engine, 'default', 'work') };
    await engine.branches.fork('default', 'f', at());
    expect(await snapshot(engine, 'f', 'default')).toEqual(before.d);
    expect(await snapshot(engine, 'f', 'work')).toEqual(before.w);

    for (const [branch, tag] of [['default', 'P'], ['f', 'F']] as const) {
      const s = engine.scope(branch, 'work');
      await engine.kv.put(s, 'k', tag, at());
      await engine.kv.put(s, `only-${tag}`, 1, at());
      await engine.state.set(s, 'c', tag, at());
      await engine.events.append(s, tag, { n: 1 }, at());
      await engine.json.set(s, 'doc', '$.a', tag, at());
      await engine.vectors.upsert(s, 'col', { key: `v-${tag}`, vector: [0, 1] }, at());
    }
    const parent = await snapshot(engine, 'default', 'work');
    const fork = await snapshot(engine, 'f', 'work');
    expect(parent.kv).toEqual({ k: 'P', 'only-P': 1 });
    expect(fork.kv).toEqual({ k: 'F', 'only-F': 1 });
    expect(parent.events).toEqual([{ n: 0 }, { n: 1 }]);
    expect(fork.state).toEqual({ c: 'F' });
    expect(engine.json.get(engine.scope('f', 'work'), 'doc', '$.a')?.value).toBe('F');
    const hits = await engine.vectors.search(engine.scope('f', 'work'), 'col', { query: [0, 1], k: 10 });
    expect(hits.map((h) => h.key).sort()).toEqual(['v', 'v-F']);
    // The untouched space still reads the parent's data as of the fork.
    expect(await snapshot(engine, 'f', 'default')).toEqual(before.d);
  });

  it('hides a parent deletion from the fork and a fork deletion from the parent', async () => {
    const engine = await inMemory();
    const p = engine.scope('default', 'default');
    await engine.kv.put(p, 'a', 1, at());
    await engine.kv.put(p, 'b', 2, at());
    await engine.branches.fork('default', 'f', at());
    const f = engine.scope('f', 'default');
    await engine.kv.delete(p, 'a', at());
    await engine.kv.delete(f, 'b', at());
    expect(await engine.kv.list(p, {})).toEqual(['b']);
    expect(await engine.kv.list(f, {})).toEqual(['a']);
    expect(engine.kv.get(f, 'b')).toBeNull();
    expect(engine.kv.get(f, 'a')?.value).toBe(1);
  });

  it('forks a fork, each level seeing its own view', async () => {
    const engine = await inMemory();
    const s = (b: string) => engine.scope(b, 'default');
    await engine.kv.put(s('default'), 'k', 0, at());
    await engine.branches.fork('default', 'f1', at());
    await engine.kv.put(s('f1'), 'k', 1, at());
    await engine.branches.fork('f1', 'f2', at());
    await engine.kv.put(s('f1'), 'k', 11, at());
    await engine.kv.put(s('default'), 'k', 100, at());
    await engine.kv.put(s('f2'), 'extra', true, at());
    expect([s('default'), s('f1'), s('f2')].map((x) => engine.kv.get(x, 'k')?.value)).toEqual([100, 11, 1]);
    expect(await engine.kv.list(s('f2'), {})).toEqual(['extra', 'k']);
    expect(await engine.kv.list(s('f1'), {})).toEqual(['k']);
    // History on the fork of a fork: its ancestors' versions up to each fork point.
    const history = await engine.kv.history(s('f2'), 'k');
    expect(history?.map((h) => h.value)).toEqual([1, 0]);
  });

  it('answers asOf reads on a fork from the parent before the fork point', async () => {
    const engine = await inMemory();
    const p = engine.scope('default', 'default');
    await engine.kv.put(p, 'k', 'v1', at());
    const t1 = clock;
    await engine.kv.put(p, 'k', 'v2', at());
    await engine.branches.fork('default', 'f', at());
    const forkTime = clock;
    await engine.kv.put(p, 'k', 'v3', at());
    const f = engine.scope('f', 'default');
    expect((await engine.kv.getAsOf(f, 'k', t1))?.value).toBe('v1');
    expect((await engine.kv.getAsOf(f, 'k', forkTime + 1000))?.value).toBe('v2');
    expect(await engine.kv.list(f, { asOf: clock + 1 })).toEqual(['k']);
  });

  it('pages through a fork whose own records interleave with its parent’s', async () => {
    const engine = await inMemory();
    const p = engine.scope('default', 'default');
    for (let i = 0; i < 300; i++) await engine.kv.put(p, `k${String(i).padStart(3, '0')}`, i, at());
    await engine.branches.fork('default', 'f', at());
    const f = engine.scope('f', 'default');
    for (let i = 0; i < 300; i += 3) await engine.kv.delete(f, `k${String(i).padStart(3, '0')}`, at());
    for (let i = 1; i < 300; i += 3) await engine.kv.delete(p, `k${String(i).padStart(3, '0')}`, at());
    const all: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await engine.kv.list(f, { limit: 7, ...(cursor !== undefined ? { cursor } : {}) });
      all.push(...page);
      if (page.length < 7) break;
      cursor = page[page.length - 1];
    }
    expect(all).toHaveLength(200);
    expect(all).toEqual(await engine.kv.list(f, {}));
    expect(all.every((k) => Number(k.slice(1)) % 3 !== 0)).toBe(true);
  });

  it('deletes a branch with every space; a re-created name starts empty', async () => {
    const engine = await inMemory();
    await engine.branches.create('b', at());
    const s = engine.scope('b', 'work');
    await engine.kv.put(s, 'k', 1, at());
    await engine.vectors.createCollection(s, 'col', 2, 'euclidean', at());
    await engine.vectors.upsert(s, 'col', { key: 'v', vector: [1, 1] }, at());
    await engine.branches.delete('b', at());
    expect(engine.branches.exists('b')).toBe(false);
    await engine.branches.create('b', at());
    expect(await engine.spaces.list('b')).toEqual(['default']);
    expect(engine.kv.get(engine.scope('b', 'work'), 'k')).toBeNull();
    expect(await engine.vectors.listCollections(engine.scope('b', 'work'))).toEqual([]);
  });

  it('keeps a deleted parent’s data while a fork reads it, and drops it with the last fork', async () => {
    const { engine } = await onDisk();
    await engine.branches.create('p', at());
    await engine.kv.put(engine.scope('p', 'default'), 'k', 'from p', at());
    await engine.branches.fork('p', 'child', at());
    await engine.branches.delete('p', at());
    expect(engine.kv.get(engine.scope('child', 'default'), 'k')?.value).toBe('from p');
    await engine.branches.create('p', at());
    expect(engine.kv.get(engine.scope('p', 'default'), 'k')).toBeNull();
    await engine.branches.delete('child', at());
    expect(await engine.branches.list()).toEqual(['default', 'p']);
    // Nothing of the old parent or the child is left in storage.
    expect(await engine.db.store.scan(Buffer.from('b'), { tombstones: true })).toHaveLength(0);
    expect(await engine.db.store.scanHistory(Buffer.from('b'))).toHaveLength(0);
    await engine.close();
  });

  it('keeps branches, forks and their contents across a restart', async () => {
    const first = await onDisk();
    const p = first.engine.scope('default', 'default');
    await first.engine.kv.put(p, 'k', 'before', at());
    await first.engine.branches.fork('default', 'f', at());
    await first.engine.branches.fork('f', 'g', at());
    await first.engine.kv.put(p, 'k', 'after', at());
    await first.engine.kv.put(first.engine.scope('f', 'x'), 'own', 1, at());
    await first.engine.close();
    const { engine } = await onDisk(first.dir);
    expect(await engine.branches.list()).toEqual(['default', 'f', 'g']);
    expect(engine.branches.info('g')).toMatchObject({ parentName: 'f' });
    expect(engine.kv.get(engine.scope('f', 'default'), 'k')?.value).toBe('before');
    expect(engine.kv.get(engine.scope('g', 'default'), 'k')?.value).toBe('before');
    expect(engine.kv.get(engine.scope('default', 'default'), 'k')?.value).toBe('after');
    expect(await engine.spaces.list('f')).toEqual(['default', 'x']);
    expect(await engine.spaces.list('g')).toEqual(['default']);
    await engine.close();
  });
});

describe('diff and merge', () => {
  it('merges writes and deletes of every space into the target in one commit', async () => {
    const engine = await inMemory();
    const p = engine.scope('default', 'default');
    await engine.kv.put(p, 'keep', 1, at());
    await engine.kv.put(p, 'gone', 1, at());
    await engine.branches.fork('default', 'f', at());
    await engine.kv.delete(engine.scope('f', 'default'), 'gone', at());
    await engine.kv.put(engine.scope('f', 'new-space'), 'n', 1, at());
    await engine.events.append(engine.scope('f', 'default'), 'from-f', {}, at());
    await engine.events.append(p, 'from-p', {}, at());
    const before = engine.db.version;
    const result = await engine.merger.merge('f', 'default', 'strict', at());
    expect(engine.db.version).toBe(before + 1);
    // One KV key and one appended event applied, one key deleted.
    expect(result).toMatchObject({ keysApplied: 2, keysDeleted: 1, conflicts: [], spacesMerged: ['default', 'new-space'] });
    expect(await engine.kv.list(p, {})).toEqual(['keep']);
    expect(await engine.spaces.list('default')).toEqual(['default', 'new-space']);
    expect([0, 1].map((i) => engine.events.get(p, i)?.value)).toEqual([{}, {}]);
    // A second merge finds nothing new: the first one is its base.
    expect(await engine.merger.merge('f', 'default', 'strict', at())).toMatchObject({ keysApplied: 0, keysDeleted: 0, spacesMerged: [] });
    expect(engine.events.len(p)).toBe(2);
  });

  it('fails a strict merge with a conflict and changes nothing; last_writer_wins applies and reports it', async () => {
    const engine = await inMemory();
    const p = engine.scope('default', 'default');
    await engine.kv.put(p, 'k', 0, at());
    await engine.branches.fork('default', 'f', at());
    await engine.kv.put(p, 'k', 'target', at());
    await engine.kv.put(engine.scope('f', 'default'), 'k', 'source', at());
    await engine.kv.put(engine.scope('f', 'default'), 'same', 1, at());
    await engine.kv.put(p, 'same', 1, at());
    const version = engine.db.version;
    await expect(engine.merger.merge('f', 'default', 'strict', at())).rejects.toMatchObject({ code: 'Conflict' });
    expect(engine.db.version).toBe(version);
    expect(engine.kv.get(p, 'k')?.value).toBe('target');
    const lww = await engine.merger.merge('f', 'default', 'last_writer_wins', at());
    expect(lww.conflicts).toEqual([{ space: 'default', primitive: 'kv', key: 'k' }]);
    expect(engine.kv.get(p, 'k')?.value).toBe('source');
  });

  it('diffs a large fork by its few changes', async () => {
    const engine = await inMemory();
    const p = engine.scope('default', 'default');
    await engine.kv.batchPut(p, Array.from({ length: 2000 }, (_, i) => ({ key: `k${i}`, value: i })), at());
    await engine.branches.fork('default', 'f', at());
    const f = engine.scope('f', 'default');
    await engine.kv.put(f, 'k1', 'changed', at());
    await engine.kv.delete(f, 'k2', at());
    await engine.kv.put(f, 'fresh', 1, at());
    await engine.kv.put(p, 'k3', 'parent-changed', at());
    const diff = await engine.merger.diff('default', 'f');
    expect(diff.spaces).toEqual([
      {
        space: 'default',
        added: [{ primitive: 'kv', key: 'fresh' }],
        removed: [{ primitive: 'kv', key: 'k2' }],
        modified: [{ primitive: 'kv', key: 'k1' }, { primitive: 'kv', key: 'k3' }],
      },
    ]);
    expect(diff.summary).toEqual({ added: 1, removed: 1, modified: 2 });
    // Only the records the fork holds of its own are compared, not the 2,000 it inherits.
    const fork = engine.branches.require('f');
    expect((await candidateItems(engine.db, engine.branches.require('default'), fork)).size).toBe(4);
  });

  it('exchanges events both ways across repeated merges, each event once', async () => {
    const engine = await inMemory();
    const d = engine.scope('default', 'default');
    await engine.events.append(d, 'base', {}, at());
    await engine.branches.fork('default', 'b', at());
    const b = engine.scope('b', 'default');
    await engine.events.append(b, 'e1', {}, at());
    await engine.events.append(d, 'a1', {}, at());
    await engine.merger.merge('default', 'b', 'strict', at());
    await engine.merger.merge('b', 'default', 'strict', at());
    await engine.events.append(b, 'e2', {}, at());
    await engine.merger.merge('b', 'default', 'strict', at());
    await engine.merger.merge('default', 'b', 'strict', at());
    const logOf = (s: typeof d) =>
      Array.from({ length: engine.events.len(s) }, (_, i) => (engine.db.read(eventKeyOf(s, i))?.value as { type: string }).type);
    expect(logOf(d)).toEqual(['base', 'a1', 'e1', 'e2']);
    expect(logOf(b)).toEqual(['base', 'e1', 'a1', 'e2']);
  });

  it('keeps a fork seeing a negative zero its parent then overwrote', async () => {
    const engine = await inMemory();
    const p = engine.scope('default', 'default');
    await engine.kv.put(p, 'k', { z: -0 }, at());
    await engine.branches.fork('default', 'f', at());
    await engine.kv.put(p, 'k', 1, at());
    const seen = engine.kv.get(engine.scope('f', 'default'), 'k')?.value as { z: number };
    expect(Object.is(seen.z, -0)).toBe(true);
  });

  it('finishes a merge while another branch takes a steady stream of writes', async () => {
    const engine = await inMemory();
    await engine.kv.batchPut(engine.scope('default', 'default'), Array.from({ length: 500 }, (_, i) => ({ key: `k${i}`, value: i })), at());
    await engine.branches.fork('default', 'f', at());
    await engine.kv.batchPut(engine.scope('f', 'default'), Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: -i - 1 })), at());
    await engine.branches.create('other', at());
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) await engine.kv.put(engine.scope('other', 'default'), `w${i}`, i, at());
    })();
    const merged = await engine.merger.merge('f', 'default', 'strict', at());
    writing = false;
    await writer;
    expect(merged.keysApplied).toBe(100);
  });

  it('answers BranchNotFound to a merge whose target is deleted meanwhile, and deletes a fork and its parent together', async () => {
    const engine = await inMemory();
    await engine.kv.put(engine.scope('default', 'default'), 'k', 1, at());
    await engine.branches.fork('default', 's', at());
    await engine.kv.put(engine.scope('s', 'default'), 'k', 2, at());
    await engine.branches.fork('default', 't', at());
    const [merge, del] = await Promise.allSettled([engine.merger.merge('s', 't', 'strict', at()), engine.branches.delete('t', at())]);
    expect(del.status).toBe('fulfilled');
    expect(merge).toMatchObject({ status: 'rejected', reason: { code: 'BranchNotFound' } });
    await engine.branches.create('p', at());
    await engine.branches.fork('p', 'c', at());
    const deletes = await Promise.allSettled([engine.branches.delete('c', at()), Promise.resolve().then(() => engine.branches.delete('p', at()))]);
    expect(deletes.map((d) => d.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(await engine.branches.list()).toEqual(['default', 's']);
  });
});
