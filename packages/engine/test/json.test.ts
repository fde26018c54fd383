import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TypeTag, tagPrefix, type Value } from '@stratum/core';
import { openStore } from '@stratum/storage';
import { describe, expect, it } from 'vitest';
import { code, counting, details, open, snapshot } from './json-helpers.js';

describe('JsonStore set and get', () => {
  it('creates a document at the root with any value, scalars included, counter 1', async () => {
    const { engine, scope, tick } = await open();
    const j = engine.json;
    const docs: [string, Value][] = [['s', 'text'], ['n', 42], ['z', null], ['b', true], ['a', [1, 2]], ['o', { x: 1 }]];
    for (const [key, value] of docs) {
      expect(await j.set(scope, key, '$', value, tick())).toBe(1);
      expect(j.get(scope, key, '$')?.value).toEqual(value);
      expect(j.get(scope, key, '')?.version).toBe(1);
    }
    await engine.close();
  });

  it('follows the reference example: paths, counters, sub-values', async () => {
    const { engine, scope, tick } = await open();
    const j = engine.json;
    expect(await j.set(scope, 'cfg', '$', { debug: true }, tick())).toBe(1);
    expect(await j.set(scope, 'cfg', '$.limits.items[0]', 10, tick())).toBe(2);
    expect(j.get(scope, 'cfg', '$')?.value).toEqual({ debug: true, limits: { items: [10] } });
    expect(j.get(scope, 'cfg', '$.limits')).toEqual({ value: { items: [10] }, version: 2, timestamp: 1_020 });
    expect(j.get(scope, 'cfg', 'limits.items[0]')?.value).toBe(10);
    expect(j.get(scope, 'cfg', '$.nope')).toBeNull();
    expect(j.get(scope, 'cfg', '$.debug.deeper')).toBeNull();
    expect(j.get(scope, 'missing', '$')).toBeNull();
    await engine.close();
  });

  it('starts an absent document from {} for a non-root path, creating objects and arrays for missing keys', async () => {
    const { engine, scope, tick } = await open();
    expect(await engine.json.set(scope, 'd', 'a.b[0]', 'x', tick())).toBe(1);
    expect(engine.json.get(scope, 'd', '$')?.value).toEqual({ a: { b: ['x'] } });
    // A missing array slot on the way is never created, only a missing key.
    expect(await details(engine.json.set(scope, 'e', 'a.b[0].c', 'x', tick()))).toMatchObject({ problem: 'IndexOutOfBounds', at: '$.a.b' });
    expect(engine.json.get(scope, 'e', '$')).toBeNull();
    await engine.close();
  });

  it('counts every successful set, keeps counters per document and apart from commit versions', async () => {
    const { engine, scope, tick } = await open();
    const j = engine.json;
    await j.set(scope, 'a', '$', {}, tick());
    await j.set(scope, 'a', 'x', 1, tick());
    await j.set(scope, 'a', 'x', 1, tick());
    expect(await j.set(scope, 'b', '$', 1, tick())).toBe(1);
    expect(j.get(scope, 'a', '$')?.version).toBe(3);
    expect(engine.db.version).toBe(4);
    await engine.close();
  });

  it.each<[string, string, Value, Record<string, unknown>]>([
    ['a type mismatch', 'debug.x', 1, { problem: 'TypeMismatch', expected: 'object', found: 'boolean', at: '$.debug' }],
    ['an index past the end', 'list[5]', 1, { problem: 'IndexOutOfBounds', index: 5, length: 1 }],
    ['an index segment on an object', '[0]', 1, { problem: 'TypeMismatch', expected: 'array', found: 'object' }],
    ['a malformed path', 'a..b', 1, { problem: 'UnexpectedChar', position: 2, jsonPath: 'a..b' }],
    ['the key __proto__', 'x.__proto__', 1, { problem: 'ReservedKey' }],
  ])('refuses %s with InvalidInput and changes nothing', async (_, path, value, expected) => {
    const { engine, scope, tick } = await open();
    await engine.json.set(scope, 'cfg', '$', { debug: true, list: ['a'] }, tick());
    const before = await snapshot(engine);
    const p = engine.json.set(scope, 'cfg', path, value, tick());
    expect(await details(p)).toMatchObject(expected);
    expect(await code(engine.json.set(scope, 'cfg', path, value, tick()))).toBe('InvalidInput');
    expect(await snapshot(engine)).toEqual(before);
    await engine.close();
  });

  it('writes nothing for a failed set on an absent document', async () => {
    const { engine, scope, tick } = await open();
    const other = engine.scope('default', 'fresh');
    const before = await snapshot(engine);
    expect(await code(engine.json.set(other, 'd', '[0]', 1, tick()))).toBe('InvalidInput');
    expect(await snapshot(engine)).toEqual(before);
    expect(engine.spaces.exists('default', 'fresh')).toBe(false);
    expect(engine.json.get(scope, 'd', '$')).toBeNull();
    await engine.close();
  });

  it.each<[string, Value, string]>([
    ['NaN', NaN, '/value'],
    ['+Infinity inside an object', { a: { b: Infinity } }, '/value/a/b'],
    ['-Infinity inside an array', [1, [2, -Infinity]], '/value/1/1'],
    ['NaN under a key with a slash', { 'a/b~c': NaN }, '/value/a~1b~0c'],
  ])('refuses %s with Serialization naming where it is', async (_, value, path) => {
    const { engine, scope, tick } = await open();
    const before = await snapshot(engine);
    const p = engine.json.set(scope, 'd', '$', value, tick());
    expect(await code(p)).toBe('Serialization');
    expect(await details(engine.json.set(scope, 'd', '$', value, tick()))).toMatchObject({ path });
    expect(await snapshot(engine)).toEqual(before);
    await engine.close();
  });

  it('keeps bytes, big integers, -0 and key order exactly', async () => {
    const { engine, scope, tick } = await open();
    const doc = { z: 1, a: new Uint8Array([0, 255]), big: 2n ** 62n, neg: -0, f: 2.5, nested: { y: [-0] } };
    await engine.json.set(scope, 'd', '$', doc, tick());
    await engine.json.set(scope, 'd', 'later', 'x', tick());
    const got = engine.json.get(scope, 'd', '$')?.value as Record<string, Value>;
    expect(Object.keys(got)).toEqual(['z', 'a', 'big', 'neg', 'f', 'nested', 'later']);
    expect(got['a']).toEqual(new Uint8Array([0, 255]));
    expect(got['big']).toBe(2n ** 62n);
    expect(Object.is(got['neg'], -0)).toBe(true);
    expect(Object.is((got['nested'] as { y: number[] }).y[0], -0)).toBe(true);
    await engine.close();
  });

  it('does not share objects between the caller, the store and readers', async () => {
    const { engine, scope, tick } = await open();
    const value = { list: [1] };
    await engine.json.set(scope, 'd', '$', value, tick());
    value.list.push(2);
    const read = engine.json.get(scope, 'd', '$')?.value as { list: number[] };
    read.list.push(3);
    expect(engine.json.get(scope, 'd', '$')?.value).toEqual({ list: [1] });
    await engine.close();
  });
});

