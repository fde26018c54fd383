import { isStratumError } from '@stratum/core';
import { openStore } from '@stratum/storage';
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/index.js';

async function open(): Promise<Engine> {
  return Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });
}

const conflictOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'committed';
  } catch (e) {
    return isStratumError(e) ? e.code : 'fault';
  }
};

describe('Transaction', () => {
  it('reads the snapshot taken at begin, not later commits', async () => {
    const engine = await open();
    const s = engine.scope('default', 'default');
    await engine.kv.put(s, 'a', 1, 10);
    const tx = engine.begin('default', 11);
    await engine.kv.put(s, 'a', 2, 12);
    await engine.kv.delete(s, 'a', 13).then(() => engine.kv.put(s, 'b', 3, 14));
    expect((await engine.kv.getIn(tx, s, 'a'))?.value).toBe(1);
    expect(await engine.kv.getIn(tx, s, 'b')).toBeNull();
    expect(await engine.kv.list(s, {}, tx)).toEqual(['a']);
    tx.rollback();
  });

  it('reads its own writes with null versions, merged into lists, deletions included', async () => {
    const engine = await open();
    const s = engine.scope('default', 'default');
    await engine.kv.put(s, 'a', 1, 10);
    const tx = engine.begin('default', 11);
    expect(await engine.kv.put(s, 'b', 'x', 12, tx)).toBeNull();
    expect(await engine.kv.getIn(tx, s, 'b')).toEqual({ value: 'x', version: null, timestamp: null });
    expect(await engine.kv.delete(s, 'a', 13, tx)).toBe(true);
    expect(await engine.kv.getIn(tx, s, 'a')).toBeNull();
    expect(await engine.kv.list(s, {}, tx)).toEqual(['b']);
    // Outside the transaction nothing changed yet.
    expect(engine.kv.get(s, 'a')?.value).toBe(1);
    expect(engine.kv.get(s, 'b')).toBeNull();
    const version = await tx.commit(14);
    expect(engine.kv.get(s, 'b')).toMatchObject({ value: 'x', version });
    expect(engine.kv.get(s, 'a')).toBeNull();
  });

  it('continues state counters and event sequences from the snapshot and its own writes', async () => {
    const engine = await open();
    const s = engine.scope('default', 'default');
    await engine.state.set(s, 'c', 1, 10);
    await engine.events.append(s, 'e', { n: 0 }, 11);
    const tx = engine.begin('default', 12);
    expect(await engine.state.set(s, 'c', 2, 13, tx)).toBe(2);
    expect(await engine.state.set(s, 'c', 3, 13, tx)).toBe(3);
    expect(await engine.state.cas(s, 'c', 3, 4, 13, tx)).toBe(4);
    expect(await engine.state.init(s, 'c', 9, 13, tx)).toBe(4);
    expect(await engine.events.append(s, 'e', { n: 1 }, 13, tx)).toBe(1);
    expect(await engine.events.lenIn(tx, s)).toBe(2);
    expect(await engine.events.getIn(tx, s, 1)).toEqual({ value: { n: 1 }, version: null, timestamp: null });
    expect(engine.events.len(s)).toBe(1);
    await tx.commit(14);
    expect(engine.state.get(s, 'c')).toMatchObject({ value: 4, version: 4 });
    expect(engine.events.len(s)).toBe(2);
    expect((await engine.events.byType(s, 'e')).map((e) => e.value)).toEqual([{ n: 0 }, { n: 1 }]);
  });

  it('applies JSON path writes to the snapshot document', async () => {
    const engine = await open();
    const s = engine.scope('default', 'default');
    await engine.json.set(s, 'd', '$', { a: 1 }, 10);
    const tx = engine.begin('default', 11);
    expect(await engine.json.set(s, 'd', '$.b', 2, 12, tx)).toBe(2);
    expect(await engine.json.getIn(tx, s, 'd', '$')).toEqual({ value: { a: 1, b: 2 }, version: null, timestamp: null });
    expect(engine.json.get(s, 'd', '$')?.value).toEqual({ a: 1 });
    await tx.commit(13);
    expect(engine.json.get(s, 'd', '$')).toMatchObject({ value: { a: 1, b: 2 }, version: 2 });
  });

  it('lets exactly one of two transactions writing the same key commit', async () => {
    const engine = await open();
    const s = engine.scope('default', 'default');
    const t1 = engine.begin('default', 10);
    const t2 = engine.begin('default', 10);
    await engine.kv.put(s, 'k', 1, 11, t1);
    await engine.kv.put(s, 'k', 2, 11, t2);
    const outcomes = [await conflictOf(t1.commit(12)), await conflictOf(t2.commit(13))];
    expect(outcomes).toEqual(['committed', 'TransactionConflict']);
    expect(engine.kv.get(s, 'k')?.value).toBe(1);
  });

  it('fails a transaction whose read key was deleted after its snapshot, changing nothing', async () => {
    const engine = await open();
    const s = engine.scope('default', 'default');
    await engine.kv.put(s, 'r', 1, 10);
    const tx = engine.begin('default', 11);
    expect((await engine.kv.getIn(tx, s, 'r'))?.value).toBe(1);
    await engine.kv.put(s, 'w', 'x', 12, tx);
    await engine.kv.delete(s, 'r', 13);
    const before = engine.db.version;
    await expect(tx.commit(14)).rejects.toMatchObject({ code: 'TransactionConflict' });
    expect(engine.db.version).toBe(before);
    expect(engine.kv.get(s, 'w')).toBeNull();
    expect(tx.status).toBe('committed');
  });

  it('commits writes across spaces in one commit, registering new spaces', async () => {
    const engine = await open();
    const billing = engine.scope('default', 'billing');
    const logs = engine.scope('default', 'api-logs');
    const tx = engine.begin('default', 10);
    await engine.state.set(billing, 'credits', 99, 11, tx);
    await engine.events.append(logs, 'call', { cost: 1 }, 11, tx);
    expect(await engine.spaces.list('default')).toEqual(['default']);
    const version = await tx.commit(12);
    expect(engine.db.version).toBe(version);
    expect(await engine.spaces.list('default')).toEqual(['api-logs', 'billing', 'default']);
    expect(engine.state.get(billing, 'credits')?.value).toBe(99);
    expect(engine.events.len(logs)).toBe(1);
  });

  it('leaves nothing behind on rollback, and a commit without writes allocates no version', async () => {
    const engine = await open();
    const s = engine.scope('default', 'sp');
    const before = engine.db.version;
    const tx = engine.begin('default', 10);
    await engine.kv.put(s, 'a', 1, 11, tx);
    await engine.state.set(s, 'c', 1, 11, tx);
    tx.rollback();
    expect(engine.db.version).toBe(before);
    expect(engine.kv.get(s, 'a')).toBeNull();
    expect(await engine.spaces.list('default')).toEqual(['default']);
    const ro = engine.begin('default', 12);
    expect(await engine.kv.getIn(ro, s, 'a')).toBeNull();
    expect(await ro.commit(13)).toBe(before);
    expect(engine.db.version).toBe(before);
  });

  it('a put then delete of a new key in one transaction writes nothing', async () => {
    const engine = await open();
    const s = engine.scope('default', 'default');
    const tx = engine.begin('default', 10);
    await engine.kv.put(s, 'n', 1, 11, tx);
    expect(await engine.kv.delete(s, 'n', 11, tx)).toBe(true);
    expect(tx.pendingWrites).toBe(0);
    await tx.commit(12);
    expect(await engine.kv.history(s, 'n')).toBeNull();
  });
});
