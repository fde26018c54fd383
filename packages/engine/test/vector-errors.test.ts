import { namespacePrefix } from '@stratum/core';
import { openStore } from '@stratum/storage';
import { describe, expect, it } from 'vitest';
import { Engine, type Scope } from '../src/index.js';

/** A memory engine with collection `docs` (3-dim cosine) holding one vector, in space `s`. */
async function seeded(): Promise<{ engine: Engine; scope: Scope; tick: () => number }> {
  const engine = await Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });
  let now = 1_000;
  const tick = () => (now += 10);
  const scope = engine.scope('default', 's');
  await engine.vectors.createCollection(scope, 'docs', 3, 'cosine', tick());
  await engine.vectors.upsert(scope, 'docs', { key: 'v1', vector: [1, 0, 0], metadata: { tag: 'a' } }, tick());
  return { engine, scope, tick };
}

/** Every live record of the default branch plus the commit version: equal snapshots mean nothing changed. */
async function snapshot(engine: Engine): Promise<unknown> {
  await engine.db.settled();
  const records = await engine.db.store.scan(namespacePrefix('default'));
  return { version: engine.db.version, records: records.map(([k, r]) => [Buffer.from(k).toString('hex'), r]) };
}

type Call = (e: Engine, s: Scope, at: number) => Promise<unknown>;

const long = (n: number) => Array.from({ length: n }, () => 0.5);
const NAME_CASES: [string, string][] = [
  ['empty', ''],
  ['reserved', '_system'],
  ['with a slash', 'a/b'],
  ['with NUL', 'a\u0000b'],
  ['257 bytes', 'c'.repeat(257)],
];

/** Every vector command, with a collection name to put in it. */
const BY_NAME: [string, (name: string) => Call][] = [
  ['create', (n) => (e, s, at) => e.vectors.createCollection(s, n, 3, 'cosine', at)],
  ['drop', (n) => (e, s, at) => e.vectors.deleteCollection(s, n, at)],
  ['stats', (n) => (e, s) => e.vectors.collectionStats(s, n)],
  ['upsert', (n) => (e, s, at) => e.vectors.upsert(s, n, { key: 'k', vector: [1, 0, 0] }, at)],
  ['batch', (n) => (e, s, at) => e.vectors.batchUpsert(s, n, [{ key: 'k', vector: [1, 0, 0] }], at)],
  ['batch (empty)', (n) => (e, s, at) => e.vectors.batchUpsert(s, n, [], at)],
  ['get', (n) => (e, s) => e.vectors.get(s, n, 'v1')],
  ['get asOf', (n) => (e, s) => e.vectors.get(s, n, 'v1', 5_000)],
  ['delete', (n) => (e, s, at) => e.vectors.delete(s, n, 'v1', at)],
  ['search', (n) => (e, s) => e.vectors.search(s, n, { query: [1, 0, 0], k: 1 })],
  ['search asOf', (n) => (e, s) => e.vectors.search(s, n, { query: [1, 0, 0], k: 1, asOf: 5_000 })],
];

