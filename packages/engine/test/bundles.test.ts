import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@stratum/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stratum-bundles-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

let clock = 1000;
const at = () => (clock += 10);
const inMemory = async () => Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });

/** Everything a branch holds, histories included, in a form that compares across branches. */
async function contents(engine: Engine, branch: string) {
  const out: Record<string, unknown> = { spaces: await engine.spaces.list(branch) };
  for (const space of out['spaces'] as string[]) {
    const s = engine.scope(branch, space);
    const kv = await engine.kv.list(s, {});
    out[space] = {
      kv: await Promise.all(kv.map(async (k) => [k, await engine.kv.history(s, k)])),
      deleted: await engine.kv.history(s, 'deleted'),
      state: await Promise.all((await engine.state.list(s, {})).map(async (c) => [c, await engine.state.history(s, c)])),
      events: Array.from({ length: engine.events.len(s) }, (_, i) => engine.events.get(s, i)),
      json: await Promise.all((await engine.json.list(s, { limit: 100 })).keys.map(async (k) => [k, await engine.json.history(s, k)])),
      vectors: await engine.vectors.listCollections(s),
      search: (await engine.vectors.listCollections(s)).length > 0 ? await engine.vectors.search(s, 'col', { query: [1, 0], k: 5 }) : [],
    };
  }
  return out;
}

async function populate(engine: Engine, branch: string): Promise<void> {
  for (const space of ['default', 'notes']) {
    const s = engine.scope(branch, space);
    await engine.kv.put(s, 'k', 1, at());
    await engine.kv.put(s, 'k', { v: 2, bytes: new Uint8Array([0, 255]) }, at());
    await engine.kv.put(s, 'deleted', 'x', at());
    await engine.kv.delete(s, 'deleted', at());
    await engine.state.set(s, 'cell', 1, at());
    await engine.state.set(s, 'cell', 2, at());
    await engine.events.append(s, 'e', { n: 1 }, at());
    await engine.json.set(s, 'doc', '$', { a: [1, 2] }, at());
    await engine.json.set(s, 'doc', '$.a[0]', 9, at());
    await engine.vectors.createCollection(s, 'col', 2, 'cosine', at());
    await engine.vectors.upsert(s, 'col', { key: 'v', vector: [1, 0], metadata: { tag: space } }, at());
  }
}

describe('branch bundles', () => {
  it('round-trips a branch: export, delete, import gives every primitive, space and history back', async () => {
    const engine = await inMemory();
    await engine.branches.create('b', at());
    await populate(engine, 'b');
    const before = await contents(engine, 'b');
    const path = join(dir, 'b.bundle');
    const exported = await engine.bundles.export('b', path, at());
    expect(exported).toMatchObject({ branch: 'b', path });
    await engine.branches.delete('b', at());
    const imported = await engine.bundles.import(path, at());
    expect(imported).toMatchObject({ branch: 'b', keysWritten: exported.entryCount });
    expect(await contents(engine, 'b')).toEqual(before);
    // The imported branch takes new writes after its imported history.
    await engine.kv.put(engine.scope('b', 'default'), 'k', 'new', at());
    expect((await engine.kv.history(engine.scope('b', 'default'), 'k'))?.map((h) => h.value)).toEqual(['new', { v: 2, bytes: new Uint8Array([0, 255]) }, 1]);
    await engine.close();
  });

  it('exports a fork whole: its parent’s data and history up to the fork come along', async () => {
    const engine = await inMemory();
    await populate(engine, 'default');
    await engine.branches.fork('default', 'f', at());
    await engine.kv.put(engine.scope('f', 'default'), 'own', true, at());
    await engine.kv.put(engine.scope('default', 'default'), 'k', 'parent later', at());
    const before = await contents(engine, 'f');
    const path = join(dir, 'f.bundle');
    await engine.bundles.export('f', path, at());
    await engine.branches.delete('f', at());
    await engine.bundles.import(path, at());
    expect(await contents(engine, 'f')).toEqual(before);
    expect(engine.branches.info('f')?.parentName).toBeNull();
    await engine.close();
  });

  it('imports nothing from a truncated or corrupted bundle, nor onto an existing name', async () => {
    const engine = await inMemory();
    await engine.branches.create('b', at());
    await populate(engine, 'b');
    const path = join(dir, 'b.bundle');
    await engine.bundles.export('b', path, at());
    const good = await readFile(path);
    await expect(engine.bundles.import(path, at())).rejects.toMatchObject({ code: 'BranchExists' });
    await engine.branches.delete('b', at());
    const version = engine.db.version;
    const damaged = [good.subarray(0, good.length - 7), Buffer.from(good).fill(0x5a, 40, 41)];
    for (const bytes of damaged) {
      const bad = join(dir, `bad-${bytes.length}.bundle`);
      await writeFile(bad, bytes);
      await expect(engine.bundles.import(bad, at())).rejects.toMatchObject({ code: 'InvalidInput' });
      await expect(engine.bundles.validate(bad)).rejects.toMatchObject({ code: 'InvalidInput' });
    }
    expect(engine.branches.exists('b')).toBe(false);
    expect(engine.db.version).toBe(version);
    expect(await engine.db.store.scan(Buffer.from('b'), { tombstones: true })).toEqual([]);
    expect(await engine.db.store.scanHistory(Buffer.from('b'))).toEqual([]);
    await engine.close();
  });
});