describe('JsonStore delete', () => {
  it('removes a member (1), shifting array elements; a missing one is 0 and bumps nothing', async () => {
    const { engine, scope, tick } = await open();
    const j = engine.json;
    await j.set(scope, 'd', '$', { a: 1, l: [1, 2, 3] }, tick());
    expect(await j.delete(scope, 'd', 'l[0]', tick())).toBe(1);
    expect(j.get(scope, 'd', '$')).toMatchObject({ value: { a: 1, l: [2, 3] }, version: 2 });
    const before = await snapshot(engine);
    for (const path of ['nope', 'l[2]', 'a.b', 'x.y', 'l.k', 'a[0]']) expect(await j.delete(scope, 'd', path, tick())).toBe(0);
    expect(await j.delete(scope, 'missing', 'a', tick())).toBe(0);
    expect(await j.delete(scope, 'missing', '$', tick())).toBe(0);
    expect(await snapshot(engine)).toEqual(before);
    expect(await j.delete(scope, 'd', 'a', tick())).toBe(1);
    expect(j.get(scope, 'd', '$')).toMatchObject({ value: { l: [2, 3] }, version: 3 });
    await engine.close();
  });

  it('deletes the document at the root path and restarts its counter at 1', async () => {
    const { engine, scope, tick } = await open();
    const j = engine.json;
    await j.set(scope, 'd', '$', { a: 1 }, tick());
    await j.set(scope, 'd', 'b', 2, tick());
    expect(await j.delete(scope, 'd', '$', tick())).toBe(1);
    expect(j.get(scope, 'd', '$')).toBeNull();
    expect(await j.delete(scope, 'd', '', tick())).toBe(0);
    expect(await j.set(scope, 'd', 'c', 3, tick())).toBe(1);
    expect(j.get(scope, 'd', '$')?.value).toEqual({ c: 3 });
    await engine.close();
  });

  it('refuses a malformed path before looking for the document', async () => {
    const { engine, scope, tick } = await open();
    expect(await code(engine.json.delete(scope, 'missing', '[x]', tick()))).toBe('InvalidInput');
    expect(() => engine.json.get(scope, 'missing', 'a.')).toThrow(expect.objectContaining({ code: 'InvalidInput' }));
    expect(await code(engine.json.getAsOf(scope, 'missing', '[1', 5))).toBe('InvalidInput');
    await engine.close();
  });
});