const CASES: [string, Call, string, Record<string, unknown>?][] = [
  ...NAME_CASES.flatMap(([what, name]) =>
    BY_NAME.map(([cmd, call]): [string, Call, string] => [`${cmd}: collection name ${what}`, call(name), 'InvalidInput']),
  ),
  ['create: bad metric', (e, s, at) => e.vectors.createCollection(s, 'x', 3, 'manhattan', at), 'InvalidInput', { metric: 'manhattan' }],
  ['create: dimension 0', (e, s, at) => e.vectors.createCollection(s, 'x', 0, 'cosine', at), 'InvalidInput'],
  ['create: duplicate', (e, s, at) => e.vectors.createCollection(s, 'docs', 3, 'cosine', at), 'CollectionExists', { collection: 'docs' }],
  ['upsert: empty key', (e, s, at) => e.vectors.upsert(s, 'docs', { key: '', vector: [1, 0, 0] }, at), 'InvalidInput'],
  ['upsert: reserved key', (e, s, at) => e.vectors.upsert(s, 'docs', { key: '_strata/x', vector: [1, 0, 0] }, at), 'InvalidInput'],
  ['upsert: key over 1024 bytes', (e, s, at) => e.vectors.upsert(s, 'docs', { key: 'k'.repeat(1025), vector: [1, 0, 0] }, at), 'ConstraintViolation'],
  ['upsert: 8193 components', (e, s, at) => e.vectors.upsert(s, 'docs', { key: 'k', vector: long(8193) }, at), 'ConstraintViolation', { resource: 'vector_dim_exceeded' }],
  ['upsert: NaN', (e, s, at) => e.vectors.upsert(s, 'docs', { key: 'k', vector: [1, NaN, 0] }, at), 'InvalidInput', { path: '/vector/1' }],
  ['upsert: Infinity', (e, s, at) => e.vectors.upsert(s, 'docs', { key: 'k', vector: [1, 0, -Infinity] }, at), 'InvalidInput', { path: '/vector/2' }],
  ['upsert: beyond float32', (e, s, at) => e.vectors.upsert(s, 'docs', { key: 'k', vector: [1e39, 0, 0] }, at), 'InvalidInput', { path: '/vector/0' }],
  ['upsert: metadata with a bad Int', (e, s, at) => e.vectors.upsert(s, 'docs', { key: 'k', vector: [1, 0, 0], metadata: { n: 2n ** 64n } }, at), 'InvalidInput'],
  ['upsert: missing collection', (e, s, at) => e.vectors.upsert(s, 'nope', { key: 'k', vector: [1, 0, 0] }, at), 'CollectionNotFound', { collection: 'nope' }],
  ['upsert: wrong dimension', (e, s, at) => e.vectors.upsert(s, 'docs', { key: 'k', vector: [1, 0] }, at), 'DimensionMismatch', { expected: 3, actual: 2 }],
  ['upsert: NaN before the collection is looked up', (e, s, at) => e.vectors.upsert(s, 'nope', { key: 'k', vector: [NaN] }, at), 'InvalidInput'],
  [
    'batch: one bad entry writes nothing',
    (e, s, at) => e.vectors.batchUpsert(s, 'docs', [{ key: 'ok', vector: [1, 0, 0] }, { key: 'bad', vector: [1, 0] }], at),
    'DimensionMismatch',
    { expected: 3, actual: 2, key: 'bad' },
  ],
  ['batch: a bad key', (e, s, at) => e.vectors.batchUpsert(s, 'docs', [{ key: 'ok', vector: [1, 0, 0] }, { key: '', vector: [1, 0, 0] }], at), 'InvalidInput'],
  ['batch: NaN', (e, s, at) => e.vectors.batchUpsert(s, 'docs', [{ key: 'ok', vector: [1, 0, 0] }, { key: 'n', vector: [0, NaN, 0] }], at), 'InvalidInput', { path: '/entries/1/vector/1' }],
  ['batch: missing collection', (e, s, at) => e.vectors.batchUpsert(s, 'nope', [{ key: 'k', vector: [1, 0, 0] }], at), 'CollectionNotFound'],
  ['get: missing collection', (e, s) => e.vectors.get(s, 'nope', 'v1'), 'CollectionNotFound', { collection: 'nope' }],
  ['get: empty key', (e, s) => e.vectors.get(s, 'docs', ''), 'InvalidInput'],
  ['delete: missing collection', (e, s, at) => e.vectors.delete(s, 'nope', 'v1', at), 'CollectionNotFound'],
  ['delete: NUL in the key', (e, s, at) => e.vectors.delete(s, 'docs', 'a\u0000', at), 'InvalidInput'],
  ['stats: missing collection', (e, s) => e.vectors.collectionStats(s, 'nope'), 'CollectionNotFound', { collection: 'nope' }],
  ['search: missing collection', (e, s) => e.vectors.search(s, 'nope', { query: [1, 0, 0], k: 1 }), 'CollectionNotFound'],
  ['search: wrong dimension', (e, s) => e.vectors.search(s, 'docs', { query: [1, 0, 0, 0], k: 1 }), 'DimensionMismatch', { expected: 3, actual: 4 }],
  ['search: wrong dimension with k 0', (e, s) => e.vectors.search(s, 'docs', { query: [1], k: 0 }), 'DimensionMismatch'],
  ['search: another metric', (e, s) => e.vectors.search(s, 'docs', { query: [1, 0, 0], k: 1, metric: 'euclidean' }), 'InvalidInput', { metric: 'euclidean', expected: 'cosine' }],
  ['search: NaN in the query', (e, s) => e.vectors.search(s, 'docs', { query: [NaN, 0, 0], k: 1 }), 'InvalidInput', { path: '/query/0' }],
  ['search asOf: NaN in the query', (e, s) => e.vectors.search(s, 'docs', { query: [Infinity, 0, 0], k: 1, asOf: 5_000 }), 'InvalidInput'],
  ['search: 8193 components', (e, s) => e.vectors.search(s, 'docs', { query: long(8193), k: 1 }), 'ConstraintViolation'],
  ['search: in with a non-array', (e, s) => e.vectors.search(s, 'docs', { query: [1, 0, 0], k: 1, filter: [{ field: 'tag', op: 'in', value: 'a' }] }), 'InvalidInput'],
];

describe('vector errors', () => {
  it.each(CASES)('%s → %s, nothing changes', async (_, call, expected, details) => {
    const { engine, scope, tick } = await seeded();
    const before = await snapshot(engine);
    const e = await call(engine, scope, tick()).then(() => undefined, (x: unknown) => x);
    expect(e).toMatchObject({ code: expected, ...(details === undefined ? {} : { details }) });
    expect(await snapshot(engine)).toEqual(before);
    expect(engine.spaces.exists('default', 's')).toBe(true);
    await engine.close();
  });

  it('checks the space name and the branch first, on every command', async () => {
    const { engine } = await seeded();
    expect(() => engine.scope('default', 'Bad Space')).toThrow(expect.objectContaining({ code: 'InvalidInput' }));
    expect(() => engine.scope('nope', 's')).toThrow(expect.objectContaining({ code: 'BranchNotFound' }));
    await engine.close();
  });

  it('registers nothing when a command in a new space changes nothing', async () => {
    const { engine, tick } = await seeded();
    const fresh = engine.scope('default', 'fresh');
    const before = await snapshot(engine);
    expect(await engine.vectors.deleteCollection(fresh, 'docs', tick())).toBe(false);
    expect(await engine.vectors.batchUpsert(fresh, 'docs', [], tick())).toEqual([]);
    expect(await engine.vectors.listCollections(fresh)).toEqual([]);
    expect(await engine.vectors.upsert(fresh, 'docs', { key: 'k', vector: [1] }, tick()).catch((x: { code: string }) => x.code)).toBe('CollectionNotFound');
    expect(await snapshot(engine)).toEqual(before);
    expect(engine.spaces.exists('default', 'fresh')).toBe(false);
    // A collection created there registers the space in the same commit.
    const version = engine.db.version;
    await engine.vectors.createCollection(fresh, 'docs', 1, 'cosine', tick());
    expect(engine.db.version).toBe(version + 1);
    expect(engine.spaces.exists('default', 'fresh')).toBe(true);
    await engine.close();
  });
});
