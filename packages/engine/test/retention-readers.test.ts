import { openStore } from '@stratum/storage';
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/index.js';

/** A memory engine with a test-driven clock: each `tick()` is 10 µs after the last. */
async function open() {
  const engine = await Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });
  let now = 1_000;
  return { engine, tick: () => (now += 10) };
}

const values = (h: { value: unknown; deleted?: true }[] | null) => (h ?? []).map((e) => (e.deleted ? 'deleted' : e.value));

describe('retention and forks', () => {
  it('keeps on a parent the versions its forks read as of their fork points', async () => {
    const { engine, tick } = await open();
    const p = engine.scope('default', 'default');
    await engine.kv.put(p, 'k', 'a1', tick());
    await engine.kv.put(p, 'k', 'a2', tick());
    await engine.state.set(p, 'c', 'a2', tick());
    await engine.branches.fork('default', 'f', tick());
    const forkedAt = tick();
    await engine.kv.put(p, 'k', 'a3', tick());
    await engine.state.set(p, 'c', 'a3', tick());
    await engine.kv.put(p, 'k', 'a4', tick());
    const f = engine.scope('f', 'default');
    await engine.kv.put(f, 'own', 'f1', tick());
    await engine.branches.fork('f', 'g', tick());
    await engine.kv.put(f, 'own', 'f2', tick());

    const preview = await engine.retention.preview('default', undefined, tick());
    expect(await engine.retention.apply('default', undefined, tick())).toEqual(preview);
    // a1 and a3 go; a2 stays for f (and, through f, for g), a4 is the newest.
    expect(preview.byPrimitive.kv.versionsToDrop).toBe(2);
    expect(values(await engine.kv.history(p, 'k'))).toEqual(['a4', 'a2']);
    expect(values(await engine.state.history(p, 'c'))).toEqual(['a3', 'a2']);
    const g = engine.scope('g', 'default');
    for (const s of [f, g]) {
      expect((await engine.kv.getAsOf(s, 'k', forkedAt))?.value).toBe('a2');
      expect(values(await engine.kv.history(s, 'k'))).toEqual(['a2']);
      expect(engine.kv.get(s, 'k')?.value).toBe('a2');
      expect((await engine.state.getAsOf(s, 'c', forkedAt))?.value).toBe('a2');
      expect(await engine.kv.list(s, { asOf: forkedAt })).toEqual(['k']);
    }
    // The fork's own versions were not the parent's to drop.
    expect(values(await engine.kv.history(f, 'own'))).toEqual(['f2', 'f1']);
  });

  it('touches only a fork’s own versions, and keeps what the fork’s own forks read', async () => {
    const { engine, tick } = await open();
    const p = engine.scope('default', 'default');
    for (const v of ['p1', 'p2']) await engine.kv.put(p, 'k', v, tick());
    await engine.branches.fork('default', 'f', tick());
    const f = engine.scope('f', 'default');
    for (const v of ['f1', 'f2']) await engine.kv.put(f, 'k', v, tick());
    for (const v of ['x1', 'x2']) await engine.kv.put(f, 'x', v, tick());
    await engine.branches.fork('f', 'g', tick());
    const forkedAt = tick();
    for (const v of ['f3', 'f4']) await engine.kv.put(f, 'k', v, tick());
    const parentBefore = await engine.retention.stats('default');
    const forkBefore = await engine.retention.stats('f');
    expect(forkBefore.byPrimitive.kv).toMatchObject({ items: 2, versions: 6 });

    await engine.retention.apply('f', undefined, tick());
    expect(await engine.retention.stats('default')).toEqual(parentBefore);
    expect((await engine.retention.stats('f')).byPrimitive.kv).toMatchObject({ items: 2, versions: 3 });
    // f keeps f2 (what g forked from) and f4; the parent's versions still show through below.
    expect(values(await engine.kv.history(f, 'k'))).toEqual(['f4', 'f2', 'p2', 'p1']);
    expect(values(await engine.kv.history(f, 'x'))).toEqual(['x2']);
    const g = engine.scope('g', 'default');
    expect((await engine.kv.getAsOf(g, 'k', forkedAt))?.value).toBe('f2');
    expect(engine.kv.get(g, 'k')?.value).toBe('f2');
  });

  it('keeps the merge base a recorded merge left, so the next merge still sees no conflict', async () => {
    const { engine, tick } = await open();
    const p = engine.scope('default', 'default');
    await engine.kv.put(p, 'k', 'base', tick());
    await engine.branches.fork('default', 'f', tick());
    const f = engine.scope('f', 'default');
    await engine.kv.put(f, 'k', 'x1', tick());
    expect(await engine.merger.merge('f', 'default', 'strict', tick())).toMatchObject({ keysApplied: 1 });
    await engine.kv.put(f, 'k', 'x2', tick());
    await engine.kv.put(f, 'k', 'x3', tick());

    await engine.retention.apply('f', undefined, tick());
    expect(values(await engine.kv.history(f, 'k'))).toEqual(['x3', 'x1', 'base']);
    await engine.retention.apply('default', undefined, tick());
    const merged = await engine.merger.merge('f', 'default', 'strict', tick());
    expect(merged).toMatchObject({ keysApplied: 1, conflicts: [] });
    expect(engine.kv.get(p, 'k')?.value).toBe('x3');
  });
});

