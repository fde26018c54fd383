import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TypeTag, namespacePrefix, tagPrefix, type Value } from '@stratum/core';
import { openStore, type MetaOp, type Store, type WriteOp } from '@stratum/storage';
import { describe, expect, it } from 'vitest';
import { Engine, type Scope } from '../src/index.js';

/** A memory engine whose clock the test drives: each `tick()` is 10 µs later than the last. */
async function open(store?: Store): Promise<{ engine: Engine; scope: Scope; tick: () => number }> {
  const engine = await Engine.open({ store: store ?? (await openStore({ memory: true })), durability: 'cache' });
  let now = 1_000;
  return { engine, scope: engine.scope('default', 'default'), tick: () => (now += 10) };
}

/** Every live record of a branch plus the commit version: equal snapshots mean nothing changed. */
async function snapshot(engine: Engine): Promise<unknown> {
  await engine.db.settled();
  const records = await engine.db.store.scan(namespacePrefix('default'));
  return { version: engine.db.version, records: records.map(([k, r]) => [Buffer.from(k).toString('hex'), r]) };
}

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

describe('StateStore counters', () => {
  it('starts at 1, adds 1 per set, and starts over at 1 after a delete', async () => {
    const { engine, scope, tick } = await open();
    const s = engine.state;
    expect(s.get(scope, 'c')).toBeNull();
    expect(await s.set(scope, 'c', 'a', tick())).toBe(1);
    expect(await s.set(scope, 'c', 'b', tick())).toBe(2);
    expect(await s.set(scope, 'c', 'c', tick())).toBe(3);
    expect(s.get(scope, 'c')).toEqual({ value: 'c', version: 3, timestamp: 1_030 });
    expect(await s.delete(scope, 'c', tick())).toBe(true);
    expect(s.get(scope, 'c')).toBeNull();
    expect(await s.delete(scope, 'c', tick())).toBe(false);
    expect(await s.set(scope, 'c', 'again', tick())).toBe(1);
    expect(s.get(scope, 'c')).toMatchObject({ value: 'again', version: 1 });
    await engine.close();
  });

  it('keeps a counter per cell, and the cell counter apart from the commit version', async () => {
    const { engine, scope, tick } = await open();
    await engine.state.set(scope, 'a', 1, tick());
    await engine.state.set(scope, 'a', 2, tick());
    expect(await engine.state.set(scope, 'b', 1, tick())).toBe(1);
    expect(engine.db.version).toBe(3);
    expect(engine.state.get(scope, 'a')?.version).toBe(2);
    await engine.close();
  });

  it('init creates a missing cell at 1 and otherwise returns the counter, writing nothing', async () => {
    const { engine, scope, tick } = await open();
    expect(await engine.state.init(scope, 'c', 'first', tick())).toBe(1);
    await engine.state.set(scope, 'c', 'second', tick());
    const before = await snapshot(engine);
    expect(await engine.state.init(scope, 'c', 'ignored', tick())).toBe(2);
    expect(await snapshot(engine)).toEqual(before);
    expect(engine.state.get(scope, 'c')?.value).toBe('second');
    await engine.close();
  });

  it('gives concurrent sets of one cell distinct counters, in one storage batch', async () => {
    const { engine, scope } = await open();
    const counters = await Promise.all(Array.from({ length: 200 }, (_, i) => engine.state.set(scope, 'hot', i, 1)));
    expect(counters).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(engine.state.get(scope, 'hot')).toMatchObject({ value: 199, version: 200 });
    expect(await engine.state.history(scope, 'hot')).toHaveLength(200);
    await engine.close();
  });

  it('keeps values exactly, negative zero included', async () => {
    const { engine, scope, tick } = await open();
    const value: Value = { z: -0, big: 2n ** 60n, bytes: Uint8Array.of(0, 1, 2), nested: [null, true, 2.5] };
    await engine.state.set(scope, 'v', value, tick());
    await engine.db.settled();
    const got = engine.state.get(scope, 'v')?.value as { z: number };
    expect(got).toEqual(value);
    expect(Object.is(got.z, -0)).toBe(true);
    await engine.close();
  });

  it('keeps counters across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratum-state-'));
    try {
      let engine = await Engine.open({ store: await openStore({ dir }), durability: 'standard' });
      let scope = engine.scope('default', 'notes');
      await engine.state.set(scope, 'c', 1, 1);
      await engine.state.set(scope, 'c', 2, 1);
      await engine.close();
      engine = await Engine.open({ store: await openStore({ dir }), durability: 'standard' });
      scope = engine.scope('default', 'notes');
      expect(engine.state.get(scope, 'c')).toMatchObject({ value: 2, version: 2 });
      expect(await engine.state.cas(scope, 'c', 2, 3, 1)).toBe(3);
      await engine.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('StateStore compare-and-swap', () => {
  // [what, cell set up with this many sets (0 = absent; -1 = set then deleted), expectedCounter, result]
  const cases: [string, number, number | undefined, number | null][] = [
    ['no expected counter on a missing cell creates it', 0, undefined, 1],
    ['no expected counter on an existing cell is a mismatch', 2, undefined, null],
    ['the matching counter writes counter + 1', 2, 2, 3],
    ['a lower counter is a mismatch', 2, 1, null],
    ['a higher counter is a mismatch', 2, 3, null],
    ['a counter on a missing cell is a mismatch, not an error', 0, 1, null],
    ['counter 0 on a missing cell is a mismatch too', 0, 0, null],
    ['the counter a deleted cell had is a mismatch', -1, 1, null],
    ['no expected counter on a deleted cell creates it again', -1, undefined, 1],
  ];

  it.each(cases)('%s', async (_what, sets, expected, result) => {
    const { engine, scope, tick } = await open();
    for (let i = 0; i < Math.abs(sets); i++) await engine.state.set(scope, 'c', `v${i}`, tick());
    if (sets < 0) await engine.state.delete(scope, 'c', tick());
    const before = await snapshot(engine);
    const started = Date.now();
    expect(await engine.state.cas(scope, 'c', expected, 'new', tick())).toBe(result);
    // A mismatch is answered at once, not after a retry loop.
    expect(Date.now() - started).toBeLessThan(100);
    if (result === null) {
      expect(await snapshot(engine)).toEqual(before);
    } else {
      expect(engine.state.get(scope, 'c')).toMatchObject({ value: 'new', version: result });
    }
    await engine.close();
  });

  it('never loses an update: 50 workers each doing 100 read-CAS-retry increments end at 5000, counter 5001', async () => {
    const { engine, scope } = await open();
    await engine.state.init(scope, 'n', 0, 1);
    let lost = 0;
    const worker = async () => {
      for (let done = 0; done < 100; ) {
        const cur = engine.state.get(scope, 'n');
        // Yield between the read and the CAS so workers interleave and race for each counter.
        await Promise.resolve();
        const next = await engine.state.cas(scope, 'n', cur?.version, (cur?.value as number) + 1, 1);
        if (next === null) lost++;
        else done++;
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    expect(engine.state.get(scope, 'n')).toMatchObject({ value: 5000, version: 5001 });
    expect(lost).toBeGreaterThan(0);
    await engine.close();
  });
});

describe('StateStore history and time travel', () => {
  it('lists versions newest first, a deletion as counter 0 with deleted: true, and honours asOf', async () => {
    const { engine, scope, tick } = await open();
    const s = engine.state;
    await s.set(scope, 'c', 'a', tick()); // 1010
    await s.set(scope, 'c', 'b', tick()); // 1020
    await s.delete(scope, 'c', tick()); // 1030
    await s.set(scope, 'c', 'c', tick()); // 1040
    expect(await s.history(scope, 'c')).toEqual([
      { value: 'c', version: 1, timestamp: 1_040 },
      { value: null, version: 0, timestamp: 1_030, deleted: true },
      { value: 'b', version: 2, timestamp: 1_020 },
      { value: 'a', version: 1, timestamp: 1_010 },
    ]);
    expect(await s.history(scope, 'c', 1_035)).toEqual([
      { value: null, version: 0, timestamp: 1_030, deleted: true },
      { value: 'b', version: 2, timestamp: 1_020 },
      { value: 'a', version: 1, timestamp: 1_010 },
    ]);
    expect(await s.history(scope, 'c', 1_010)).toEqual([{ value: 'a', version: 1, timestamp: 1_010 }]);
    expect(await s.history(scope, 'c', 1_009)).toBeNull();
    expect(await s.history(scope, 'never')).toBeNull();

    expect(await s.getAsOf(scope, 'c', 1_009)).toBeNull();
    expect(await s.getAsOf(scope, 'c', 1_015)).toEqual({ value: 'a', version: 1, timestamp: 1_010 });
    expect(await s.getAsOf(scope, 'c', 1_020)).toEqual({ value: 'b', version: 2, timestamp: 1_020 });
    expect(await s.getAsOf(scope, 'c', 1_030)).toBeNull();
    expect(await s.getAsOf(scope, 'c', 1_040)).toEqual({ value: 'c', version: 1, timestamp: 1_040 });
    await engine.close();
  });

  it('lists live cells in byte order, by prefix, and as of a moment', async () => {
    const { engine, scope, tick } = await open();
    for (const cell of ['b', 'é', 'a:2', 'Z', 'a:1', '~']) await engine.state.set(scope, cell, 1, tick()); // 1010..1060
    await engine.state.delete(scope, 'b', tick()); // 1070
    expect(await engine.state.list(scope, {})).toEqual(['Z', 'a:1', 'a:2', '~', 'é']);
    expect(await engine.state.list(scope, { prefix: 'a:' })).toEqual(['a:1', 'a:2']);
    expect(await engine.state.list(scope, { prefix: '' })).toEqual(['Z', 'a:1', 'a:2', '~', 'é']);
    expect(await engine.state.list(scope, { prefix: 'nothing' })).toEqual([]);
    expect(await engine.state.list(scope, { asOf: 1_030 })).toEqual(['a:2', 'b', 'é']);
    expect(await engine.state.list(scope, { asOf: 1_065, prefix: 'b' })).toEqual(['b']);
    expect(await engine.state.list(scope, { asOf: 1_000 })).toEqual([]);
    await engine.close();
  });
});

describe('StateStore batches', () => {
  it('writes every valid entry in one commit, duplicates advancing twice, errors per entry', async () => {
    const { engine, scope, tick } = await open();
    await engine.state.set(scope, 'x', 'old', tick());
    const version = engine.db.version;
    const results = await engine.state.batchSet(
      scope,
      [
        { cell: 'x', value: 1 },
        { cell: '', value: 2 },
        { cell: 'y', value: 3 },
        { cell: 'x', value: 4 },
        { cell: '_strata/no', value: 5 },
      ],
      tick(),
    );
    expect(results).toEqual([
      { version: 2 },
      { error: { code: 'InvalidInput', message: 'Key must not be empty' } },
      { version: 1 },
      { version: 3 },
      { error: { code: 'InvalidInput', message: "Key must not start with reserved prefix '_strata/'" } },
    ]);
    expect(engine.db.version).toBe(version + 1);
    expect(engine.state.get(scope, 'x')).toMatchObject({ value: 4, version: 3 });
    expect(engine.state.get(scope, 'y')).toMatchObject({ value: 3, version: 1 });
    await engine.close();
  });

  it('writes and registers nothing when no entry is valid, or none is given', async () => {
    const { engine, tick } = await open();
    const scope = engine.scope('default', 'batchy');
    const before = await snapshot(engine);
    expect(await engine.state.batchSet(scope, [], tick())).toEqual([]);
    const deep = [[[[1]]]] as Value;
    let tooDeep = deep;
    for (let i = 0; i < 130; i++) tooDeep = [tooDeep];
    const results = await engine.state.batchSet(scope, [{ cell: '', value: 1 }, { cell: 'd', value: tooDeep }], tick());
    expect(results.map((r) => ('error' in r ? r.error.code : r.version))).toEqual(['InvalidInput', 'ConstraintViolation']);
    expect(await snapshot(engine)).toEqual(before);
    expect(engine.spaces.exists('default', 'batchy')).toBe(false);
    await engine.close();
  });
});

describe('StateStore spaces and bad input', () => {
  it('registers a space with its first cell in the same commit, and not for writes that change nothing', async () => {
    const { engine, tick } = await open();
    const scope = engine.scope('default', 'work');
    expect(await engine.state.delete(scope, 'c', tick())).toBe(false);
    expect(await engine.state.cas(scope, 'c', 1, 'v', tick())).toBeNull();
    expect(engine.spaces.exists('default', 'work')).toBe(false);
    expect(engine.db.version).toBe(0);
    expect(await engine.state.cas(scope, 'c', undefined, 'v', tick())).toBe(1);
    expect(engine.db.version).toBe(1);
    expect(engine.spaces.exists('default', 'work')).toBe(true);
    const info = await engine.spaces.info('default', 'work');
    expect(info.createdAt).toBe(engine.state.get(scope, 'c')?.timestamp);
    expect(info.counts.state).toBe(1);
    await engine.close();
  });

  const tooBig = 'x'.repeat(16 * 1024 * 1024 + 1);
  let tooDeep: Value = 1;
  for (let i = 0; i < 129; i++) tooDeep = [tooDeep];
  const ops: [string, (e: Engine, s: Scope, cell: string, value: Value) => Promise<unknown>][] = [
    ['set', (e, s, c, v) => e.state.set(s, c, v, 5_000)],
    ['init', (e, s, c, v) => e.state.init(s, c, v, 5_000)],
    ['cas', (e, s, c, v) => e.state.cas(s, c, 1, v, 5_000)],
    ['cas create', (e, s, c, v) => e.state.cas(s, c, undefined, v, 5_000)],
  ];
  const inputs: [string, string, Value, string][] = [
    ['empty cell', '', 1, 'InvalidInput'],
    ['NUL in cell', 'a\u0000b', 1, 'InvalidInput'],
    ['reserved cell', '_strata/x', 1, 'InvalidInput'],
    ['cell over 1024 bytes', 'é'.repeat(513), 1, 'ConstraintViolation'],
    ['string over 16 MiB', 'ok', tooBig, 'ConstraintViolation'],
    ['nesting over 128', 'ok', tooDeep, 'ConstraintViolation'],
    ['integer beyond 64 bits', 'ok', 2n ** 63n, 'InvalidInput'],
  ];
  const table = ops.flatMap(([op, run]) => inputs.map(([what, cell, value, want]) => [op, what, run, cell, value, want] as const));

  it.each(table)('%s with %s fails and changes nothing', async (_op, _what, run, cell, value, want) => {
    const { engine, scope, tick } = await open();
    await engine.state.set(scope, 'ok', 'kept', tick());
    const before = await snapshot(engine);
    expect(await code(run(engine, scope, cell, value))).toBe(want);
    expect(await snapshot(engine)).toEqual(before);
    await engine.close();
  });

  it.each([
    ['get', (e: Engine, s: Scope) => Promise.resolve().then(() => e.state.get(s, ''))],
    ['getAsOf', (e: Engine, s: Scope) => e.state.getAsOf(s, '_strata/a', 1)],
    ['delete', (e: Engine, s: Scope) => e.state.delete(s, 'a\u0000', 1)],
    ['history', (e: Engine, s: Scope) => e.state.history(s, '')],
    ['list', (e: Engine, s: Scope) => e.state.list(s, { prefix: '_strata/' })],
  ])('%s checks the cell name (or prefix) too', async (_op, run) => {
    const { engine, scope } = await open();
    expect(await code(run(engine, scope))).toBe('InvalidInput');
    await engine.close();
  });

  it('stores one record per cell under the State tag and counts only live cells', async () => {
    const { engine, scope, tick } = await open();
    await engine.state.set(scope, 'a', 1, tick());
    await engine.state.set(scope, 'a', 2, tick());
    await engine.state.set(scope, 'b', 1, tick());
    await engine.state.delete(scope, 'b', tick());
    await engine.db.settled();
    expect(await engine.db.store.count(tagPrefix('default', 'default', TypeTag.State))).toBe(1);
    expect(await engine.db.store.count(tagPrefix('default', 'default', TypeTag.Kv))).toBe(0);
    expect(await engine.totalKeys()).toBe(1);
    await engine.close();
  });
});

describe('StateStore storage failures', () => {
  it('fails a write storage refuses and keeps nothing of it visible', async () => {
    const store = await openStore({ memory: true });
    const { engine, scope } = await open(store);
    store.write = (_ops: readonly WriteOp[], _meta: readonly MetaOp[]) => Promise.reject(new Error('disk full'));
    expect(await code(engine.state.set(scope, 'c', 1, 1))).toBe('Io');
    expect(engine.state.get(scope, 'c')).toBeNull();
    await engine.close().catch(() => undefined);
  });
});
