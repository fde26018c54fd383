import { describe, expect, it } from 'vitest';
import { Stratum, type Command } from '../src/index.js';
import { tempDir } from './helpers.js';

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

/** What a client can observe of the vectors of every space: changes to any of it show up here. */
async function observe(db: Stratum): Promise<unknown> {
  const spaces = await db.listSpaces();
  const out: Record<string, unknown> = {};
  for (const space of spaces) {
    out[space] = await db.inSpace(space, async (s) => {
      const collections = await s.vectorListCollections();
      const contents = await Promise.all(
        collections.map(async (c) => [c.name, await s.vectorSearch(c.name, new Array(c.dimension).fill(1), 1000)]),
      );
      return { collections, contents };
    });
  }
  return { version: db.engine.db.version, spaces, out };
}

describe('vectors through the Stratum handle', () => {
  it('creates, upserts, reads, searches, lists and deletes', async () => {
    const db = await Stratum.cache();
    expect(await db.vectorCreateCollection('docs', 3, 'cosine')).toBe(1);
    expect(await db.vectorUpsert('docs', 'd1', [1, 0, 0], { lang: 'en', year: 2024 })).toBe(1);
    expect(await db.vectorUpsert('docs', 'd2', Float32Array.of(0.6, 0.8, 0))).toBe(1);
    expect(await db.vectorBatchUpsert('docs', [{ key: 'd3', vector: [0, 0, 1], metadata: { year: 1999 } }, { key: 'd2', vector: [0.6, 0.8, 0] }])).toEqual([1, 2]);
    expect(await db.vectorSearch('docs', [1, 0, 0], 5, { filter: [{ field: 'year', op: 'gte', value: 2020 }] })).toEqual([
      { key: 'd1', score: 1, metadata: { lang: 'en', year: 2024 } },
    ]);
    expect((await db.vectorSearch('docs', [1, 0, 0], 2, { metric: 'cosine' })).map((m) => [m.key, m.score])).toEqual([['d1', 1], ['d2', 0.6]]);
    const d2 = await db.vectorGet('docs', 'd2');
    expect(d2).toEqual({ key: 'd2', embedding: [0.6, 0.8, 0], metadata: null, version: 2, timestamp: expect.any(Number) });
    expect(await db.vectorGet('docs', 'd2', { asOf: d2!.timestamp - 1 })).toMatchObject({ version: 1 });
    expect(await db.vectorCollectionStats('docs')).toEqual({ name: 'docs', dimension: 3, metric: 'cosine', count: 3, indexType: 'exact', memoryBytes: 36 });
    expect(await db.vectorDelete('docs', 'd3')).toBe(true);
    expect(await db.vectorDelete('docs', 'd3')).toBe(false);
    expect((await db.vectorListCollections()).map((c) => [c.name, c.count])).toEqual([['docs', 2]]);
    expect(await db.vectorDeleteCollection('docs')).toBe(true);
    expect(await db.vectorDeleteCollection('docs')).toBe(false);
    expect(await db.vectorListCollections()).toEqual([]);
    await db.close();
  });

  it.each<[string, (db: Stratum) => Promise<unknown>, string]>([
    ['upsert', (db) => db.vectorUpsert('docs', 'k', [1, NaN, 0]), '/vector/1'],
    ['upsert (typed array)', (db) => db.vectorUpsert('docs', 'k', Float64Array.of(Infinity, 0, 0)), '/vector/0'],
    ['batch upsert', (db) => db.vectorBatchUpsert('docs', [{ key: 'a', vector: [1, 0, 0] }, { key: 'b', vector: [0, -Infinity, 0] }]), '/entries/1/vector/1'],
    ['search', (db) => db.vectorSearch('docs', [NaN, 0, 0], 3), '/query/0'],
    ['upsert beyond float32', (db) => db.vectorUpsert('docs', 'k', [0, 0, -1e40]), '/vector/2'],
  ])('refuses NaN and infinities from typed callers with InvalidInput: %s', async (_, call, path) => {
    const db = await Stratum.cache();
    await db.vectorCreateCollection('docs', 3, 'euclidean');
    const before = await observe(db);
    const e = await call(db).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'InvalidInput', details: { reason: 'Invalid embedding: embedding contains NaN or Infinity values', path } });
    expect(await observe(db)).toEqual(before);
    await db.close();
  });

  it('answers a raw command holding NaN like any mistyped field (no JSON form), and one beyond float32 with InvalidInput', async () => {
    const db = await Stratum.cache();
    await db.vectorCreateCollection('docs', 2, 'cosine');
    expect(await db.execute({ type: 'VectorUpsert', collection: 'docs', key: 'k', vector: [NaN, 1] }).catch((e: unknown) => e)).toMatchObject({
      code: 'InvalidCommand',
      details: { path: '/vector/0' },
    });
    expect(await code(db.execute({ type: 'VectorUpsert', collection: 'docs', key: 'k', vector: [1e39, 1] }))).toBe('InvalidInput');
    await db.close();
  });
});

