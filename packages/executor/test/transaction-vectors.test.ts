import { describe, expect, it } from 'vitest';
import { Stratum, type Command, type Session } from '../src/index.js';

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

/** What a client outside any transaction can observe of the `docs` collection and the database. */
async function observe(db: Stratum): Promise<unknown> {
  const collections = await db.vectorListCollections();
  const docs = collections.some((c) => c.name === 'docs') ? await db.vectorSearch('docs', [1, 1], 100) : null;
  return { version: db.engine.db.version, spaces: await db.listSpaces(), collections, docs };
}

describe('vector commands inside a transaction', () => {
  it('buffer their writes, read them back with null versions, and land in one commit', async () => {
    const db = await Stratum.cache();
    const s = db.session();
    const other = db.session();
    await s.execute({ type: 'TxnBegin' });
    expect(await s.execute({ type: 'VectorCreateCollection', space: 'mem', collection: 'docs', dimension: 2, metric: 'dot_product' }))
      .toEqual({ type: 'Version', value: 1 });
    expect(await s.execute({ type: 'VectorUpsert', space: 'mem', collection: 'docs', key: 'a', vector: [1, 0], metadata: { t: 'x' } }))
      .toEqual({ type: 'Version', value: 1 });
    expect(await s.execute({ type: 'VectorUpsert', space: 'mem', collection: 'docs', key: 'a', vector: [2, 0] }))
      .toEqual({ type: 'Version', value: 2 });
    expect(await s.execute({ type: 'VectorBatchUpsert', space: 'mem', collection: 'docs', entries: [{ key: 'b', vector: [0, 1] }] }))
      .toEqual({ type: 'Versions', value: [1] });
    expect(await s.execute({ type: 'VectorGet', space: 'mem', collection: 'docs', key: 'a' })).toEqual({
      type: 'VectorData',
      value: { key: 'a', embedding: [2, 0], metadata: null, version: null, timestamp: null },
    });
    expect(await s.execute({ type: 'VectorSearch', space: 'mem', collection: 'docs', query: [1, 0], k: 1 }))
      .toEqual({ type: 'VectorMatches', value: [{ key: 'a', score: 2, metadata: null }] });
    const info = { name: 'docs', dimension: 2, metric: 'dot_product', count: 2, indexType: 'exact', memoryBytes: 16 };
    expect(await s.execute({ type: 'VectorListCollections', space: 'mem' })).toEqual({ type: 'VectorCollectionList', value: [info] });
    expect(await s.execute({ type: 'VectorCollectionStats', space: 'mem', collection: 'docs' })).toEqual({ type: 'VectorCollectionList', value: [info] });
    expect(await s.execute({ type: 'VectorDelete', space: 'mem', collection: 'docs', key: 'b' })).toEqual({ type: 'Bool', value: true });
    expect(await code(other.execute({ type: 'VectorGet', space: 'mem', collection: 'docs', key: 'a' }))).toBe('CollectionNotFound');
    const { version } = await s.execute({ type: 'TxnCommit' });
    expect(await other.execute({ type: 'VectorGet', space: 'mem', collection: 'docs', key: 'a' })).toEqual({
      type: 'VectorData',
      value: { key: 'a', embedding: [2, 0], metadata: null, version: 2, timestamp: expect.any(Number) },
    });
    expect((await other.execute({ type: 'VectorSearch', space: 'mem', collection: 'docs', query: [0, 1], k: 5 })).value.map((m) => m.key)).toEqual(['a']);
    expect(db.engine.db.version).toBe(version);
    expect(await db.listSpaces()).toEqual(['default', 'mem']);
    await db.close();
  });

  it('inside Stratum.transaction: typed methods, rolled back when the function throws', async () => {
    const db = await Stratum.cache();
    await db.vectorCreateCollection('docs', 2, 'cosine');
    await db.vectorUpsert('docs', 'keep', [1, 1]);
    const before = await observe(db);
    const boom = new Error('boom');
    const failed = db.transaction(async (tx) => {
      expect(await tx.vectorUpsert('docs', 'keep', [1, 0])).toBe(2);
      expect(await tx.vectorDelete('docs', 'keep')).toBe(true);
      expect(await tx.vectorSearch('docs', [1, 1], 5)).toEqual([]);
      throw boom;
    });
    await expect(failed).rejects.toBe(boom);
    expect(await observe(db)).toEqual(before);
    const got = await db.transaction(async (tx) => {
      await tx.vectorUpsert('docs', 'new', [0, 1], { n: 1 });
      return tx.vectorGet('docs', 'new');
    });
    expect(got).toEqual({ key: 'new', embedding: [0, 1], metadata: { n: 1 }, version: null, timestamp: null });
    expect((await db.vectorSearch('docs', [0, 1], 1))[0]?.key).toBe('new');
    await db.close();
  });

  it('first committer wins: of two sessions upserting the same vector, one commits', async () => {
    const db = await Stratum.cache();
    await db.vectorCreateCollection('docs', 2, 'cosine');
    const [a, b] = [db.session(), db.session()] as [Session, Session];
    await a.execute({ type: 'TxnBegin' });
    await b.execute({ type: 'TxnBegin' });
    await a.execute({ type: 'VectorUpsert', collection: 'docs', key: 'k', vector: [1, 0] });
    await b.execute({ type: 'VectorUpsert', collection: 'docs', key: 'k', vector: [0, 1] });
    await a.execute({ type: 'TxnCommit' });
    expect(await code(b.execute({ type: 'TxnCommit' }))).toBe('TransactionConflict');
    expect(await db.vectorGet('docs', 'k')).toMatchObject({ embedding: [1, 0], version: 1 });
    await db.close();
  });

  it.each<[string, Command, string]>([
    ['a missing collection', { type: 'VectorUpsert', collection: 'nope', key: 'k', vector: [1, 0] }, 'CollectionNotFound'],
    ['a wrong dimension', { type: 'VectorUpsert', collection: 'docs', key: 'k', vector: [1, 0, 0] }, 'DimensionMismatch'],
    ['a bad batch', { type: 'VectorBatchUpsert', collection: 'docs', entries: [{ key: 'ok', vector: [1, 0] }, { key: '', vector: [1, 0] }] }, 'InvalidInput'],
    ['a duplicate collection', { type: 'VectorCreateCollection', collection: 'docs', dimension: 2, metric: 'cosine' }, 'CollectionExists'],
    ['an internal collection', { type: 'VectorCreateCollection', collection: '_x', dimension: 2, metric: 'cosine' }, 'InvalidInput'],
    ['a delete in a missing collection', { type: 'VectorDelete', collection: 'nope', key: 'k' }, 'CollectionNotFound'],
    ['a get in a missing collection', { type: 'VectorGet', collection: 'nope', key: 'k' }, 'CollectionNotFound'],
    ['stats of a missing collection', { type: 'VectorCollectionStats', collection: 'nope' }, 'CollectionNotFound'],
    ['a search with a wrong dimension', { type: 'VectorSearch', collection: 'docs', query: [1], k: 1 }, 'DimensionMismatch'],
    ['another branch', { type: 'VectorUpsert', branch: 'other', collection: 'docs', key: 'k', vector: [1, 0] }, 'InvalidInput'],
    ['a bad space name', { type: 'VectorUpsert', space: 'Bad', collection: 'docs', key: 'k', vector: [1, 0] }, 'InvalidInput'],
  ])('refuses %s, keeps the transaction open, and its commit changes nothing', async (_name, cmd, expected) => {
    const db = await Stratum.cache();
    await db.vectorCreateCollection('docs', 2, 'cosine');
    await db.vectorUpsert('docs', 'a', [1, 1]);
    const before = await observe(db);
    const s = db.session();
    await s.execute({ type: 'TxnBegin' });
    expect(await code(s.execute(cmd))).toBe(expected);
    expect(await s.execute({ type: 'TxnIsActive' })).toEqual({ type: 'Bool', value: true });
    await s.execute({ type: 'TxnCommit' });
    expect(await observe(db)).toEqual(before);
    await db.close();
  });
});

