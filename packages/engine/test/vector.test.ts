import { TypeTag, itemKey, namespacePrefix } from '@stratum/core';
import { openStore } from '@stratum/storage';
import { describe, expect, it } from 'vitest';
import { Engine, type Scope } from '../src/index.js';

/** A memory engine whose clock the test drives: each `tick()` is 10 µs later than the last. */
async function open(): Promise<{ engine: Engine; scope: Scope; tick: () => number }> {
  const engine = await Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });
  let now = 1_000;
  return { engine, scope: engine.scope('default', 'default'), tick: () => (now += 10) };
}

/** Every live record of the default branch plus the commit version: equal snapshots mean nothing changed. */
async function snapshot(engine: Engine): Promise<unknown> {
  await engine.db.settled();
  const records = await engine.db.store.scan(namespacePrefix('default'));
  return { version: engine.db.version, records: records.map(([k, r]) => [Buffer.from(k).toString('hex'), r]) };
}

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

describe('vector collections', () => {
  it('creates, lists, describes and deletes collections', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    expect(await v.createCollection(scope, 'notes', 2, 'euclidean', tick())).toBe(1);
    expect(await v.createCollection(scope, 'docs', 3, 'cosine', tick())).toBe(1);
    await v.batchUpsert(scope, 'docs', [{ key: 'a', vector: [1, 0, 0] }, { key: 'b', vector: [0, 1, 0] }], tick());
    const docs = { name: 'docs', dimension: 3, metric: 'cosine', count: 2, indexType: 'exact', memoryBytes: 24 };
    const notes = { name: 'notes', dimension: 2, metric: 'euclidean', count: 0, indexType: 'exact', memoryBytes: 0 };
    expect(await v.listCollections(scope)).toEqual([docs, notes]);
    expect(await v.collectionStats(scope, 'docs')).toEqual(docs);
    expect(await v.deleteCollection(scope, 'docs', tick())).toBe(true);
    expect(await v.deleteCollection(scope, 'docs', tick())).toBe(false);
    expect(await v.listCollections(scope)).toEqual([notes]);
    expect(await code(v.collectionStats(scope, 'docs'))).toBe('CollectionNotFound');
    // Deleting a collection deletes its vectors: a new one of the same name starts empty.
    await v.createCollection(scope, 'docs', 3, 'dot_product', tick());
    expect(await v.get(scope, 'docs', 'a')).toBeNull();
    expect(await v.search(scope, 'docs', { query: [1, 0, 0], k: 5 })).toEqual([]);
    expect(await engine.spaces.info('default', 'default')).toMatchObject({ counts: { collections: 2, vectors: 0 } });
    await engine.close();
  });

  it('answers CollectionExists with the plain name for a duplicate', async () => {
    const { engine, scope, tick } = await open();
    await engine.vectors.createCollection(scope, 'docs', 3, 'cosine', tick());
    const before = await snapshot(engine);
    const e = await engine.vectors.createCollection(scope, 'docs', 4, 'euclidean', tick()).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'CollectionExists', details: { collection: 'docs' } });
    expect(await snapshot(engine)).toEqual(before);
    await engine.close();
  });

  it('allows dimensions 1 to 8192, the largest vector a write accepts', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    await v.createCollection(scope, 'one', 1, 'cosine', tick());
    await v.createCollection(scope, 'max', 8192, 'dot_product', tick());
    const big = Array.from({ length: 8192 }, (_, i) => (i % 7) - 3);
    expect(await v.upsert(scope, 'max', { key: 'k', vector: big }, tick())).toBe(1);
    expect((await v.get(scope, 'max', 'k'))?.embedding).toEqual(big);
    const before = await snapshot(engine);
    for (const dimension of [0, 8193, 65536]) {
      const e = await v.createCollection(scope, 'bad', dimension, 'cosine', tick()).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'InvalidInput', details: { dimension } });
    }
    expect(await snapshot(engine)).toEqual(before);
    await engine.close();
  });
});

