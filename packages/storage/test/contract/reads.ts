import { beforeEach, describe, expect, it } from 'vitest';
import type { WriteOp } from '../../src/index.js';
import { del, key, put } from '../store-fixtures.js';
import type { SuiteContext } from '../store-suite.js';

/** Point reads and histories: get, getAsOf, history. */
export function readsContract(ctx: SuiteContext): void {
  const write = (...ops: WriteOp[]) => ctx.store.write(ops, [], { sync: false });

  describe('get', () => {
    it('returns the latest live version with its version and timestamp', async () => {
      await write(put('k', 'one', 1, 100));
      await write(put('k', 'two', 2, 200));
      expect(ctx.store.get(key('k'))).toEqual({ version: 2, timestamp: 200, tombstone: false, value: 'two' });
    });

    it('returns undefined for an absent key and for a deleted one', async () => {
      await write(put('k', 1, 1, 100));
      await write(del('k', 2, 200));
      expect(ctx.store.get(key('k'))).toBeUndefined();
      expect(ctx.store.get(key('never'))).toBeUndefined();
    });

    it('serves a key written again after its deletion', async () => {
      await write(put('k', 'a', 1, 100));
      await write(del('k', 2, 200));
      await write(put('k', 'b', 3, 300));
      expect(ctx.store.get(key('k'))).toMatchObject({ version: 3, value: 'b' });
    });

    it('isolates stored values from the caller, before and after the write', async () => {
      const value = { list: [1, 2], bytes: Uint8Array.of(1, 2) };
      await write(put('k', value, 1, 100));
      value.list.push(3);
      value.bytes[0] = 9;
      const read = ctx.store.get(key('k'))?.value as { list: number[]; bytes: Uint8Array };
      read.list.push(4);
      read.bytes[1] = 9;
      expect(ctx.store.get(key('k'))?.value).toEqual({ list: [1, 2], bytes: Uint8Array.of(1, 2) });
    });
  });

  describe('getAsOf', () => {
    beforeEach(async () => {
      await write(put('k', 'v1', 1, 100));
      await write(put('k', 'v2', 2, 200));
      await write(del('k', 3, 300));
    });

    it('is undefined before the first version and for an absent key', async () => {
      expect(await ctx.store.getAsOf(key('k'), 99)).toBeUndefined();
      expect(await ctx.store.getAsOf(key('other'), 1000)).toBeUndefined();
    });

    it('includes a version written exactly at the timestamp', async () => {
      expect(await ctx.store.getAsOf(key('k'), 100)).toEqual({ version: 1, timestamp: 100, tombstone: false, value: 'v1' });
      expect(await ctx.store.getAsOf(key('k'), 199)).toMatchObject({ version: 1, value: 'v1' });
      expect(await ctx.store.getAsOf(key('k'), 200)).toMatchObject({ version: 2, value: 'v2' });
    });

    it('returns the tombstone after a deletion', async () => {
      const deleted = { version: 3, timestamp: 300, tombstone: true, value: null };
      expect(await ctx.store.getAsOf(key('k'), 300)).toEqual(deleted);
      expect(await ctx.store.getAsOf(key('k'), 1e15)).toEqual(deleted);
    });

    it('does not see versions of a key that extends this one', async () => {
      await write(put('k/x', 'other', 4, 400));
      expect(await ctx.store.getAsOf(key('k'), 500)).toMatchObject({ version: 3, tombstone: true });
    });
  });

  describe('history', () => {
    beforeEach(async () => {
      await write(put('k', 'v1', 1, 100));
      await write(del('k', 2, 200));
      await write(put('k', 'v3', 3, 300));
      await write(put('kk', 'neighbour', 4, 400));
    });

    it('lists every version newest first, tombstones included', async () => {
      const versions = await ctx.store.history(key('k'));
      expect(versions).toEqual([
        { version: 3, timestamp: 300, tombstone: false, value: 'v3' },
        { version: 2, timestamp: 200, tombstone: true, value: null },
        { version: 1, timestamp: 100, tombstone: false, value: 'v1' },
      ]);
    });

    it('honours limit', async () => {
      expect((await ctx.store.history(key('k'), 2)).map((r) => r.version)).toEqual([3, 2]);
      expect(await ctx.store.history(key('k'), 0)).toEqual([]);
      expect((await ctx.store.history(key('k'), 10)).length).toBe(3);
    });

    it('is empty for an absent key', async () => {
      expect(await ctx.store.history(key('absent'))).toEqual([]);
    });
  });
}
