import { describe, expect, it } from 'vitest';
import { Stratum } from '../src/index.js';
import { tempDir } from './helpers.js';

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

/** What a handle sees of the JSON family: every document of a space with its counter. */
async function documents(db: Stratum): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of (await db.jsonList({ limit: 1000 })).keys) {
    const doc = await db.jsonGet(key);
    out[key] = { value: doc?.value, version: doc?.version };
  }
  return out;
}

describe('JSON documents through the typed API', () => {
  it('sets, reads, deletes, lists and keeps history', async () => {
    const db = await Stratum.cache();
    expect(await db.jsonSet('cfg', '$', { debug: true })).toBe(1);
    expect(await db.jsonSet('cfg', '$.limits.items[0]', 10)).toBe(2);
    expect(await db.jsonGet('cfg')).toMatchObject({ value: { debug: true, limits: { items: [10] } }, version: 2 });
    expect((await db.jsonGet('cfg', 'limits.items'))?.value).toEqual([10]);
    expect(await db.jsonGet('cfg', 'nope')).toBeNull();
    expect(await db.jsonDelete('cfg', '$.nope')).toBe(0);
    expect(await db.jsonDelete('cfg', 'debug')).toBe(1);
    expect(await db.jsonList({ prefix: 'c', limit: 1 })).toEqual({ keys: ['cfg'], cursor: null });
    const history = await db.jsonGetv('cfg');
    expect(history?.map((e) => e.version)).toEqual([3, 2, 1]);
    const t1 = history?.[2]?.timestamp as number;
    expect((await db.jsonGet('cfg', '$', { asOf: t1 }))?.value).toEqual({ debug: true });
    expect((await db.jsonGetv('cfg', { asOf: t1 }))?.length).toBe(1);
    expect(await db.jsonDelete('cfg')).toBe(1);
    expect(await db.jsonGet('cfg')).toBeNull();
    expect((await db.jsonGetv('cfg'))?.[0]).toMatchObject({ value: null, version: 0, deleted: true });
    await db.close();
  });

  it('batches with per-entry errors, application errors included', async () => {
    const db = await Stratum.cache();
    await db.jsonSet('s', '$', 'scalar');
    const results = await db.jsonBatchSet([
      { key: 'a', path: '$', value: { n: 1 } },
      { key: 's', path: 'x', value: 1 },
      { key: 'a', path: 'n', value: 2 },
      { key: 'b', path: 'a.', value: 1 },
    ]);
    expect(results).toEqual([
      { version: 1 },
      { error: { code: 'InvalidInput', message: "Path error: type mismatch at '$': expected object, found string" } },
      { version: 2 },
      { error: { code: 'InvalidInput', message: "Invalid JSON path 'a.': empty key at position 2" } },
    ]);
    expect(await documents(db)).toEqual({ a: { value: { n: 2 }, version: 2 }, s: { value: 'scalar', version: 1 } });
    await db.close();
  });

  it('pages a listing with the returned cursor', async () => {
    const db = await Stratum.cache();
    await db.jsonBatchSet(['d', 'a', 'c', 'b', 'e'].map((key) => ({ key, path: '$', value: 1 })));
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: { keys: string[]; cursor: string | null } = await db.jsonList({ limit: 2, ...(cursor === null ? {} : { cursor }) });
      pages.push(page.keys);
      cursor = page.cursor;
    } while (cursor !== null);
    expect(pages).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    await db.close();
  });

  it('counts documents in SpaceInfo and Info', async () => {
    const db = await Stratum.cache();
    await db.inSpace('docs', async (s) => {
      await s.jsonSet('a', '$', 1);
      await s.jsonSet('b', 'x.y', 2);
      await s.jsonSet('b', 'x.z', 3);
    });
    await db.kvPut('k', 1);
    const info = await db.execute({ type: 'SpaceInfo', space: 'docs' });
    expect(info.counts).toEqual({ kv: 0, json: 2, state: 0, events: 0, collections: 0, vectors: 0 });
    expect((await db.execute({ type: 'Info' })).value.totalKeys).toBe(3);
    await db.close();
  });

  it('survives a restart', async () => {
    const dir = await tempDir();
    let db = await Stratum.open(dir);
    await db.setSpace('notes');
    await db.jsonSet('n', '$', { tags: ['a'] });
    await db.jsonSet('n', 'tags[1]', 'b');
    await db.close();
    db = await Stratum.open(dir);
    await db.setSpace('notes');
    expect(await db.jsonGet('n')).toMatchObject({ value: { tags: ['a', 'b'] }, version: 2 });
    expect(await db.jsonSet('n', 'tags[2]', 'c')).toBe(3);
    await db.close();
  });
});

