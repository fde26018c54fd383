import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DurabilityMode } from '@stratum/durability';
import { openStore, type Store, type WriteOptions } from '@stratum/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../src/index.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stratum-durability-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Records, in order, each storage batch (with its sync flag) and each flush a store receives. */
function recording(store: Store): string[] {
  const seen: string[] = [];
  const write = store.write.bind(store);
  const flush = store.flush.bind(store);
  store.write = (ops, meta, o: WriteOptions) => {
    seen.push(o.sync ? 'write+sync' : 'write');
    return write(ops, meta, o);
  };
  store.flush = () => {
    seen.push('flush');
    return flush();
  };
  return seen;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function openRecorded(mode: Exclude<DurabilityMode, 'cache'>) {
  const store = await openStore({ dir: await tempDir() });
  const seen = recording(store);
  const engine = await Engine.open({ store, durability: mode });
  seen.length = 0; // opening a new database records its creation time
  return { engine, seen, scope: engine.scope('default', 'default') };
}

describe('durability modes', () => {
  it('always: every batch is synced before it is acknowledged, one sync per batch however many writers', async () => {
    const { engine, seen, scope } = await openRecorded('always');
    await Promise.all(Array.from({ length: 50 }, (_, i) => engine.kv.put(scope, `k${i}`, i, 1)));
    expect(seen).toEqual(['write+sync']);
    await engine.kv.put(scope, 'one', 1, 1);
    expect(seen).toEqual(['write+sync', 'write+sync']);
    await sleep(250);
    expect(seen).toEqual(['write+sync', 'write+sync']);
    await engine.close();
  });

  it('standard: batches are not synced, but one background sync follows a burst of them within 100 ms', async () => {
    const { engine, seen, scope } = await openRecorded('standard');
    for (let i = 0; i < 5; i++) await engine.kv.put(scope, `k${i}`, i, 1);
    expect(seen).toEqual(['write', 'write', 'write', 'write', 'write']);
    await sleep(250);
    expect(seen).toEqual(['write', 'write', 'write', 'write', 'write', 'flush']);
    // Nothing written since: no further sync.
    await sleep(250);
    expect(seen.filter((s) => s === 'flush')).toHaveLength(1);
    await engine.close();
  });

  it('standard: closing cancels a pending background sync (close syncs everything itself)', async () => {
    const { engine, seen, scope } = await openRecorded('standard');
    await engine.kv.put(scope, 'k', 1, 1);
    await engine.close();
    expect(seen).toEqual(['write', 'write+sync']);
    await sleep(250);
    expect(seen).toEqual(['write', 'write+sync']);
  });

  it('cache: nothing is ever synced and flush and compact are no-ops that keep every read', async () => {
    const store = await openStore({ memory: true });
    const seen = recording(store);
    const engine = await Engine.open({ store, durability: 'cache' });
    seen.length = 0;
    const scope = engine.scope('default', 'default');
    await engine.kv.put(scope, 'k', 1, 10);
    await engine.kv.put(scope, 'k', 2, 20);
    await engine.db.flush();
    await engine.db.compact();
    await sleep(150);
    expect(seen.filter((s) => s !== 'write')).toEqual(['flush']);
    expect((await engine.kv.history(scope, 'k'))?.map((v) => v.value)).toEqual([2, 1]);
    await engine.close();
  });
});

describe('Database.flush and Database.compact', () => {
  it('flush waits for queued writes, then syncs the store', async () => {
    const { engine, seen, scope } = await openRecorded('standard');
    void engine.kv.put(scope, 'queued', 1, 1);
    await engine.db.flush();
    expect(seen).toEqual(['write', 'flush']);
    await engine.close();
  });

  it('compact keeps every value, history and as-of view, and writes go on after it', async () => {
    const { engine, scope } = await openRecorded('standard');
    for (let i = 0; i < 200; i++) await engine.kv.put(scope, `k${i % 20}`, i, 1_000 + i);
    for (let i = 0; i < 10; i++) await engine.kv.delete(scope, `k${i}`, 2_000 + i);
    const view = async () => ({
      keys: await engine.kv.list(scope, {}),
      history: await engine.kv.history(scope, 'k3'),
      asOf: await engine.kv.getAsOf(scope, 'k3', 1_100),
    });
    const before = await view();
    await engine.db.compact();
    expect(await view()).toEqual(before);
    expect(await engine.kv.put(scope, 'after', 1, 3_000)).toBeGreaterThan(0);
    await engine.close();
  });
});

describe('opening', () => {
  it('reads only the branch records and the meta entries, however much data the database holds', async () => {
    const dir = await tempDir();
    const first = await Engine.open({ store: await openStore({ dir }), durability: 'standard' });
    const scope = first.scope('default', 'default');
    for (let i = 0; i < 20; i++) await first.kv.batchPut(scope, Array.from({ length: 500 }, (_, j) => ({ key: `k${i}-${j}`, value: j })), i + 1);
    await first.close();
    const store = await openStore({ dir });
    const ranges: string[] = [];
    for (const name of ['scan', 'scanAsOf', 'scanHistory', 'count', 'history', 'getAsOf'] as const) {
      const original = (store[name] as (...args: unknown[]) => Promise<unknown>).bind(store);
      (store as unknown as Record<string, unknown>)[name] = (prefix: Uint8Array, ...rest: unknown[]) => {
        ranges.push(`${name} ${Buffer.from(prefix).toString('latin1')}`);
        return original(prefix, ...rest);
      };
    }
    const engine = await Engine.open({ store, durability: 'standard' });
    expect(ranges).toEqual(['scan ~\u0000default\u0000\u0005']);
    expect(engine.kv.get(scope, 'k19-499')?.value).toBe(499);
    await engine.close();
  });
});