describe('vector records', () => {
  it('counts per key: 1 on insert, +1 per upsert, 1 again after a delete; VectorGet reports the same counter', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    await v.createCollection(scope, 'c', 2, 'cosine', tick());
    expect(await v.upsert(scope, 'c', { key: 'k', vector: [1, 0] }, tick())).toBe(1);
    expect(await v.upsert(scope, 'c', { key: 'k', vector: [0, 1], metadata: { m: 1 } }, tick())).toBe(2);
    expect(await v.get(scope, 'c', 'k')).toEqual({ key: 'k', embedding: [0, 1], metadata: { m: 1 }, version: 2, timestamp: 1_030 });
    expect(await v.delete(scope, 'c', 'k', tick())).toBe(true);
    expect(await v.delete(scope, 'c', 'k', tick())).toBe(false);
    expect(await v.get(scope, 'c', 'k')).toBeNull();
    expect(await v.upsert(scope, 'c', { key: 'k', vector: [1, 1] }, tick())).toBe(1);
    // A key given twice in one batch advances twice and keeps the later entry.
    expect(await v.batchUpsert(scope, 'c', [{ key: 'k', vector: [1, 0] }, { key: 'n', vector: [0, 1] }, { key: 'k', vector: [0.5, 0.5] }], tick())).toEqual([2, 1, 3]);
    expect(await v.get(scope, 'c', 'k')).toMatchObject({ embedding: [0.5, 0.5], version: 3 });
    expect(await v.batchUpsert(scope, 'c', [], tick())).toEqual([]);
    // Upsert replaces metadata wholesale; absent metadata is null.
    await v.upsert(scope, 'c', { key: 'n', vector: [0, 1], metadata: { a: 1, b: 2 } }, tick());
    await v.upsert(scope, 'c', { key: 'n', vector: [0, 1] }, tick());
    expect((await v.get(scope, 'c', 'n'))?.metadata).toBeNull();
    await engine.close();
  });

  it('stores one config record and one record per vector, the embedding as float32 bytes', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    await v.createCollection(scope, 'docs', 3, 'cosine', tick());
    await v.upsert(scope, 'docs', { key: 'a/b', vector: [0.1, -2, 3.5], metadata: { n: -0, big: 2n ** 60n, raw: Uint8Array.of(1, 2) } }, tick());
    const config = engine.db.read(itemKey(scope.prefix(TypeTag.VectorConfig), 'docs'));
    expect(config?.value).toEqual({ dimension: 3, metric: 'cosine' });
    const record = engine.db.read(itemKey(scope.prefix(TypeTag.Vector), 'docs/a/b'));
    const value = record?.value as { embedding: Uint8Array; metadata: unknown; version: number };
    expect(value.embedding).toBeInstanceOf(Uint8Array);
    expect([...new Float32Array(Uint8Array.from(value.embedding).buffer)]).toEqual([Math.fround(0.1), -2, 3.5]);
    expect(value.version).toBe(1);
    const got = await v.get(scope, 'docs', 'a/b');
    // Components come back as the shortest decimals of their float32 values; metadata exactly.
    expect(got?.embedding).toEqual([0.1, -2, 3.5]);
    expect(Object.is((got?.metadata as { n: number }).n, -0)).toBe(true);
    expect(got?.metadata).toEqual({ n: -0, big: 2n ** 60n, raw: Uint8Array.of(1, 2) });
    expect(await engine.spaces.info('default', 'default')).toMatchObject({ counts: { collections: 1, vectors: 1 } });
    expect(await engine.totalKeys()).toBe(1);
    await engine.close();
  });

  it('keeps its own copies: changing the caller’s objects or the results changes nothing stored', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    await v.createCollection(scope, 'c', 2, 'dot_product', tick());
    const metadata = { tags: ['a'] };
    const vector = [1, 2];
    await v.upsert(scope, 'c', { key: 'k', vector, metadata }, tick());
    metadata.tags.push('b');
    vector[0] = 100;
    const [hit] = await v.search(scope, 'c', { query: [1, 0], k: 1 });
    expect(hit).toEqual({ key: 'k', score: 1, metadata: { tags: ['a'] } });
    (hit?.metadata as { tags: string[] }).tags.push('c');
    expect((await v.search(scope, 'c', { query: [1, 0], k: 1 }))[0]?.metadata).toEqual({ tags: ['a'] });
    await engine.close();
  });

  it('reads as of a past time: embedding and metadata of that time, absent before and after a delete', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    const t0 = tick();
    await v.createCollection(scope, 'c', 2, 'cosine', tick());
    await v.upsert(scope, 'c', { key: 'k', vector: [1, 0], metadata: { phase: 'one' } }, tick());
    const t1 = tick();
    await v.upsert(scope, 'c', { key: 'k', vector: [0, 1], metadata: { phase: 'two' } }, tick());
    await v.upsert(scope, 'c', { key: 'other', vector: [1, 1] }, tick());
    const t2 = tick();
    await v.delete(scope, 'c', 'k', tick());
    const t3 = tick();

    expect(await v.get(scope, 'c', 'k', t1)).toEqual({ key: 'k', embedding: [1, 0], metadata: { phase: 'one' }, version: 1, timestamp: 1_030 });
    expect(await v.get(scope, 'c', 'k', t2)).toMatchObject({ embedding: [0, 1], metadata: { phase: 'two' }, version: 2 });
    expect(await v.get(scope, 'c', 'k', t3)).toBeNull();
    expect(await v.get(scope, 'c', 'k', t0)).toBeNull();

    expect(await v.search(scope, 'c', { query: [1, 0], k: 5, asOf: t1 })).toEqual([{ key: 'k', score: 1, metadata: { phase: 'one' } }]);
    expect((await v.search(scope, 'c', { query: [1, 0], k: 5, asOf: t2 })).map((m) => [m.key, m.score])).toEqual([['other', 0.70710677], ['k', 0]]);
    expect(await v.search(scope, 'c', { query: [1, 0], k: 5, asOf: t2, filter: [{ field: 'phase', op: 'eq', value: 'one' }] })).toEqual([]);
    expect((await v.search(scope, 'c', { query: [1, 0], k: 5, asOf: t3 })).map((m) => m.key)).toEqual(['other']);
    expect(await v.search(scope, 'c', { query: [1, 0], k: 5, asOf: t0 })).toEqual([]);

    // A collection re-created with another dimension: the past is searched with the past's.
    await v.deleteCollection(scope, 'c', tick());
    await v.createCollection(scope, 'c', 3, 'euclidean', tick());
    expect((await v.search(scope, 'c', { query: [0, 1], k: 5, asOf: t2 })).map((m) => m.key)).toEqual(['k', 'other']);
    expect(await code(v.search(scope, 'c', { query: [0, 1], k: 5 }))).toBe('DimensionMismatch');
    expect(await v.get(scope, 'c', 'k', t2)).toMatchObject({ embedding: [0, 1] });
    expect(await v.get(scope, 'c', 'k')).toBeNull();
    await engine.close();
  });
});