describe('JSON documents across spaces (the spaces seed test list)', () => {
  it('keeps the same document key independent across spaces', async () => {
    const db = await Stratum.cache();
    await db.jsonSet('doc', '$', { in: 'default' });
    await db.setSpace('a');
    expect(await db.jsonGet('doc')).toBeNull();
    expect(await db.jsonSet('doc', '$', { in: 'a' })).toBe(1);
    await db.setSpace('b');
    expect(await db.jsonSet('doc', 'in', 'b')).toBe(1);
    expect(await db.jsonSet('doc', 'extra', true)).toBe(2);
    await db.setSpace('default');
    expect(await db.jsonGet('doc')).toMatchObject({ value: { in: 'default' }, version: 1 });
    expect(await db.inSpace('a', (s) => s.jsonGet('doc', 'in'))).toMatchObject({ value: 'a', version: 1 });
    expect(await db.inSpace('b', (s) => s.jsonGet('doc'))).toMatchObject({ value: { in: 'b', extra: true }, version: 2 });
    await db.close();
  });

  it('makes operations in one space invisible in another', async () => {
    const db = await Stratum.cache();
    await db.inSpace('b', (s) => s.jsonSet('shared', '$', 'b stays'));
    const before = await db.inSpace('b', (s) => documents(s));
    const a = db.newHandle();
    await a.setSpace('a');
    await a.jsonSet('shared', '$', { x: 1 });
    await a.jsonSet('shared', 'x', 2);
    await a.jsonBatchSet([{ key: 'only-a', path: '$', value: 1 }, { key: 'shared', path: 'y', value: 3 }]);
    await a.jsonDelete('shared', 'x');
    await a.jsonDelete('only-a');
    expect(await db.inSpace('b', (s) => documents(s))).toEqual(before);
    expect(await db.inSpace('b', (s) => s.jsonGetv('shared'))).toHaveLength(1);
    expect(await db.inSpace('b', (s) => s.jsonGetv('only-a'))).toBeNull();
    expect(await db.jsonList({ limit: 10 })).toEqual({ keys: [], cursor: null });
    expect(await a.jsonList({ limit: 10 })).toEqual({ keys: ['shared'], cursor: null });
    await db.close();
  });

  it('uses the space and branch a command names over the handle’s', async () => {
    const db = await Stratum.cache();
    await db.execute({ type: 'JsonSet', space: 'elsewhere', key: 'k', path: '$', value: 1 });
    expect(await db.jsonGet('k')).toBeNull();
    expect(await db.inSpace('elsewhere', (s) => s.jsonGet('k'))).toMatchObject({ value: 1 });
    expect(await db.spaceExists('elsewhere')).toBe(true);
    await db.close();
  });
});

describe('JSON commands refuse bad input and change nothing', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a bad space name', { type: 'JsonSet', space: 'Bad Name', key: 'k', path: '$', value: 1 }, 'InvalidInput'],
    ['a reserved space name', { type: 'JsonGet', space: '_system_x', key: 'k', path: '$' }, 'InvalidInput'],
    ['a missing branch', { type: 'JsonSet', branch: 'feature', key: 'k', path: '$', value: 1 }, 'BranchNotFound'],
    ['a missing branch on a read', { type: 'JsonList', branch: 'feature', limit: 1 }, 'BranchNotFound'],
    ['an empty key', { type: 'JsonSet', key: '', path: '$', value: 1 }, 'InvalidInput'],
    ['a reserved key', { type: 'JsonDelete', key: '_strata/x', path: '$' }, 'InvalidInput'],
    ['a malformed path', { type: 'JsonSet', key: 'k', path: '[1', value: 1 }, 'InvalidInput'],
    ['NaN in the value', { type: 'JsonSet', key: 'k', path: '$', value: { a: NaN } }, 'Serialization'],
    ['an unknown field', { type: 'JsonSet', key: 'k', path: '$', value: 1, extra: true }, 'InvalidCommand'],
    ['an unknown entry field', { type: 'JsonBatchSet', entries: [{ key: 'k', path: '$', value: 1, x: 1 }] }, 'InvalidCommand'],
    ['a missing limit', { type: 'JsonList' }, 'InvalidCommand'],
    ['a negative limit', { type: 'JsonList', limit: -1 }, 'InvalidCommand'],
    ['a path that is not a string', { type: 'JsonGet', key: 'k', path: 1 }, 'InvalidCommand'],
    ['asOf on a delete', { type: 'JsonDelete', key: 'k', path: '$', asOf: 1 }, 'InvalidCommand'],
  ])('%s', async (_, cmd, expected) => {
    const db = await Stratum.cache();
    await db.jsonSet('k', '$', { kept: true });
    const before = await documents(db);
    expect(await code(db.execute(cmd as never))).toBe(expected);
    expect(await documents(db)).toEqual(before);
    expect(await db.listSpaces()).toEqual(['default']);
    await db.close();
  });

  it('refuses writes on a read-only database', async () => {
    const dir = await tempDir();
    const rw = await Stratum.open(dir);
    await rw.jsonSet('k', '$', 1);
    await rw.close();
    const db = await Stratum.open(dir, { readOnly: true });
    expect(await code(db.jsonSet('k', '$', 2))).toBe('AccessDenied');
    expect(await code(db.jsonDelete('k'))).toBe('AccessDenied');
    expect(await code(db.jsonBatchSet([{ key: 'k', path: '$', value: 3 }]))).toBe('AccessDenied');
    expect(await db.jsonGet('k')).toMatchObject({ value: 1, version: 1 });
    await db.close();
  });
});