describe('JsonStore history and time travel', () => {
  it('lists whole documents newest first, deletions marked with counter 0, honouring asOf', async () => {
    const { engine, scope, tick } = await open();
    const j = engine.json;
    expect(await j.history(scope, 'd')).toBeNull();
    await j.set(scope, 'd', '$', { v: 1 }, tick()); // 1010
    await j.set(scope, 'd', 'w', 2, tick()); // 1020
    await j.delete(scope, 'd', '$', tick()); // 1030
    await j.set(scope, 'd', '$', 'again', tick()); // 1040
    expect(await j.history(scope, 'd')).toEqual([
      { value: 'again', version: 1, timestamp: 1_040 },
      { value: null, version: 0, timestamp: 1_030, deleted: true },
      { value: { v: 1, w: 2 }, version: 2, timestamp: 1_020 },
      { value: { v: 1 }, version: 1, timestamp: 1_010 },
    ]);
    expect((await j.history(scope, 'd', 1_030))?.map((e) => e.version)).toEqual([0, 2, 1]);
    expect(await j.history(scope, 'd', 1_000)).toBeNull();
    await engine.close();
  });

  it('reads a path as of a time, against the document version current then', async () => {
    const { engine, scope, tick } = await open();
    const j = engine.json;
    await j.set(scope, 'd', '$', { a: { b: 1 } }, tick()); // 1010
    await j.set(scope, 'd', 'a.b', 2, tick()); // 1020
    await j.delete(scope, 'd', '$', tick()); // 1030
    expect(await j.getAsOf(scope, 'd', 'a.b', 1_000)).toBeNull();
    expect(await j.getAsOf(scope, 'd', 'a.b', 1_010)).toEqual({ value: 1, version: 1, timestamp: 1_010 });
    expect(await j.getAsOf(scope, 'd', 'a', 1_025)).toEqual({ value: { b: 2 }, version: 2, timestamp: 1_020 });
    expect(await j.getAsOf(scope, 'd', 'a.c', 1_025)).toBeNull();
    expect(await j.getAsOf(scope, 'd', '$', 1_030)).toBeNull();
    await engine.close();
  });
});

describe('JsonStore storage', () => {
  it('keeps one record per document: a path write rewrites only that document', async () => {
    const counted = counting(await openStore({ memory: true }));
    const { engine, scope, tick } = await open(counted.store);
    await engine.json.set(scope, 'a', '$', { x: 1 }, tick());
    await engine.json.set(scope, 'b', '$', { y: 1 }, tick());
    counted.batches.length = 0;
    await engine.json.set(scope, 'a', 'x', 2, tick());
    expect(counted.batches).toEqual([1]);
    expect(await engine.db.store.count(tagPrefix('default', 'default', TypeTag.Json))).toBe(2);
    await engine.close();
  });

  it('registers a new space with its first document, and counts documents', async () => {
    const { engine, tick } = await open();
    const scope = engine.scope('default', 'docs');
    await engine.json.set(scope, 'a', '$', 1, tick());
    await engine.json.set(scope, 'b', 'x', 1, tick());
    await engine.json.set(scope, 'b', 'y', 1, tick());
    expect(engine.spaces.exists('default', 'docs')).toBe(true);
    expect((await engine.spaces.info('default', 'docs')).counts).toMatchObject({ kv: 0, json: 2 });
    expect(await engine.totalKeys()).toBe(2);
    await engine.json.delete(scope, 'a', '$', tick());
    expect((await engine.spaces.info('default', 'docs')).counts.json).toBe(1);
    expect(await engine.totalKeys()).toBe(1);
    await engine.close();
  });

  it('survives a restart with documents, counters and history', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratum-json-'));
    try {
      let { engine, scope, tick } = await open(await openStore({ dir }));
      await engine.json.set(scope, 'd', '$', { a: [1] }, tick());
      await engine.json.set(scope, 'd', 'a[1]', 2, tick());
      await engine.close();
      ({ engine, scope } = await open(await openStore({ dir })));
      expect(engine.json.get(scope, 'd', '$')).toMatchObject({ value: { a: [1, 2] }, version: 2 });
      expect((await engine.json.history(scope, 'd'))?.map((e) => e.version)).toEqual([2, 1]);
      expect(await engine.json.set(scope, 'd', 'a[2]', 3, tick())).toBe(3);
      await engine.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
