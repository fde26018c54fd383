import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TypeTag, itemKey } from '@stratum/core';
import { openStore, type MetaOp, type Store, type WriteOp } from '@stratum/storage';
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/index.js';

/** Counts the storage batches a store receives. */
function counting(store: Store): { store: Store; batches: number[] } {
  const batches: number[] = [];
  const write = store.write.bind(store);
  store.write = (ops: readonly WriteOp[], meta: readonly MetaOp[], o: { sync: boolean }) => {
    batches.push(ops.length);
    return write(ops, meta, o);
  };
  return { store, batches };
}

const key = (k: string) => itemKey(Buffer.from('t'), k);

describe('Database', () => {
  it('puts the writes of one event-loop turn into one storage batch, one version each', async () => {
    const { store, batches } = counting(await openStore({ memory: true }));
    const engine = await Engine.open({ store, durability: 'cache' });
    batches.length = 0; // opening a new database records its creation time
    const scope = engine.scope('default', 'default');
    const versions = await Promise.all(Array.from({ length: 100 }, (_, i) => engine.kv.put(scope, `k${i}`, i, 1)));
    expect(versions).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(batches).toEqual([100]);
    await engine.kv.put(scope, 'later', 1, 1);
    expect(batches).toEqual([100, 1]);
    await engine.close();
  });

  it('stamps strictly increasing timestamps even when the clock stands still or goes back', async () => {
    const engine = await Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });
    const c1 = engine.db.commit([{ key: key('a'), value: 1 }], 1_000);
    const c2 = engine.db.commit([{ key: key('b'), value: 1 }], 1_000);
    const c3 = engine.db.commit([{ key: key('c'), value: 1 }], 500);
    await Promise.all([c1.done, c2.done, c3.done]);
    expect([c1.timestamp, c2.timestamp, c3.timestamp]).toEqual([1_000, 1_001, 1_002]);
    expect([c1.version, c2.version, c3.version]).toEqual([1, 2, 3]);
    await engine.close();
  });

  it('keeps versions and timestamps increasing across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratum-engine-'));
    try {
      let engine = await Engine.open({ store: await openStore({ dir }), durability: 'standard', clock: () => 5_000 });
      const first = engine.db.commit([{ key: key('a'), value: 1 }], 5_000);
      await first.done;
      await engine.close();
      engine = await Engine.open({ store: await openStore({ dir }), durability: 'standard', clock: () => 10 });
      const next = engine.db.commit([{ key: key('b'), value: 1 }], 10);
      await next.done;
      expect(next.version).toBe(first.version + 1);
      expect(next.timestamp).toBeGreaterThan(first.timestamp);
      await engine.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps versions and timestamps increasing after a stop without close (a crash)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratum-engine-'));
    try {
      const store = await openStore({ dir });
      const engine = await Engine.open({ store, durability: 'standard' });
      const scope = engine.scope('default', 'default');
      let last = { version: 0, timestamp: 0 };
      for (let i = 0; i < 50; i++) {
        const c = engine.db.commit([{ key: itemKey(scope.prefix(TypeTag.Kv), `k${i}`), value: i }], Date.now() * 1000);
        await c.done;
        last = c;
      }
      await store.close(); // the database itself is never closed: no exact clock is stored
      const reopened = await Engine.open({ store: await openStore({ dir }), durability: 'standard' });
      const next = reopened.db.commit([{ key: itemKey(scope.prefix(TypeTag.Kv), 'after'), value: 1 }], 0);
      await next.done;
      expect(next.version).toBeGreaterThan(last.version);
      expect(next.timestamp).toBeGreaterThan(last.timestamp);
      expect(reopened.kv.get(reopened.scope('default', 'default'), 'k49')).toMatchObject({ value: 49, version: last.version });
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lets a read see a write whose batch has not reached storage yet', async () => {
    const engine = await Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });
    const scope = engine.scope('default', 'default');
    const put = engine.kv.put(scope, 'k', { n: 1 }, 1);
    expect(engine.kv.get(scope, 'k')).toMatchObject({ value: { n: 1 }, version: 1 });
    expect(engine.db.store.get(itemKey(scope.prefix(TypeTag.Kv), 'k'))).toBeUndefined();
    const del = engine.kv.delete(scope, 'k', 1);
    expect(engine.kv.get(scope, 'k')).toBeNull();
    await Promise.all([put, del]);
    expect(engine.kv.get(scope, 'k')).toBeNull();
    await engine.close();
  });

  it('stores the value as it was when the write was made', async () => {
    const engine = await Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });
    const scope = engine.scope('default', 'default');
    const value = { n: 1 };
    const put = engine.kv.put(scope, 'k', value, 1);
    value.n = 2;
    await put;
    expect(engine.kv.get(scope, 'k')?.value).toEqual({ n: 1 });
    await engine.close();
  });

  it('fails every write of a batch storage refuses, and keeps none of it visible', async () => {
    const store = await openStore({ memory: true });
    const engine = await Engine.open({ store, durability: 'cache' });
    store.write = () => Promise.reject(new Error('disk full'));
    const scope = engine.scope('default', 'default');
    const results = await Promise.allSettled([engine.kv.put(scope, 'a', 1, 1), engine.kv.put(scope, 'b', 1, 1)]);
    expect(results.map((r) => r.status === 'rejected' && (r.reason as { code: string }).code)).toEqual(['Io', 'Io']);
    expect(engine.kv.get(scope, 'a')).toBeNull();
    await expect(engine.db.settled()).resolves.toBeUndefined();
    expect(await engine.kv.list(scope, {})).toEqual([]);
    await engine.close().catch(() => undefined);
  });

  it('fails the writes queued behind a failed batch too, since they were built on it', async () => {
    const store = await openStore({ memory: true });
    const engine = await Engine.open({ store, durability: 'cache' });
    const scope = engine.scope('default', 'default');
    const write = store.write.bind(store);
    let calls = 0;
    store.write = (ops, meta, o) => (calls++ === 0 ? new Promise((_, reject) => setTimeout(() => reject(new Error('disk full')), 5)) : write(ops, meta, o));
    const first = engine.events.append(scope, 't', { n: 1 }, 1);
    await new Promise((r) => setImmediate(r)); // the first batch is now being written
    const second = engine.events.append(scope, 't', { n: 2 }, 1);
    const results = await Promise.allSettled([first, second]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(engine.events.len(scope)).toBe(0);
    expect(await engine.events.append(scope, 't', { n: 3 }, 1)).toBe(0);
    await engine.close();
  });

  it('force-deletes a space together with writes queued into it while the delete scanned', async () => {
    const engine = await Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });
    const scope = engine.scope('default', 's');
    await engine.kv.put(scope, 'old', 1, 1);
    const deleting = engine.spaces.delete('default', 's', true, 1);
    await Promise.resolve();
    const racing = engine.kv.put(scope, 'racer', 2, 1);
    await Promise.all([deleting, racing]);
    expect(await engine.kv.list(scope, {})).toEqual([]);
    expect(engine.spaces.exists('default', 's')).toBe(false);
    await engine.close();
  });
});
