import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TypeTag, type Value } from '@stratum/core';
import { openStore, type ScanOptions, type Store } from '@stratum/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine, eventTypeIndexPrefix, sequenceOfEventKey } from '../src/index.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stratum-event-'));
  dirs.push(dir);
  return dir;
}

/** Records what a store is asked: range scans, point reads and write batches. */
function spying(store: Store) {
  const seen = { scans: [] as { prefix: Buffer; options: ScanOptions | undefined }[], gets: 0, batches: 0 };
  const scan = store.scan.bind(store);
  const get = store.get.bind(store);
  const write = store.write.bind(store);
  store.scan = (prefix, options) => {
    seen.scans.push({ prefix: Buffer.from(prefix), options });
    return scan(prefix, options);
  };
  store.get = (key) => {
    seen.gets++;
    return get(key);
  };
  store.write = (ops, meta, o) => {
    seen.batches++;
    return write(ops, meta, o);
  };
  return seen;
}

const memoryEngine = async () => Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });
describe('EventLog', () => {
  it('numbers events from 0 per log and reads them back with sequence as version', async () => {
    const engine = await memoryEngine();
    const scope = engine.scope('default', 'default');
    expect(engine.events.len(scope)).toBe(0);
    expect(await engine.events.append(scope, 'tool.call', { tool: 'search' }, 1_000)).toBe(0);
    expect(await engine.events.append(scope, 'tool.result', { ok: true }, 2_000)).toBe(1);
    expect(await engine.events.append(scope, 'tool.call', { tool: 'fetch' }, 3_000)).toBe(2);
    expect(engine.events.len(scope)).toBe(3);
    expect(engine.events.get(scope, 1)).toEqual({ value: { ok: true }, version: 1, timestamp: 2_000 });
    expect(engine.events.get(scope, 3)).toBeNull();
    // Another space has its own log.
    const other = engine.scope('default', 'other');
    expect(engine.events.len(other)).toBe(0);
    expect(await engine.events.append(other, 'tool.call', { tool: 'x' }, 4_000)).toBe(0);
    expect(engine.events.get(other, 0)?.value).toEqual({ tool: 'x' });
    expect(engine.events.get(scope, 0)?.value).toEqual({ tool: 'search' });
    await engine.close();
  });

  it('keeps events as their own tag: one Event record per event', async () => {
    const engine = await memoryEngine();
    const scope = engine.scope('default', 'default');
    await engine.events.batchAppend(scope, [{ eventType: 'a', payload: {} }, { eventType: 'b', payload: {} }], 1);
    await engine.events.append(scope, 'a', {}, 2);
    const prefix = scope.prefix(TypeTag.Event);
    const keys = (await engine.db.store.scan(prefix)).map(([k]) => sequenceOfEventKey(prefix, k));
    expect(keys).toEqual([0, 1, 2]);
    expect((await engine.spaces.info('default', 'default')).counts.events).toBe(3);
    expect(await engine.totalKeys()).toBe(3);
    await engine.close();
  });

  it.each<[string, string, Value, string, Record<string, unknown>]>([
    ['an empty type', '', { a: 1 }, 'InvalidInput', { reason: 'event_type cannot be empty' }],
    ['a type of 257 bytes', 'x'.repeat(257), { a: 1 }, 'InvalidInput', { reason: 'event_type exceeds maximum length (256)', actual: 257 }],
    ['a type of 129 two-byte characters', 'é'.repeat(129), { a: 1 }, 'InvalidInput', { actual: 258 }],
    ['a number payload', 't', 1, 'InvalidInput', { reason: 'payload must be a JSON object', path: '/payload' }],
    ['a string payload', 't', 'text', 'InvalidInput', { reason: 'payload must be a JSON object' }],
    ['a null payload', 't', null, 'InvalidInput', { reason: 'payload must be a JSON object' }],
    ['an array payload', 't', [{ a: 1 }], 'InvalidInput', { reason: 'payload must be a JSON object' }],
    ['a bytes payload', 't', new Uint8Array([1]), 'InvalidInput', { reason: 'payload must be a JSON object' }],
    ['NaN in the payload', 't', { a: { b: [1, Number.NaN] } }, 'InvalidInput', { reason: 'payload contains NaN or Infinity', path: '/payload/a/b/1' }],
    ['an infinity in the payload', 't', { 'x/y': -Infinity }, 'InvalidInput', { path: '/payload/x~1y' }],
    ['an integer beyond 64 bits', 't', { n: 2n ** 64n }, 'InvalidInput', { path: '/payload' }],
    ['an oversized string', 't', { s: 'x'.repeat(16 * 1024 * 1024 + 1) }, 'ConstraintViolation', { resource: 'value_too_large' }],
    ['nesting deeper than 128', 't', { a: JSON.parse('['.repeat(129) + ']'.repeat(129)) as Value }, 'ConstraintViolation', { resource: 'nesting_too_deep' }],
  ])('refuses %s and changes nothing', async (_what, type, payload, expected, details) => {
    const store = await openStore({ memory: true });
    const seen = spying(store);
    const engine = await Engine.open({ store, durability: 'cache' });
    const scope = engine.scope('default', 'fresh');
    const before = seen.batches;
    const e = await engine.events.append(scope, type, payload, 1).then(() => undefined, (x: unknown) => x);
    expect(e).toMatchObject({ code: expected, details });
    const results = await engine.events.batchAppend(scope, [{ eventType: type, payload }], 1);
    expect(results).toEqual([{ error: { code: expected, message: expect.any(String) } }]);
    expect(seen.batches).toBe(before);
    expect(engine.events.len(scope)).toBe(0);
    expect(engine.spaces.exists('default', 'fresh')).toBe(false);
    await engine.close();
  });

  it('accepts types of 1 and 256 bytes and any characters, and keeps types apart in the index', async () => {
    const engine = await memoryEngine();
    const scope = engine.scope('default', 'default');
    const types = ['a', 'a\u0000', 'a\u0001', 'a\u0000b', '\u0000', 'é'.repeat(128), 'x'.repeat(256), 'a b/c:d', '😀'];
    for (const [i, t] of types.entries()) expect(await engine.events.append(scope, t, { i }, 1)).toBe(i);
    await engine.events.append(scope, 'a', { i: 'again' }, 2);
    for (const [i, t] of types.entries()) {
      const expected = t === 'a' ? [{ i }, { i: 'again' }] : [{ i }];
      expect((await engine.events.byType(scope, t)).map((e) => e.value)).toEqual(expected);
    }
    expect(await engine.events.byType(scope, 'b')).toEqual([]);
    expect(await engine.events.byType(scope, '')).toEqual([]);
    expect(await engine.events.byType(scope, 'A')).toEqual([]);
    await engine.close();
  });

  it('answers by type with one bounded scan of the index, then a point read per event', async () => {
    const store = await openStore({ memory: true });
    const engine = await Engine.open({ store, durability: 'cache' });
    const scope = engine.scope('default', 'default');
    const types = ['click', 'view', 'scroll'];
    for (let i = 0; i < 300; i++) await engine.events.append(scope, types[i % 3] as string, { i }, 1);
    const seen = spying(store);
    const page = await engine.events.byType(scope, 'view', { afterSequence: 100, limit: 4 });
    expect(page.map((e) => e.version)).toEqual([103, 106, 109, 112]);
    expect(page.map((e) => e.value)).toEqual([{ i: 103 }, { i: 106 }, { i: 109 }, { i: 112 }]);
    expect(seen.scans).toHaveLength(1);
    expect(seen.scans[0]?.prefix).toEqual(eventTypeIndexPrefix(scope, 'view'));
    expect(seen.scans[0]?.options?.limit).toBe(4);
    expect(seen.gets).toBe(4);
    // afterSequence is exclusive, need not be an event of that type, and may be past the end.
    expect((await engine.events.byType(scope, 'view', { afterSequence: 103, limit: 1 })).map((e) => e.version)).toEqual([106]);
    expect((await engine.events.byType(scope, 'view', { afterSequence: 104, limit: 1 })).map((e) => e.version)).toEqual([106]);
    expect((await engine.events.byType(scope, 'view', { afterSequence: 295 })).map((e) => e.version)).toEqual([298]);
    expect(await engine.events.byType(scope, 'view', { afterSequence: 10_000 })).toEqual([]);
    expect((await engine.events.byType(scope, 'view', { limit: 2 })).map((e) => e.version)).toEqual([1, 4]);
    expect((await engine.events.byType(scope, 'click')).map((e) => e.version)).toEqual(Array.from({ length: 100 }, (_, i) => i * 3));
    expect(await engine.events.byType(scope, 'click', { limit: 0 })).toEqual([]);
    await engine.close();
  });

  it('gives 100 concurrent appenders of 50 events each exactly the sequences 0..4999, once each', async () => {
    const engine = await Engine.open({ store: await openStore({ dir: await tempDir() }), durability: 'standard' });
    const scope = engine.scope('default', 'default');
    const mine: number[][] = Array.from({ length: 100 }, () => []);
    await Promise.all(
      mine.map(async (got, a) => {
        for (let i = 0; i < 50; i++) got.push(await engine.events.append(scope, `agent-${a % 7}`, { a, i }, 1));
      }),
    );
    const all = mine.flat().sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    for (const got of mine) expect(got).toEqual([...got].sort((x, y) => x - y));
    expect(engine.events.len(scope)).toBe(5000);
    for (const [a, got] of mine.entries()) {
      for (const [i, seq] of got.entries()) expect(engine.events.get(scope, seq)?.value).toEqual({ a, i });
    }
    const byType = await engine.events.byType(scope, 'agent-3');
    expect(byType).toHaveLength(mine.filter((_, a) => a % 7 === 3).length * 50);
    expect(byType.map((e) => e.version)).toEqual([...byType.map((e) => e.version)].sort((x, y) => x - y));
    await engine.close();
  });

  it('appends a batch in one commit with consecutive sequences, between concurrent single appends', async () => {
    const store = await openStore({ memory: true });
    const engine = await Engine.open({ store, durability: 'cache' });
    const scope = engine.scope('default', 'default');
    const seen = spying(store);
    const [first, batch, last] = await Promise.all([
      engine.events.append(scope, 'one', { n: 0 }, 1),
      engine.events.batchAppend(scope, [
        { eventType: 'b', payload: { n: 1 } },
        { eventType: '', payload: { n: -1 } },
        { eventType: 'b', payload: 'not an object' },
        { eventType: 'c', payload: { n: 2 } },
      ], 1),
      engine.events.append(scope, 'one', { n: 3 }, 1),
    ]);
    expect(first).toBe(0);
    expect(batch).toEqual([
      { version: 1 },
      { error: { code: 'InvalidInput', message: 'event_type cannot be empty' } },
      { error: { code: 'InvalidInput', message: 'payload must be a JSON object' } },
      { version: 2 },
    ]);
    expect(last).toBe(3);
    expect(seen.batches).toBe(1);
    expect(engine.events.get(scope, 1)?.timestamp).toBe(engine.events.get(scope, 2)?.timestamp);
    expect((await engine.events.byType(scope, 'one')).map((e) => e.value)).toEqual([{ n: 0 }, { n: 3 }]);
    expect(await engine.events.batchAppend(scope, [], 1)).toEqual([]);
    expect(seen.batches).toBe(1);
    await engine.close();
  });

  it('reads as of a moment: only events appended at or before it', async () => {
    const engine = await memoryEngine();
    const scope = engine.scope('default', 'default');
    for (let i = 0; i < 6; i++) await engine.events.append(scope, i % 2 === 0 ? 'even' : 'odd', { i }, 1_000 * (i + 1));
    expect(await engine.events.getAsOf(scope, 2, 3_000)).toEqual({ value: { i: 2 }, version: 2, timestamp: 3_000 });
    expect(await engine.events.getAsOf(scope, 2, 2_999)).toBeNull();
    expect(await engine.events.getAsOf(scope, 9, 1e12)).toBeNull();
    const asOf = async (o: { limit?: number; afterSequence?: number; asOf: number }) =>
      (await engine.events.byType(scope, 'even', o)).map((e) => e.version);
    expect(await asOf({ asOf: 4_999 })).toEqual([0, 2]);
    expect(await asOf({ asOf: 5_000 })).toEqual([0, 2, 4]);
    expect(await asOf({ asOf: 999 })).toEqual([]);
    expect(await asOf({ asOf: 5_000, afterSequence: 0 })).toEqual([2, 4]);
    expect(await asOf({ asOf: 5_000, limit: 1 })).toEqual([0]);
    expect(await asOf({ asOf: 5_000, limit: 0 })).toEqual([]);
    await engine.close();
  });

  it('starts a force-deleted space over at 0, and still answers for moments before the deletion', async () => {
    const engine = await memoryEngine();
    const scope = engine.scope('default', 'log');
    await engine.events.append(scope, 't', { old: 0 }, 1_000);
    await engine.events.append(scope, 't', { old: 1 }, 2_000);
    await engine.spaces.delete('default', 'log', true, 3_000);
    expect(engine.events.len(scope)).toBe(0);
    expect(engine.events.get(scope, 0)).toBeNull();
    expect(await engine.events.byType(scope, 't')).toEqual([]);
    expect(await engine.events.append(scope, 't', { fresh: 0 }, 4_000)).toBe(0);
    expect(engine.events.get(scope, 0)?.value).toEqual({ fresh: 0 });
    expect((await engine.events.getAsOf(scope, 1, 2_500))?.value).toEqual({ old: 1 });
    expect(await engine.events.getAsOf(scope, 1, 3_500)).toBeNull();
    expect((await engine.events.byType(scope, 't', { asOf: 2_500 })).map((e) => e.value)).toEqual([{ old: 0 }, { old: 1 }]);
    expect((await engine.events.byType(scope, 't', { asOf: 4_000 })).map((e) => e.value)).toEqual([{ fresh: 0 }]);
    await engine.close();
  });

  it('keeps the log across a restart and continues its sequence', async () => {
    const dir = await tempDir();
    let engine = await Engine.open({ store: await openStore({ dir }), durability: 'standard' });
    let scope = engine.scope('default', 'notes');
    await engine.events.batchAppend(scope, [{ eventType: 'x', payload: { n: 0 } }, { eventType: 'y', payload: { n: 1 } }], 1);
    await engine.events.append(scope, 'x', { n: 2, z: -0, big: 2n ** 60n, bytes: new Uint8Array([1, 2]) }, 2);
    const before = engine.events.get(scope, 2);
    await engine.close();
    engine = await Engine.open({ store: await openStore({ dir }), durability: 'standard' });
    scope = engine.scope('default', 'notes');
    expect(engine.events.len(scope)).toBe(3);
    expect(engine.events.get(scope, 2)).toEqual(before);
    expect(Object.is((engine.events.get(scope, 2)?.value as { z: number }).z, -0)).toBe(true);
    expect(await engine.events.append(scope, 'y', { n: 3 }, 3)).toBe(3);
    expect((await engine.events.byType(scope, 'y')).map((e) => e.version)).toEqual([1, 3]);
    expect((await engine.events.byType(scope, 'x', { afterSequence: 0 })).map((e) => e.version)).toEqual([2]);
    await engine.close();
  });

  it('stores a payload nested to the limit and reads it back whole', async () => {
    const engine = await Engine.open({ store: await openStore({ dir: await tempDir() }), durability: 'standard' });
    const scope = engine.scope('default', 'default');
    const deep = { a: JSON.parse('['.repeat(128) + ']'.repeat(128)) as Value };
    expect(await engine.events.append(scope, 'deep', deep, 1)).toBe(0);
    expect(engine.events.get(scope, 0)?.value).toEqual(deep);
    expect((await engine.events.byType(scope, 'deep'))[0]?.value).toEqual(deep);
    await engine.close();
  });
});
