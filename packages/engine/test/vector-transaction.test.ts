import { namespacePrefix } from '@stratum/core';
import { openStore, type MetaOp, type Store, type WriteOp } from '@stratum/storage';
import { describe, expect, it } from 'vitest';
import { Engine, type Scope } from '../src/index.js';

/** A memory engine whose clock the test drives: each `tick()` is 10 µs later than the last. */
async function open(store?: Store): Promise<{ engine: Engine; scope: Scope; tick: () => number }> {
  const engine = await Engine.open({ store: store ?? (await openStore({ memory: true })), durability: 'cache' });
  let now = 1_000;
  return { engine, scope: engine.scope('default', 'default'), tick: () => (now += 10) };
}

/** Every live record of the default branch plus the commit version: equal snapshots mean nothing changed. */
async function snapshot(engine: Engine): Promise<unknown> {
  const records = await engine.db.scan(namespacePrefix('default'));
  return { version: engine.db.version, records: records.map(([k, r]) => [Buffer.from(k).toString('hex'), r]) };
}

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);
const keysOf = (matches: readonly { key: string }[]) => matches.map((m) => m.key);

describe('vectors inside a transaction', () => {
  it('reads its own writes: a collection created in it, upserts with null versions, search, counts', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    const tx = engine.begin('default', tick());
    expect(await v.createCollection(scope, 'docs', 2, 'dot_product', tick(), tx)).toBe(1);
    expect(await v.upsert(scope, 'docs', { key: 'a', vector: [1, 0], metadata: { n: 1 } }, tick(), tx)).toBe(1);
    expect(await v.upsert(scope, 'docs', { key: 'a', vector: [2, 0], metadata: { n: 2 } }, tick(), tx)).toBe(2);
    expect(await v.batchUpsert(scope, 'docs', [{ key: 'b', vector: [0, 1] }, { key: 'c', vector: [1, 1] }], tick(), tx)).toEqual([1, 1]);
    expect(await v.get(scope, 'docs', 'a', undefined, tx)).toEqual({ key: 'a', embedding: [2, 0], metadata: { n: 2 }, version: null, timestamp: null });
    expect(keysOf(await v.search(scope, 'docs', { query: [1, 0], k: 2 }, tx))).toEqual(['a', 'c']);
    expect(await v.collectionStats(scope, 'docs', tx)).toMatchObject({ count: 3, memoryBytes: 24 });
    expect(await v.listCollections(scope, tx)).toEqual([{ name: 'docs', dimension: 2, metric: 'dot_product', count: 3, indexType: 'exact', memoryBytes: 24 }]);
    // Nothing is visible outside yet.
    expect(await code(v.get(scope, 'docs', 'a'))).toBe('CollectionNotFound');
    expect(await v.listCollections(scope)).toEqual([]);
    const version = await tx.commit(tick());
    expect(engine.db.version).toBe(version);
    expect(await v.get(scope, 'docs', 'a')).toMatchObject({ embedding: [2, 0], metadata: { n: 2 }, version: 2 });
    expect(keysOf(await v.search(scope, 'docs', { query: [1, 0], k: 5 }))).toEqual(['a', 'c', 'b']);
    await engine.close();
  });

  it('ranks snapshot vectors with its own upserts and without its own deletes, filters included', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    await v.createCollection(scope, 'docs', 1, 'dot_product', tick());
    await v.batchUpsert(scope, 'docs', [5, 4, 3, 2, 1].map((n) => ({ key: `s${n}`, vector: [n], metadata: { odd: n % 2 === 1 } })), tick());
    const tx = engine.begin('default', tick());
    expect(await v.upsert(scope, 'docs', { key: 's1', vector: [10], metadata: { odd: true } }, tick(), tx)).toBe(2);
    expect(await v.upsert(scope, 'docs', { key: 'new', vector: [4.5], metadata: { odd: false } }, tick(), tx)).toBe(1);
    expect(await v.delete(scope, 'docs', 's5', tick(), tx)).toBe(true);
    expect(await v.delete(scope, 'docs', 's5', tick(), tx)).toBe(false);
    expect(keysOf(await v.search(scope, 'docs', { query: [1], k: 3 }, tx))).toEqual(['s1', 'new', 's4']);
    const odd = [{ field: 'odd', op: 'eq' as const, value: true }];
    expect(keysOf(await v.search(scope, 'docs', { query: [1], k: 10, filter: odd }, tx))).toEqual(['s1', 's3']);
    expect(await v.collectionStats(scope, 'docs', tx)).toMatchObject({ count: 5 });
    expect(await v.get(scope, 'docs', 's5', undefined, tx)).toBeNull();
    expect(await v.get(scope, 'docs', 's4', undefined, tx)).toMatchObject({ version: 1, timestamp: expect.any(Number) });
    // Outside, the committed collection is unchanged.
    expect(keysOf(await v.search(scope, 'docs', { query: [1], k: 3 }))).toEqual(['s5', 's4', 's3']);
    await tx.commit(tick());
    expect(keysOf(await v.search(scope, 'docs', { query: [1], k: 3 }))).toEqual(['s1', 'new', 's4']);
    expect(await v.collectionStats(scope, 'docs')).toMatchObject({ count: 5 });
    await engine.close();
  });

  it('reads the snapshot taken at begin, not vectors committed since', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    await v.createCollection(scope, 'docs', 1, 'dot_product', tick());
    await v.upsert(scope, 'docs', { key: 'old', vector: [1] }, tick());
    const tx = engine.begin('default', tick());
    await v.upsert(scope, 'docs', { key: 'later', vector: [9] }, tick());
    await v.upsert(scope, 'docs', { key: 'old', vector: [0.5] }, tick());
    expect(await v.search(scope, 'docs', { query: [1], k: 5 }, tx)).toEqual([{ key: 'old', score: 1, metadata: null }]);
    expect(await v.collectionStats(scope, 'docs', tx)).toMatchObject({ count: 1 });
    expect(await v.get(scope, 'docs', 'later', undefined, tx)).toBeNull();
    expect(await v.get(scope, 'docs', 'old', undefined, tx)).toMatchObject({ embedding: [1], version: 1 });
    tx.rollback();
    await engine.close();
  });

  it('overlays its own changes on a snapshot older than the last commit; the keys a search returns join its read set', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    await v.createCollection(scope, 'docs', 1, 'dot_product', tick());
    await v.batchUpsert(scope, 'docs', [{ key: 'a', vector: [3] }, { key: 'b', vector: [2] }, { key: 'c', vector: [1] }], tick());
    const tx = engine.begin('default', tick());
    await v.upsert(scope, 'docs', { key: 'late', vector: [10] }, tick());
    await v.upsert(scope, 'docs', { key: 'mine', vector: [2.5] }, tick(), tx);
    await v.delete(scope, 'docs', 'a', tick(), tx);
    expect(keysOf(await v.search(scope, 'docs', { query: [1], k: 2 }, tx))).toEqual(['mine', 'b']);
    expect(await v.collectionStats(scope, 'docs', tx)).toMatchObject({ count: 3 });
    // `b` was returned by the search; a commit to it since the snapshot fails the transaction.
    await v.upsert(scope, 'docs', { key: 'b', vector: [0] }, tick());
    expect(await code(tx.commit(tick()))).toBe('TransactionConflict');
    expect(keysOf(await v.search(scope, 'docs', { query: [1], k: 5 }))).toEqual(['late', 'a', 'c', 'b']);
    await engine.close();
  });

  it('keeps the loaded index in step with the commit, and untouched by a rollback', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    await v.createCollection(scope, 'docs', 1, 'dot_product', tick());
    await v.upsert(scope, 'docs', { key: 'gone', vector: [3] }, tick());
    await v.search(scope, 'docs', { query: [1], k: 1 });
    expect(v.indexLoaded(scope, 'docs')).toBe(true);

    const rolledBack = engine.begin('default', tick());
    await v.upsert(scope, 'docs', { key: 'never', vector: [100] }, tick(), rolledBack);
    await v.delete(scope, 'docs', 'gone', tick(), rolledBack);
    const before = await snapshot(engine);
    rolledBack.rollback();
    expect(await snapshot(engine)).toEqual(before);
    expect(v.indexLoaded(scope, 'docs')).toBe(true);
    expect(keysOf(await v.search(scope, 'docs', { query: [1], k: 5 }))).toEqual(['gone']);

    const tx = engine.begin('default', tick());
    await v.upsert(scope, 'docs', { key: 'x', vector: [2] }, tick(), tx);
    await v.delete(scope, 'docs', 'gone', tick(), tx);
    const commit = tx.commit(tick());
    // The index learns the commit in the same step: a search started before the commit lands sees it.
    expect(v.indexLoaded(scope, 'docs')).toBe(true);
    const searched = v.search(scope, 'docs', { query: [1], k: 5 });
    await commit;
    expect(keysOf(await searched)).toEqual(['x']);
    expect(await v.collectionStats(scope, 'docs')).toMatchObject({ count: 1 });
    await engine.close();
  });

  it('lets exactly one of two transactions upserting the same vector commit', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    await v.createCollection(scope, 'docs', 1, 'dot_product', tick());
    await v.search(scope, 'docs', { query: [1], k: 1 });
    const t1 = engine.begin('default', tick());
    const t2 = engine.begin('default', tick());
    expect(await v.upsert(scope, 'docs', { key: 'k', vector: [1] }, tick(), t1)).toBe(1);
    expect(await v.upsert(scope, 'docs', { key: 'k', vector: [2] }, tick(), t2)).toBe(1);
    await t1.commit(tick());
    const before = await snapshot(engine);
    expect(await code(t2.commit(tick()))).toBe('TransactionConflict');
    expect(await snapshot(engine)).toEqual(before);
    expect(await v.get(scope, 'docs', 'k')).toMatchObject({ embedding: [1], version: 1 });
    expect(await v.search(scope, 'docs', { query: [1], k: 5 })).toEqual([{ key: 'k', score: 1, metadata: null }]);
    await engine.close();
  });

  it('commits vectors with writes to other spaces in one commit, or nothing of them', async () => {
    const { engine, tick } = await open();
    const v = engine.vectors;
    const memory = engine.scope('default', 'memory');
    const audit = engine.scope('default', 'audit');
    const tx = engine.begin('default', tick());
    await v.createCollection(memory, 'facts', 1, 'dot_product', tick(), tx);
    await v.upsert(memory, 'facts', { key: 'f', vector: [1] }, tick(), tx);
    await engine.kv.put(audit, 'last', 'f', tick(), tx);
    expect(await engine.spaces.list('default')).toEqual(['default']);
    const version = await tx.commit(tick());
    expect(engine.db.version).toBe(version);
    expect(await engine.spaces.list('default')).toEqual(['audit', 'default', 'memory']);
    expect(engine.kv.get(audit, 'last')).toMatchObject({ value: 'f', version });
    expect(keysOf(await v.search(memory, 'facts', { query: [1], k: 5 }))).toEqual(['f']);

    // A conflict on the KV key fails the commit: the vector does not land either.
    const t1 = engine.begin('default', tick());
    await v.upsert(memory, 'facts', { key: 'g', vector: [2] }, tick(), t1);
    await engine.kv.put(audit, 'last', 'g', tick(), t1);
    await engine.kv.put(audit, 'last', 'other', tick());
    const before = await snapshot(engine);
    expect(await code(t1.commit(tick()))).toBe('TransactionConflict');
    expect(await snapshot(engine)).toEqual(before);
    expect(keysOf(await v.search(memory, 'facts', { query: [1], k: 5 }))).toEqual(['f']);
    await engine.close();
  });

  it('deletes a collection with every vector it sees, and conflicts with a vector added since its snapshot', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    await v.createCollection(scope, 'docs', 1, 'dot_product', tick());
    await v.batchUpsert(scope, 'docs', [{ key: 'a', vector: [1] }, { key: 'b', vector: [2] }], tick());
    const tx = engine.begin('default', tick());
    await v.upsert(scope, 'docs', { key: 'own', vector: [3] }, tick(), tx);
    expect(await v.deleteCollection(scope, 'docs', tick(), tx)).toBe(true);
    expect(await v.deleteCollection(scope, 'docs', tick(), tx)).toBe(false);
    expect(await code(v.get(scope, 'docs', 'a', undefined, tx))).toBe('CollectionNotFound');
    // Re-created in the same transaction, it starts empty.
    await v.createCollection(scope, 'docs', 2, 'cosine', tick(), tx);
    expect(await v.search(scope, 'docs', { query: [1, 0], k: 5 }, tx)).toEqual([]);
    expect(await v.collectionStats(scope, 'docs', tx)).toMatchObject({ dimension: 2, count: 0 });
    await tx.commit(tick());
    expect(await v.collectionStats(scope, 'docs')).toMatchObject({ dimension: 2, metric: 'cosine', count: 0 });
    expect(await v.search(scope, 'docs', { query: [1, 0], k: 5 })).toEqual([]);

    const dropper = engine.begin('default', tick());
    expect(await v.deleteCollection(scope, 'docs', tick(), dropper)).toBe(true);
    await v.upsert(scope, 'docs', { key: 'late', vector: [1, 0] }, tick());
    const before = await snapshot(engine);
    expect(await code(dropper.commit(tick()))).toBe('TransactionConflict');
    expect(await snapshot(engine)).toEqual(before);
    expect(keysOf(await v.search(scope, 'docs', { query: [1, 0], k: 5 }))).toEqual(['late']);
    await engine.close();
  });

  it('conflicts when the collection it wrote to was deleted since its snapshot', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    await v.createCollection(scope, 'docs', 1, 'dot_product', tick());
    const tx = engine.begin('default', tick());
    await v.upsert(scope, 'docs', { key: 'k', vector: [1] }, tick(), tx);
    await v.deleteCollection(scope, 'docs', tick());
    expect(await code(tx.commit(tick()))).toBe('TransactionConflict');
    expect(await v.listCollections(scope)).toEqual([]);
    await engine.close();
  });

  it('refuses bad input inside a transaction, buffering nothing', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    await v.createCollection(scope, 'docs', 2, 'cosine', tick());
    const tx = engine.begin('default', tick());
    const cases: [string, () => Promise<unknown>, string][] = [
      ['a missing collection', () => v.upsert(scope, 'nope', { key: 'k', vector: [1, 0] }, tick(), tx), 'CollectionNotFound'],
      ['a wrong dimension', () => v.upsert(scope, 'docs', { key: 'k', vector: [1] }, tick(), tx), 'DimensionMismatch'],
      ['a bad batch entry', () => v.batchUpsert(scope, 'docs', [{ key: 'ok', vector: [1, 0] }, { key: 'k', vector: [1, 2, 3] }], tick(), tx), 'DimensionMismatch'],
      ['a non-finite component', () => v.upsert(scope, 'docs', { key: 'k', vector: [1, Infinity] }, tick(), tx), 'InvalidInput'],
      ['an existing collection', () => v.createCollection(scope, 'docs', 2, 'cosine', tick(), tx), 'CollectionExists'],
      ['a bad dimension', () => v.createCollection(scope, 'big', 0, 'cosine', tick(), tx), 'InvalidInput'],
      ['a bad metric', () => v.createCollection(scope, 'm', 2, 'manhattan', tick(), tx), 'InvalidInput'],
      ['an internal name', () => v.deleteCollection(scope, '_sys', tick(), tx), 'InvalidInput'],
      ['a delete in a missing collection', () => v.delete(scope, 'nope', 'k', tick(), tx), 'CollectionNotFound'],
      ['a search of a missing collection', () => v.search(scope, 'nope', { query: [1, 0], k: 1 }, tx), 'CollectionNotFound'],
      ['a search with another metric', () => v.search(scope, 'docs', { query: [1, 0], k: 1, metric: 'euclidean' }, tx), 'InvalidInput'],
    ];
    for (const [name, run, expected] of cases) expect([name, await code(run())]).toEqual([name, expected]);
    expect(tx.pendingWrites).toBe(0);
    const before = await snapshot(engine);
    await tx.commit(tick());
    expect(await snapshot(engine)).toEqual(before);
    await engine.close();
  });

  it('drops the index when the commit fails in storage, and reloads it from storage', async () => {
    const store: Store = await openStore({ memory: true });
    const { engine, scope, tick } = await open(store);
    const v = engine.vectors;
    await v.createCollection(scope, 'docs', 1, 'dot_product', tick());
    await v.upsert(scope, 'docs', { key: 'kept', vector: [1] }, tick());
    await v.search(scope, 'docs', { query: [1], k: 5 });
    const tx = engine.begin('default', tick());
    await v.upsert(scope, 'docs', { key: 'lost', vector: [2] }, tick(), tx);
    const write = store.write.bind(store);
    store.write = async (_ops: readonly WriteOp[], _meta: readonly MetaOp[]) => {
      throw new Error('disk full');
    };
    expect(await code(tx.commit(tick()))).toBe('Io');
    store.write = write;
    expect(v.indexLoaded(scope, 'docs')).toBe(false);
    expect(keysOf(await v.search(scope, 'docs', { query: [1], k: 5 }))).toEqual(['kept']);
    await engine.close();
  });
});
