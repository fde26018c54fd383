import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type MetaOp, type Store, type WriteOp } from '@stratum/storage';
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/index.js';

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'stratum-vector-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const vectorOf = (i: number): number[] => [Math.cos(i), Math.sin(i), (i % 5) / 5];

describe('the in-memory vector index', () => {
  it('is rebuilt from storage after a restart, embeddings and metadata included', async () => {
    await withDir(async (dir) => {
      let engine = await Engine.open({ store: await openStore({ dir }), durability: 'standard' });
      let scope = engine.scope('default', 'notes');
      await engine.vectors.createCollection(scope, 'c', 3, 'euclidean', 1_000);
      await engine.vectors.batchUpsert(scope, 'c', Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, vector: vectorOf(i), metadata: { i } })), 2_000);
      await engine.vectors.delete(scope, 'c', 'k7', 3_000);
      const query = { query: vectorOf(7), k: 10, filter: [{ field: 'i', op: 'lt' as const, value: 150 }] };
      const before = await engine.vectors.search(scope, 'c', query);
      expect(before).toHaveLength(10);
      expect(before.map((m) => m.key)).not.toContain('k7');
      await engine.close();

      engine = await Engine.open({ store: await openStore({ dir }), durability: 'standard' });
      scope = engine.scope('default', 'notes');
      expect(engine.vectors.indexLoaded(scope, 'c')).toBe(false);
      expect(await engine.vectors.search(scope, 'c', query)).toEqual(before);
      expect(engine.vectors.indexLoaded(scope, 'c')).toBe(true);
      expect(await engine.vectors.collectionStats(scope, 'c')).toMatchObject({ count: 199 });
      await engine.close();
    });
  });

  it('sees the writes committed while it loads', async () => {
    await withDir(async (dir) => {
      let engine = await Engine.open({ store: await openStore({ dir }), durability: 'standard' });
      let scope = engine.scope('default', 'default');
      await engine.vectors.createCollection(scope, 'c', 3, 'dot_product', 1_000);
      await engine.vectors.batchUpsert(scope, 'c', Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, vector: vectorOf(i) })), 2_000);
      await engine.close();

      engine = await Engine.open({ store: await openStore({ dir }), durability: 'standard' });
      scope = engine.scope('default', 'default');
      const v = engine.vectors;
      // The first search starts the load; these writes are committed before it has read storage.
      const first = v.search(scope, 'c', { query: [0, 0, 1], k: 100 });
      const writes = [
        v.upsert(scope, 'c', { key: 'new', vector: [0, 0, 9] }, 3_000),
        v.delete(scope, 'c', 'k0', 3_001),
        v.upsert(scope, 'c', { key: 'k1', vector: [0, 0, 8] }, 3_002),
      ];
      const [results] = await Promise.all([first, ...writes]);
      const after = await v.search(scope, 'c', { query: [0, 0, 1], k: 100 });
      expect(after).toHaveLength(50);
      expect(after.slice(0, 2).map((m) => [m.key, m.score])).toEqual([['new', 9], ['k1', 8]]);
      expect(after.map((m) => m.key)).not.toContain('k0');
      // The load finished after the writes were committed, so the first search already sees them.
      expect(results).toEqual(after);
      await engine.close();
    });
  });

  it('is keyed by branch, space and collection: same-named collections never mix', async () => {
    const engine = await Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });
    const a = engine.scope('default', 'a');
    const b = engine.scope('default', 'b');
    await engine.vectors.createCollection(a, 'docs', 2, 'cosine', 1_000);
    await engine.vectors.createCollection(b, 'docs', 3, 'dot_product', 1_010);
    await engine.vectors.upsert(a, 'docs', { key: 'only-a', vector: [1, 0] }, 1_020);
    await engine.vectors.upsert(b, 'docs', { key: 'only-b', vector: [1, 0, 0] }, 1_030);
    expect((await engine.vectors.search(a, 'docs', { query: [1, 0], k: 5 })).map((m) => m.key)).toEqual(['only-a']);
    expect((await engine.vectors.search(b, 'docs', { query: [1, 0, 0], k: 5 })).map((m) => m.key)).toEqual(['only-b']);
    expect(await engine.vectors.get(a, 'docs', 'only-b')).toBeNull();
    await engine.close();
  });

  it('goes away with the space: force-deleting it drops the collection, its vectors and its index', async () => {
    const engine = await Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });
    const scope = engine.scope('default', 'tenant');
    const v = engine.vectors;
    await v.createCollection(scope, 'docs', 2, 'cosine', 1_000);
    await v.batchUpsert(scope, 'docs', [{ key: 'x', vector: [1, 0] }, { key: 'y', vector: [0, 1] }], 1_010);
    await v.search(scope, 'docs', { query: [1, 0], k: 1 });
    expect(v.indexLoaded(scope, 'docs')).toBe(true);
    const other = engine.scope('default', 'other');
    await v.createCollection(other, 'docs', 2, 'cosine', 1_015);
    await v.search(other, 'docs', { query: [1, 0], k: 1 });

    await engine.spaces.delete('default', 'tenant', true, 1_020);
    expect(v.indexLoaded(scope, 'docs')).toBe(false);
    expect(v.indexLoaded(other, 'docs')).toBe(true);
    expect(await code(v.search(scope, 'docs', { query: [1, 0], k: 1 }))).toBe('CollectionNotFound');
    expect(await code(v.get(scope, 'docs', 'x'))).toBe('CollectionNotFound');
    expect(await v.listCollections(scope)).toEqual([]);
    await v.createCollection(scope, 'docs', 2, 'cosine', 1_030);
    expect(await v.search(scope, 'docs', { query: [1, 0], k: 5 })).toEqual([]);
    expect(await v.get(scope, 'docs', 'x')).toBeNull();
    expect(await engine.spaces.info('default', 'tenant')).toMatchObject({ counts: { collections: 1, vectors: 0 } });
    await engine.close();
  });

  it('drops the index of a deleted collection and of a deleted branch', async () => {
    const engine = await Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });
    const scope = engine.scope('default', 'default');
    const v = engine.vectors;
    await v.createCollection(scope, 'docs', 1, 'cosine', 1_000);
    await v.upsert(scope, 'docs', { key: 'k', vector: [1] }, 1_010);
    await v.search(scope, 'docs', { query: [1], k: 1 });
    expect(await v.deleteCollection(scope, 'docs', 1_020)).toBe(true);
    expect(v.indexLoaded(scope, 'docs')).toBe(false);
    await v.createCollection(scope, 'docs', 1, 'cosine', 1_030);
    await v.search(scope, 'docs', { query: [1], k: 1 });
    v.dropBranch('default');
    expect(v.indexLoaded(scope, 'docs')).toBe(false);
    await engine.close();
  });

  it('forgets what a failed commit told it, and reloads from storage', async () => {
    const store: Store = await openStore({ memory: true });
    const engine = await Engine.open({ store, durability: 'cache' });
    const scope = engine.scope('default', 'default');
    const v = engine.vectors;
    await v.createCollection(scope, 'docs', 1, 'dot_product', 1_000);
    await v.upsert(scope, 'docs', { key: 'kept', vector: [1] }, 1_010);
    await v.search(scope, 'docs', { query: [1], k: 5 });
    const write = store.write.bind(store);
    store.write = async (_ops: readonly WriteOp[], _meta: readonly MetaOp[]) => {
      throw new Error('disk full');
    };
    expect(await code(v.upsert(scope, 'docs', { key: 'lost', vector: [2] }, 1_020))).toBe('Io');
    store.write = write;
    expect(v.indexLoaded(scope, 'docs')).toBe(false);
    await v.upsert(scope, 'docs', { key: 'after', vector: [0.5] }, 1_030);
    expect((await v.search(scope, 'docs', { query: [1], k: 5 })).map((m) => m.key)).toEqual(['kept', 'after']);
    await engine.close();
  });
});
