import { describe, expect, it } from 'vitest';
import { StratumError } from '@stratum/core';
import type { WriteOp } from '../../src/index.js';
import { caught, del, key, put, rejection } from '../store-fixtures.js';
import type { SuiteContext } from '../store-suite.js';

/** Closing, and reopening a durable store. */
export function lifecycleContract(ctx: SuiteContext): void {
  const write = (...ops: WriteOp[]) => ctx.store.write(ops, [], { sync: false });

  describe('after close', () => {
    it('fails every operation with Io', async () => {
      await write(put('k', 1, 1, 10));
      await ctx.store.close();
      const k = key('k');
      for (const fn of [() => ctx.store.get(k), () => ctx.store.getMeta('clock')]) {
        const error = caught(fn);
        expect(error).toBeInstanceOf(StratumError);
        expect((error as StratumError).code).toBe('Io');
      }
      const calls: Array<() => Promise<unknown>> = [
        () => ctx.store.getAsOf(k, 10),
        () => ctx.store.history(k),
        () => ctx.store.scan(k),
        () => ctx.store.scanAsOf(k, 10),
        () => ctx.store.count(k),
        () => ctx.store.write([put('k', 2, 2, 20)], [], { sync: false }),
        () => ctx.store.flush(),
      ];
      for (const call of calls) {
        const error = await rejection(call());
        expect(error).toBeInstanceOf(StratumError);
        expect((error as StratumError).code).toBe('Io');
      }
      await expect(ctx.store.close()).resolves.toBeUndefined();
    });
  });

  if (ctx.features.durable) {
    describe('reopen', () => {
      it('keeps records, history and meta across a close', async () => {
        if (ctx.fixture.reopen === undefined) throw new Error('a durable fixture must provide reopen');
        await ctx.store.write([put('r/a', { n: 1 }, 1, 100), put('r/b', 'b', 1, 100)], [{ name: 'clock', value: { v: 1 } }], {
          sync: false,
        });
        await ctx.store.write([del('r/b', 2, 200), put('r/a', { n: 2 }, 2, 200)], [{ name: 'clock', value: { v: 2 } }], {
          sync: false,
        });
        await ctx.store.flush();
        await ctx.store.close();
        const again = await ctx.fixture.reopen();
        expect(again.get(key('r/a'))).toEqual({ version: 2, timestamp: 200, tombstone: false, value: { n: 2 } });
        expect(again.get(key('r/b'))).toBeUndefined();
        expect((await again.history(key('r/b'))).map((r) => r.tombstone)).toEqual([true, false]);
        expect((await again.scan(key('r/'))).length).toBe(1);
        expect((await again.scanAsOf(key('r/'), 150)).length).toBe(2);
        expect(again.getMeta('clock')).toEqual({ v: 2 });
      });
    });
  }
}
