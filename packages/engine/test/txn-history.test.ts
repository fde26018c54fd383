import { openStore } from '@stratum/storage';
import { describe, expect, it } from 'vitest';
import { Engine, type Scope } from '../src/index.js';

async function open(): Promise<{ engine: Engine; scope: Scope; tick: () => number }> {
  const engine = await Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });
  let now = 1_000;
  return { engine, scope: engine.scope('default', 'default'), tick: () => (now += 10) };
}

const PENDING = { version: null, timestamp: null };

describe('histories inside a transaction', () => {
  it('KvGetv: the snapshot versions under the pending write, a pending delete marked', async () => {
    const { engine, scope, tick } = await open();
    const kv = engine.kv;
    const v1 = await kv.put(scope, 'k', 1, tick());
    const tx = engine.begin('default', tick());
    await kv.put(scope, 'k', 2, tick());
    const committed = [{ value: 1, version: v1, timestamp: expect.any(Number) }];
    expect(await kv.history(scope, 'k', undefined, tx)).toEqual(committed);
    await kv.put(scope, 'k', 3, tick(), tx);
    expect(await kv.history(scope, 'k', undefined, tx)).toEqual([{ value: 3, ...PENDING }, ...committed]);
    await kv.delete(scope, 'k', tick(), tx);
    expect(await kv.history(scope, 'k', undefined, tx)).toEqual([{ value: null, ...PENDING, deleted: true }, ...committed]);
    expect(await kv.history(scope, 'never', undefined, tx)).toBeNull();
    // With asOf: committed history up to then, as outside.
    expect(await kv.history(scope, 'k', Number.MAX_SAFE_INTEGER, tx)).toHaveLength(2);
    // The history read the key: the commit after a later write to it conflicts.
    await expect(tx.commit(tick())).rejects.toMatchObject({ code: 'TransactionConflict' });
    await engine.close();
  });

  it('StateGetv: the pending cell value on top of the snapshot counters', async () => {
    const { engine, scope, tick } = await open();
    const state = engine.state;
    await state.set(scope, 'c', 'a', tick());
    const tx = engine.begin('default', tick());
    expect(await state.set(scope, 'c', 'b', tick(), tx)).toBe(2);
    expect(await state.history(scope, 'c', undefined, tx)).toEqual([
      { value: 'b', ...PENDING },
      { value: 'a', version: 1, timestamp: expect.any(Number) },
    ]);
    await state.set(scope, 'fresh', 0, tick(), tx);
    expect(await state.history(scope, 'fresh', undefined, tx)).toEqual([{ value: 0, ...PENDING }]);
    await state.delete(scope, 'fresh', tick(), tx);
    expect(await state.history(scope, 'fresh', undefined, tx)).toBeNull();
    await tx.commit(tick());
    expect(await state.history(scope, 'c')).toMatchObject([{ value: 'b', version: 2 }, { value: 'a', version: 1 }]);
    await engine.close();
  });

  it('JsonGetv: the whole pending document on top of the snapshot versions', async () => {
    const { engine, scope, tick } = await open();
    const json = engine.json;
    await json.set(scope, 'd', '$', { a: 1 }, tick());
    const tx = engine.begin('default', tick());
    await json.set(scope, 'd', '$.b', 2, tick(), tx);
    expect(await json.history(scope, 'd', undefined, tx)).toEqual([
      { value: { a: 1, b: 2 }, ...PENDING },
      { value: { a: 1 }, version: 1, timestamp: expect.any(Number) },
    ]);
    await json.delete(scope, 'd', '$', tick(), tx);
    expect((await json.history(scope, 'd', undefined, tx))?.[0]).toEqual({ value: null, ...PENDING, deleted: true });
    tx.rollback();
    expect(await json.history(scope, 'd')).toHaveLength(1);
    await engine.close();
  });

  it('EventGetByType: the snapshot events, then its own appends, with afterSequence and limit over both', async () => {
    const { engine, scope, tick } = await open();
    const events = engine.events;
    await events.append(scope, 'e', { n: 0 }, tick());
    await events.append(scope, 'x', { n: 1 }, tick());
    const tx = engine.begin('default', tick());
    await events.append(scope, 'e', { n: 2 }, tick());
    expect(await events.append(scope, 'e', { n: 3 }, tick(), tx)).toBe(2);
    expect(await events.append(scope, 'x', { n: 4 }, tick(), tx)).toBe(3);
    expect(await events.append(scope, 'e', { n: 5 }, tick(), tx)).toBe(4);
    const payloads = async (options: { limit?: number; afterSequence?: number }) =>
      (await events.byType(scope, 'e', options, tx)).map((e) => [e.value, e.version]);
    expect(await payloads({})).toEqual([[{ n: 0 }, 0], [{ n: 3 }, null], [{ n: 5 }, null]]);
    expect(await payloads({ limit: 2 })).toEqual([[{ n: 0 }, 0], [{ n: 3 }, null]]);
    expect(await payloads({ afterSequence: 2 })).toEqual([[{ n: 5 }, null]]);
    expect(await payloads({ afterSequence: 0, limit: 1 })).toEqual([[{ n: 3 }, null]]);
    expect(await payloads({ limit: 0 })).toEqual([]);
    expect((await events.byType(scope, 'e', {}, tx))[1]).toEqual({ value: { n: 3 }, version: null, timestamp: null });
    // Outside, the committed log.
    expect((await events.byType(scope, 'e')).map((e) => e.version)).toEqual([0, 2]);
    tx.rollback();
    await engine.close();
  });
});