describe('retention and concurrent readers and writers', () => {
  it('keeps what an open transaction reads at its snapshot', async () => {
    const { engine, tick } = await open();
    const s = engine.scope('default', 'default');
    await engine.kv.put(s, 'k', 'old', tick());
    await engine.kv.put(s, 'gone', 'there', tick());
    const tx = engine.begin('default', tick());
    await engine.kv.put(s, 'k', 'new', tick());
    await engine.kv.delete(s, 'gone', tick());
    await engine.retention.apply('default', undefined, tick());
    expect(await engine.kv.list(s, {}, tx)).toEqual(['gone', 'k']);
    expect((await engine.kv.getIn(tx, s, 'k'))?.value).toBe('old');
    tx.rollback();
    await engine.retention.apply('default', undefined, tick());
    expect(values(await engine.kv.history(s, 'k'))).toEqual(['new']);
    expect(values(await engine.kv.history(s, 'gone'))).toEqual(['deleted']);
  });

  it('plans as of its start: writes landing during a run are neither counted nor dropped', async () => {
    const { engine, tick } = await open();
    const s = engine.scope('default', 'default');
    for (let i = 0; i < 3; i++) for (const k of ['a', 'b']) await engine.kv.put(s, k, i, tick());
    const run = engine.retention.apply('default', undefined, tick());
    const writes = [engine.kv.put(s, 'a', 'during', tick()), engine.kv.put(s, 'c', 'new', tick())];
    const dropped = await run;
    await Promise.all(writes);
    expect(dropped.versionsToDrop).toBe(4);
    expect(values(await engine.kv.history(s, 'a'))).toEqual(['during', 2]);
    expect(values(await engine.kv.history(s, 'b'))).toEqual([2]);
    expect(values(await engine.kv.history(s, 'c'))).toEqual(['new']);
  });

  it('drops a large branch in several batches with the same result as a preview', async () => {
    const { engine, tick } = await open();
    const s = engine.scope('default', 'default');
    const keys = Array.from({ length: 2_500 }, (_, i) => `k${i}`);
    for (let round = 0; round < 6; round++) await engine.kv.batchPut(s, keys.map((key) => ({ key, value: round })), tick());
    const before = await engine.retention.stats('default');
    const preview = await engine.retention.preview('default', { keepLast: 1 }, tick());
    expect(preview.versionsToDrop).toBe(2_500 * 5);
    expect(await engine.retention.apply('default', { keepLast: 1 }, tick())).toEqual(preview);
    const after = await engine.retention.stats('default');
    expect(after).toMatchObject({ items: 2_500, versions: 2_500, bytes: before.bytes - preview.bytesToFree });
    expect(values(await engine.kv.history(s, 'k1234'))).toEqual([5]);
  });
});