describe('histories and type scans inside a transaction', () => {
  it('KvGetv, StateGetv and JsonGetv show the pending write over the snapshot versions', async () => {
    const db = await Stratum.cache();
    await db.execute({ type: 'KvPut', key: 'k', value: 1 });
    await db.execute({ type: 'StateSet', cell: 'c', value: 1 });
    await db.execute({ type: 'JsonSet', key: 'd', path: '$', value: { a: 1 } });
    const s = db.session();
    await s.execute({ type: 'TxnBegin' });
    await db.execute({ type: 'KvPut', key: 'k', value: 'after the snapshot' });
    await s.execute({ type: 'KvDelete', key: 'k' });
    await s.execute({ type: 'StateSet', cell: 'c', value: 2 });
    await s.execute({ type: 'JsonSet', key: 'd', path: '$.b', value: 2 });
    const ts = expect.any(Number);
    expect(await s.execute({ type: 'KvGetv', key: 'k' })).toEqual({
      type: 'VersionHistory',
      value: [{ value: null, version: null, timestamp: null, deleted: true }, { value: 1, version: 1, timestamp: ts }],
    });
    expect(await s.execute({ type: 'StateGetv', cell: 'c' })).toEqual({
      type: 'VersionHistory',
      value: [{ value: 2, version: null, timestamp: null }, { value: 1, version: 1, timestamp: ts }],
    });
    expect(await s.execute({ type: 'JsonGetv', key: 'd' })).toEqual({
      type: 'VersionHistory',
      value: [{ value: { a: 1, b: 2 }, version: null, timestamp: null }, { value: { a: 1 }, version: 1, timestamp: ts }],
    });
    expect(await s.execute({ type: 'KvGetv', key: 'none' })).toEqual({ type: 'VersionHistory', value: null });
    await s.execute({ type: 'TxnRollback' });
    expect((await s.execute({ type: 'KvGetv', key: 'k' })).value).toHaveLength(2);
    await db.close();
  });

  it('EventGetByType includes the events the transaction appended', async () => {
    const db = await Stratum.cache();
    await db.execute({ type: 'EventAppend', eventType: 'call', payload: { n: 0 } });
    const s = db.session();
    await s.execute({ type: 'TxnBegin' });
    await s.execute({ type: 'EventAppend', eventType: 'call', payload: { n: 1 } });
    await s.execute({ type: 'EventAppend', eventType: 'other', payload: { n: 2 } });
    expect(await s.execute({ type: 'EventGetByType', eventType: 'call' })).toEqual({
      type: 'VersionedValues',
      value: [{ value: { n: 0 }, version: 0, timestamp: expect.any(Number) }, { value: { n: 1 }, version: null, timestamp: null }],
    });
    expect((await s.execute({ type: 'EventGetByType', eventType: 'call', afterSequence: 0 })).value).toEqual([{ value: { n: 1 }, version: null, timestamp: null }]);
    expect((await db.execute({ type: 'EventGetByType', eventType: 'call' })).value).toHaveLength(1);
    await s.execute({ type: 'TxnCommit' });
    expect((await db.execute({ type: 'EventGetByType', eventType: 'call' })).value.map((e) => e.version)).toEqual([0, 1]);
    await db.close();
  });
});
