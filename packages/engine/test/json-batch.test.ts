import type { Value } from '@stratum/core';
import { openStore } from '@stratum/storage';
import { describe, expect, it } from 'vitest';
import { code, counting, details, nested, open, snapshot } from './json-helpers.js';

describe('JsonStore document limits', () => {
  it('allows nesting 100 and refuses 101, also when a path write would make it', async () => {
    const { engine, scope, tick } = await open();
    expect(await engine.json.set(scope, 'd', '$', nested(100), tick())).toBe(1);
    expect(await details(engine.json.set(scope, 'e', '$', nested(101), tick()))).toMatchObject({
      resource: 'document_depth', limit: 100, requested: 101,
    });
    await engine.json.set(scope, 'p', '$', { a: nested(99) }, tick());
    const before = await snapshot(engine);
    expect(await details(engine.json.set(scope, 'p', 'b.c', nested(99), tick()))).toMatchObject({ resource: 'document_depth', requested: 101 });
    expect(await code(engine.json.set(scope, 'p', 'a[0]', nested(99), tick()))).toBe('InvalidInput');
    expect(await snapshot(engine)).toEqual(before);
    expect(await engine.json.set(scope, 'p', 'b', nested(99), tick())).toBe(2);
    await engine.close();
  });

  it('leaves nesting beyond the value limit (128) to the value check (ConstraintViolation)', async () => {
    const { engine, scope, tick } = await open();
    expect(await code(engine.json.set(scope, 'd', '$', nested(129), tick()))).toBe('ConstraintViolation');
    await engine.close();
  });

  it('refuses a document over 16 MiB as wire JSON, however it got there', async () => {
    const { engine, scope, tick } = await open();
    const nine = 'x'.repeat(9 * 1024 * 1024);
    expect(await engine.json.set(scope, 'd', 'a', nine, tick())).toBe(1);
    const before = await snapshot(engine);
    expect(await details(engine.json.set(scope, 'd', 'b', nine, tick()))).toMatchObject({
      resource: 'document_size', limit: 16 * 1024 * 1024,
    });
    expect(await snapshot(engine)).toEqual(before);
    // Escapes count: 3 MiB of newlines are 6 MiB of JSON.
    expect(await engine.json.set(scope, 'e', '$', '\n'.repeat(3 * 1024 * 1024), tick())).toBe(1);
    expect(await code(engine.json.set(scope, 'e', '$', '\n'.repeat(9 * 1024 * 1024), tick()))).toBe('InvalidInput');
    await engine.close();
  });

  it('refuses an append past 1,000,000 array entries', async () => {
    const { engine, scope, tick } = await open();
    await engine.json.set(scope, 'd', 'list', new Array<Value>(1_000_000).fill(0), tick());
    expect(await details(engine.json.set(scope, 'd', 'list[1000000]', 1, tick()))).toMatchObject({
      resource: 'array_size', limit: 1_000_000, requested: 1_000_001,
    });
    expect(await engine.json.set(scope, 'd', 'list[999999]', 1, tick())).toBe(2);
    await engine.close();
  });
});

describe('JsonStore batchSet', () => {
  it('gives each failing entry its own error, applies the rest in order in one commit', async () => {
    const counted = counting(await openStore({ memory: true }));
    const { engine, scope, tick } = await open(counted.store);
    await engine.json.set(scope, 'cfg', '$', { debug: true }, tick());
    counted.batches.length = 0;
    const version = engine.db.version;
    const results = await engine.json.batchSet(scope, [
      { key: 'a', path: '$', value: { n: 1 } },
      { key: 'a', path: 'n', value: 2 },
      { key: '', path: '$', value: 1 },
      { key: 'cfg', path: 'debug.x', value: 1 },
      { key: 'b', path: 'a..b', value: 1 },
      { key: 'b', path: '$', value: NaN },
      { key: 'a', path: 'list[0]', value: 'x' },
      { key: 'cfg', path: 'more', value: true },
      { key: 'c', path: '[0]', value: 1 },
      { key: 'a', path: 'deep', value: nested(100) },
    ], tick());
    expect(results).toEqual([
      { version: 1 },
      { version: 2 },
      { error: { code: 'InvalidInput', message: 'Key must not be empty' } },
      { error: { code: 'InvalidInput', message: "Path error: type mismatch at '$.debug': expected object, found boolean" } },
      { error: { code: 'InvalidInput', message: expect.stringContaining("Invalid JSON path 'a..b'") } },
      { error: { code: 'Serialization', message: expect.any(String) } },
      { version: 3 },
      { version: 2 },
      { error: { code: 'InvalidInput', message: expect.any(String) } },
      { error: { code: 'InvalidInput', message: 'document nesting depth 101 exceeds maximum of 100' } },
    ]);
    expect(engine.db.version).toBe(version + 1);
    expect(counted.batches).toEqual([2]);
    expect(engine.json.get(scope, 'a', '$')).toMatchObject({ value: { n: 2, list: ['x'] }, version: 3 });
    expect(engine.json.get(scope, 'cfg', '$')).toMatchObject({ value: { debug: true, more: true }, version: 2 });
    expect(engine.json.get(scope, 'b', '$')).toBeNull();
    expect(engine.json.get(scope, 'c', '$')).toBeNull();
    await engine.close();
  });

  it('writes nothing, and registers no space, when every entry fails', async () => {
    const { engine, tick } = await open();
    const scope = engine.scope('default', 'fresh');
    const before = await snapshot(engine);
    const results = await engine.json.batchSet(scope, [{ key: 'a', path: '[0]', value: 1 }], tick());
    expect(results).toEqual([{ error: { code: 'InvalidInput', message: expect.any(String) } }]);
    expect(await engine.json.batchSet(scope, [], tick())).toEqual([]);
    expect(await snapshot(engine)).toEqual(before);
    expect(engine.spaces.exists('default', 'fresh')).toBe(false);
    await engine.close();
  });

  it('never changes the caller’s values when later entries write inside them', async () => {
    const { engine, scope, tick } = await open();
    const value = { inner: { a: 1 } };
    await engine.json.batchSet(scope, [
      { key: 'd', path: '$', value },
      { key: 'd', path: 'inner.b', value: 2 },
    ], tick());
    expect(value).toEqual({ inner: { a: 1 } });
    expect(engine.json.get(scope, 'd', '$')?.value).toEqual({ inner: { a: 1, b: 2 } });
    await engine.close();
  });
});

