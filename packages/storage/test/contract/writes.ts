import { describe, expect, it } from 'vitest';
import { StratumError } from '@stratum/core';
import { bytes, key, put, rejection } from '../store-fixtures.js';
import type { SuiteContext } from '../store-suite.js';

/** Batch atomicity and meta entries. */
export function writesContract(ctx: SuiteContext): void {
  describe('write', () => {
    it('makes a whole batch visible, including several versions of one key', async () => {
      await ctx.store.write([put('w/a', 1, 1, 10), put('w/b', 2, 1, 10), put('w/a', 3, 2, 20)], [{ name: 'n', value: 7 }], {
        sync: true,
      });
      expect(ctx.store.get(key('w/a'))).toMatchObject({ version: 2, value: 3 });
      expect(ctx.store.get(key('w/b'))).toMatchObject({ version: 1, value: 2 });
      expect((await ctx.store.history(key('w/a'))).map((r) => r.version)).toEqual([2, 1]);
      expect(ctx.store.getMeta('n')).toBe(7);
    });

    it('applies nothing when any value of the batch cannot be stored', async () => {
      const bad = { key: key('w/bad'), version: 1, timestamp: 10, value: { f: Symbol('no') } };
      const error = await rejection(ctx.store.write([put('w/ok', 1, 1, 10), bad], [{ name: 'n', value: 1 }], { sync: false }));
      expect(error).toBeInstanceOf(StratumError);
      expect((error as StratumError).code).toBe('Serialization');
      expect(ctx.store.get(key('w/ok'))).toBeUndefined();
      expect(await ctx.store.count(bytes())).toBe(0);
      expect(await ctx.store.history(key('w/ok'))).toEqual([]);
      expect(ctx.store.getMeta('n')).toBeUndefined();
    });
  });

  describe('meta', () => {
    it('sets, overwrites and removes entries', async () => {
      expect(ctx.store.getMeta('clock')).toBeUndefined();
      await ctx.store.write([], [{ name: 'clock', value: { version: 1, timestamp: 5 } }], { sync: false });
      expect(ctx.store.getMeta('clock')).toEqual({ version: 1, timestamp: 5 });
      await ctx.store.write([], [{ name: 'clock', value: { version: 2, timestamp: 6 } }, { name: 'other', value: 'x' }], {
        sync: false,
      });
      expect(ctx.store.getMeta('clock')).toEqual({ version: 2, timestamp: 6 });
      await ctx.store.write([], [{ name: 'other', value: undefined }], { sync: false });
      expect(ctx.store.getMeta('other')).toBeUndefined();
      expect(ctx.store.getMeta('clock')).toEqual({ version: 2, timestamp: 6 });
    });

    it('keeps the last of repeated names in one batch, isolated from the caller', async () => {
      const last = { version: 3 };
      await ctx.store.write([], [{ name: 'c', value: { version: 2 } }, { name: 'c', value: last }], { sync: false });
      last.version = 99;
      expect(ctx.store.getMeta('c')).toEqual({ version: 3 });
    });
  });
}