describe('vectors across spaces (the spaces seed isolation tests)', () => {
  it('keeps same-named collections in two spaces independent', async () => {
    const db = await Stratum.cache();
    await db.setSpace('acme');
    await db.vectorCreateCollection('docs', 2, 'cosine');
    await db.vectorUpsert('docs', 'shared-key', [1, 0], { owner: 'acme' });
    await db.vectorUpsert('docs', 'acme-only', [0, 1]);
    await db.setSpace('globex');
    expect(await code(db.vectorSearch('docs', [1, 0], 5))).toBe('CollectionNotFound');
    // Same name, other dimension and metric: the StrataDB bug would replace acme's index here.
    await db.vectorCreateCollection('docs', 3, 'dot_product');
    await db.vectorUpsert('docs', 'shared-key', [0, 0, 2], { owner: 'globex' });
    expect(await db.vectorSearch('docs', [0, 0, 1], 5)).toEqual([{ key: 'shared-key', score: 2, metadata: { owner: 'globex' } }]);
    expect(await db.vectorGet('docs', 'acme-only')).toBeNull();

    await db.setSpace('acme');
    expect(await db.vectorSearch('docs', [1, 0], 5)).toEqual([
      { key: 'shared-key', score: 1, metadata: { owner: 'acme' } },
      { key: 'acme-only', score: 0, metadata: null },
    ]);
    expect(await db.vectorGet('docs', 'shared-key')).toMatchObject({ embedding: [1, 0], version: 1, metadata: { owner: 'acme' } });
    expect(await db.vectorCollectionStats('docs')).toMatchObject({ dimension: 2, metric: 'cosine', count: 2 });
    expect(await db.inSpace('globex', (s) => s.vectorCollectionStats('docs'))).toMatchObject({ dimension: 3, metric: 'dot_product', count: 1 });
    await db.close();
  });

  it('makes operations in one space invisible in another', async () => {
    const db = await Stratum.cache();
    for (const space of ['a', 'b']) await db.inSpace(space, (s) => s.vectorCreateCollection('docs', 1, 'dot_product'));
    await db.inSpace('a', async (s) => {
      await s.vectorUpsert('docs', 'k', [1]);
      await s.vectorUpsert('docs', 'gone', [2]);
      expect(await s.vectorDelete('docs', 'gone')).toBe(true);
    });
    await db.inSpace('b', async (s) => {
      expect(await s.vectorSearch('docs', [1], 10)).toEqual([]);
      expect(await s.vectorGet('docs', 'k')).toBeNull();
      expect(await s.vectorDelete('docs', 'k')).toBe(false);
      expect(await s.vectorDeleteCollection('docs')).toBe(true);
    });
    expect(await db.inSpace('a', (s) => s.vectorSearch('docs', [1], 10))).toEqual([{ key: 'k', score: 1, metadata: null }]);
    expect(await db.inSpace('b', (s) => s.vectorListCollections())).toEqual([]);
    expect(await db.vectorListCollections()).toEqual([]);
    expect(await db.execute({ type: 'SpaceInfo', space: 'a' })).toMatchObject({ counts: { collections: 1, vectors: 1 } });
    expect(await db.execute({ type: 'SpaceInfo', space: 'b' })).toMatchObject({ counts: { collections: 0, vectors: 0 } });
    expect(await db.execute({ type: 'Info' })).toMatchObject({ value: { totalKeys: 1 } });
    await db.close();
  });

  it('registers a new space with its first collection, in the same commit, and never for a failed command', async () => {
    const db = await Stratum.cache();
    const version = db.engine.db.version;
    expect(await code(db.execute({ type: 'VectorUpsert', space: 'fresh', collection: 'docs', key: 'k', vector: [1] }))).toBe('CollectionNotFound');
    expect(await db.execute({ type: 'VectorDeleteCollection', space: 'fresh', collection: 'docs' })).toEqual({ type: 'Bool', value: false });
    expect(await db.spaceExists('fresh')).toBe(false);
    expect(db.engine.db.version).toBe(version);
    await db.execute({ type: 'VectorCreateCollection', space: 'fresh', collection: 'docs', dimension: 1, metric: 'cosine' });
    expect(db.engine.db.version).toBe(version + 1);
    expect(await db.listSpaces()).toEqual(['default', 'fresh']);
    await db.close();
  });

  it('checks the space name and the branch on every vector command', async () => {
    const db = await Stratum.cache();
    await db.vectorCreateCollection('docs', 1, 'cosine');
    const before = await observe(db);
    const commands: Command[] = [
      { type: 'VectorCreateCollection', collection: 'docs', dimension: 1, metric: 'cosine' },
      { type: 'VectorDeleteCollection', collection: 'docs' },
      { type: 'VectorListCollections' },
      { type: 'VectorCollectionStats', collection: 'docs' },
      { type: 'VectorUpsert', collection: 'docs', key: 'k', vector: [1] },
      { type: 'VectorBatchUpsert', collection: 'docs', entries: [] },
      { type: 'VectorGet', collection: 'docs', key: 'k' },
      { type: 'VectorDelete', collection: 'docs', key: 'k' },
      { type: 'VectorSearch', collection: 'docs', query: [1], k: 1 },
    ];
    for (const command of commands) {
      for (const space of ['Bad', '_system_x', '', 'a'.repeat(65)]) {
        expect(await db.execute({ ...command, space } as Command).catch((e: unknown) => e)).toMatchObject({ code: 'InvalidInput', details: { space } });
      }
      expect(await db.execute({ ...command, branch: 'feature' } as Command).catch((e: unknown) => e)).toMatchObject({
        code: 'BranchNotFound',
        details: { branch: 'feature' },
      });
    }
    expect(await observe(db)).toEqual(before);
    await db.close();
  });

  it('keeps every space’s collections across a restart', async () => {
    const dir = await tempDir();
    let db = await Stratum.open(dir);
    for (const tenant of ['acme-corp', 'globex', 'initech']) {
      await db.inSpace(tenant, async (s) => {
        await s.vectorCreateCollection('docs', 4, 'cosine');
        await s.vectorUpsert('docs', `${tenant}-doc`, [1, 2, 3, 4], { tenant });
      });
    }
    const before = await observe(db);
    await db.close();
    db = await Stratum.open(dir);
    expect(await observe(db)).toEqual(before);
    expect(await db.inSpace('globex', (s) => s.vectorSearch('docs', [1, 2, 3, 4], 5))).toEqual([
      { key: 'globex-doc', score: 1, metadata: { tenant: 'globex' } },
    ]);
    await db.close();
  });

  it('drops a force-deleted space’s collections and refuses a plain delete of a space holding one', async () => {
    const db = await Stratum.cache();
    await db.inSpace('tmp', async (s) => {
      await s.vectorCreateCollection('docs', 1, 'cosine');
    });
    expect(await code(db.deleteSpace('tmp'))).toBe('ConstraintViolation');
    await db.inSpace('tmp', (s) => s.vectorUpsert('docs', 'k', [1]));
    await db.deleteSpaceForce('tmp');
    expect(await db.inSpace('tmp', (s) => s.vectorListCollections())).toEqual([]);
    expect(await db.inSpace('tmp', (s) => code(s.vectorSearch('docs', [1], 1)))).toBe('CollectionNotFound');
    await db.close();
  });
});