describe('JsonStore list', () => {
  async function withDocs(keys: string[]) {
    const o = await open();
    for (const k of keys) await o.engine.json.set(o.scope, k, '$', 1, o.tick());
    return o;
  }

  it('pages in byte order: strictly after the cursor, cursor set while keys remain', async () => {
    const { engine, scope } = await withDocs(['b', 'a', 'c', 'd', 'é', 'z']);
    const j = engine.json;
    expect(await j.list(scope, { limit: 10 })).toEqual({ keys: ['a', 'b', 'c', 'd', 'z', 'é'], cursor: null });
    expect(await j.list(scope, { limit: 2 })).toEqual({ keys: ['a', 'b'], cursor: 'b' });
    expect(await j.list(scope, { limit: 2, cursor: 'b' })).toEqual({ keys: ['c', 'd'], cursor: 'd' });
    expect(await j.list(scope, { limit: 2, cursor: 'd' })).toEqual({ keys: ['z', 'é'], cursor: null });
    expect(await j.list(scope, { limit: 6 })).toEqual({ keys: ['a', 'b', 'c', 'd', 'z', 'é'], cursor: null });
    expect(await j.list(scope, { limit: 5 })).toEqual({ keys: ['a', 'b', 'c', 'd', 'z'], cursor: 'z' });
    expect(await j.list(scope, { limit: 2, cursor: 'bb' })).toEqual({ keys: ['c', 'd'], cursor: 'd' });
    expect(await j.list(scope, { limit: 2, cursor: 'é' })).toEqual({ keys: [], cursor: null });
    expect(await j.list(scope, { limit: 0 })).toEqual({ keys: [], cursor: null });
    await engine.close();
  });

  it('filters by prefix without checking it, cursor outside the prefix included', async () => {
    const { engine, scope } = await withDocs(['user:1', 'user:2', 'user:3', 'users', 'admin']);
    const j = engine.json;
    expect(await j.list(scope, { prefix: 'user:', limit: 2 })).toEqual({ keys: ['user:1', 'user:2'], cursor: 'user:2' });
    expect(await j.list(scope, { prefix: 'user:', limit: 2, cursor: 'user:2' })).toEqual({ keys: ['user:3'], cursor: null });
    expect(await j.list(scope, { prefix: 'user:', limit: 5, cursor: 'a' })).toEqual({ keys: ['user:1', 'user:2', 'user:3'], cursor: null });
    expect(await j.list(scope, { prefix: 'user:', limit: 5, cursor: 'zzz' })).toEqual({ keys: [], cursor: null });
    expect(await j.list(scope, { prefix: '_strata/', limit: 5 })).toEqual({ keys: [], cursor: null });
    expect(await j.list(scope, { prefix: 'a\u0000', limit: 5 })).toEqual({ keys: [], cursor: null });
    expect(await j.list(scope, { prefix: '', limit: 1 })).toEqual({ keys: ['admin'], cursor: 'admin' });
    await engine.close();
  });

  it('lists the documents live at a time, paged the same way, deleted ones left out', async () => {
    const { engine, scope, tick } = await withDocs(['a', 'b', 'c']); // 1010..1030
    await engine.json.delete(scope, 'b', '$', tick()); // 1040
    await engine.json.set(scope, 'd', '$', 1, tick()); // 1050
    const j = engine.json;
    expect(await j.list(scope, { limit: 10, asOf: 1_035 })).toEqual({ keys: ['a', 'b', 'c'], cursor: null });
    expect(await j.list(scope, { limit: 10, asOf: 1_045 })).toEqual({ keys: ['a', 'c'], cursor: null });
    expect(await j.list(scope, { limit: 1, asOf: 1_035 })).toEqual({ keys: ['a'], cursor: 'a' });
    expect(await j.list(scope, { limit: 1, asOf: 1_035, cursor: 'a' })).toEqual({ keys: ['b'], cursor: 'b' });
    expect(await j.list(scope, { limit: 5, asOf: 1_035, cursor: 'b' })).toEqual({ keys: ['c'], cursor: null });
    expect(await j.list(scope, { limit: 5, asOf: 1_000 })).toEqual({ keys: [], cursor: null });
    expect(await j.list(scope, { limit: 5 })).toEqual({ keys: ['a', 'c', 'd'], cursor: null });
    await engine.close();
  });
});
