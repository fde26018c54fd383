import { describe, expect, it } from 'vitest';
import { StratumError } from '@stratum/core';
import type { Store, WriteOp } from '../../src/index.js';
import { del, key, put, rejection } from '../store-fixtures.js';
import type { SuiteContext } from '../store-suite.js';

/** Everything the store answers about keys under `prefix`: latest records, histories, an as-of view. */
async function everything(store: Store, prefix: string, asOf: number): Promise<unknown> {
  const p = key(prefix);
  return {
    latest: await store.scan(p, { tombstones: true }),
    history: await store.scanHistory(p),
    asOf: await store.scanAsOf(p, asOf, { tombstones: true }),
    count: await store.count(p),
    meta: store.getMeta('clock'),
  };
}

/** Compaction and disk size: maintenance that must never change what reads answer. */
export function maintenanceContract(ctx: SuiteContext): void {
  const write = (...ops: WriteOp[]) => ctx.store.write(ops, [], { sync: false });

  describe('compact', () => {
    it('leaves every read unchanged: latest records, histories, tombstones, as-of views and meta', async () => {
      await ctx.store.write([put('m/a', 1, 1, 10), put('m/b', 'b', 1, 10)], [{ name: 'clock', value: { v: 1 } }], { sync: false });
      await write(put('m/a', 2, 2, 20), del('m/b', 2, 20));
      await write({ key: key('m/c'), version: 3, timestamp: 30, tombstone: true, keepTombstone: true });
      await write(put('m/d', 'kept', 3, 30), del('m/d', 4, 40));
      const before = await everything(ctx.store, 'm/', 25);
      await ctx.store.compact();
      expect(await everything(ctx.store, 'm/', 25)).toEqual(before);
      expect(ctx.store.get(key('m/a'))?.value).toBe(2);
      expect(ctx.store.get(key('m/b'))).toBeUndefined();
    });

    it('can run on an empty store and twice in a row', async () => {
      await ctx.store.compact();
      await ctx.store.compact();
      expect(await ctx.store.scan(key(''))).toEqual([]);
    });

    it('lets writes continue afterwards', async () => {
      await write(put('w', 1, 1, 10));
      await ctx.store.compact();
      await write(put('w', 2, 2, 20));
      expect(ctx.store.get(key('w'))?.value).toBe(2);
      expect((await ctx.store.history(key('w'))).map((r) => r.value)).toEqual([2, 1]);
    });
  });

  describe('diskSize', () => {
    it(ctx.features.durable ? 'counts the bytes on disk, growing with the data' : 'is 0 in memory', async () => {
      const empty = await ctx.store.diskSize();
      await write(...Array.from({ length: 200 }, (_, i) => put(`s/${i}`, 'x'.repeat(500), 1, 10)));
      await ctx.store.flush();
      const full = await ctx.store.diskSize();
      if (ctx.features.durable) expect(full).toBeGreaterThan(empty + 200 * 500);
      else expect([empty, full]).toEqual([0, 0]);
    });
  });

  describe('after close', () => {
    it('compact and diskSize fail with Io', async () => {
      await ctx.store.close();
      for (const call of [() => ctx.store.compact(), () => ctx.store.diskSize()]) {
        const error = await rejection(call());
        expect(error).toBeInstanceOf(StratumError);
        expect((error as StratumError).code).toBe('Io');
      }
    });
  });
}
