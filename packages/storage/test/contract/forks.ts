import { describe, expect, it } from 'vitest';
import { del, key, put } from '../store-fixtures.js';
import type { SuiteContext } from '../store-suite.js';

/** What branches need of a store: kept tombstones, latest-only copies, clearing a prefix. */
export function forksContract(ctx: SuiteContext): void {
  describe('kept tombstones and latest-only records', () => {
    it('keeps a tombstone visible to peek and to scans that ask for it, hidden from get, scans and count', async () => {
      await ctx.store.write([put('f/a', 1, 1, 10), put('f/b', 2, 1, 10), put('f/c', 3, 1, 10)], [], { sync: false });
      await ctx.store.write([{ ...del('f/b', 2, 20), keepTombstone: true }], [], { sync: false });
      expect(ctx.store.get(key('f/b'))).toBeUndefined();
      expect(ctx.store.peek(key('f/b'))).toMatchObject({ tombstone: true, version: 2 });
      expect((await ctx.store.scan(key('f/'))).map(([k]) => k.toString())).toEqual(['f/a', 'f/c']);
      expect((await ctx.store.scan(key('f/'), { tombstones: true })).map(([k]) => k.toString())).toEqual(['f/a', 'f/b', 'f/c']);
      expect(await ctx.store.count(key('f/'))).toBe(2);
      // A page whose first entries are tombstones still fills up with live ones.
      expect((await ctx.store.scan(key('f/'), { after: key('f/a'), limit: 1 })).map(([k]) => k.toString())).toEqual(['f/c']);
      expect((await ctx.store.history(key('f/b'))).map((r) => r.tombstone)).toEqual([true, false]);
    });

    it('sets a latest-only record without adding to the history', async () => {
      await ctx.store.write([put('g/a', 'old', 1, 10)], [], { sync: false });
      await ctx.store.write([{ ...put('g/a', 'copy', 1, 10), latestOnly: true }, { ...put('g/n', 'x', 1, 10), latestOnly: true }], [], {
        sync: false,
      });
      expect(ctx.store.get(key('g/a'))?.value).toBe('copy');
      expect(ctx.store.get(key('g/n'))?.value).toBe('x');
      expect(await ctx.store.history(key('g/n'))).toEqual([]);
      expect((await ctx.store.history(key('g/a'))).map((r) => r.value)).toEqual(['old']);
      expect(await ctx.store.scanAsOf(key('g/'), 100)).toHaveLength(1);
      await ctx.store.write([{ ...del('g/x', 0, 0), latestOnly: true, keepTombstone: true }], [], { sync: false });
      expect(ctx.store.peek(key('g/x'))).toMatchObject({ tombstone: true });
      expect(await ctx.store.history(key('g/x'))).toEqual([]);
    });

    it('scans as of a time with or without tombstones', async () => {
      await ctx.store.write([put('h/a', 1, 1, 10), put('h/b', 2, 1, 10)], [], { sync: false });
      await ctx.store.write([del('h/a', 2, 20)], [], { sync: false });
      expect((await ctx.store.scanAsOf(key('h/'), 25)).map(([k]) => k.toString())).toEqual(['h/b']);
      const all = await ctx.store.scanAsOf(key('h/'), 25, { tombstones: true });
      expect(all.map(([k, r]) => [k.toString(), r.tombstone])).toEqual([['h/a', true], ['h/b', false]]);
    });
  });

  describe('clear', () => {
    it('removes every record and version under a prefix and nothing else', async () => {
      await ctx.store.write([put('x/a', 1, 1, 10), put('x/b', 2, 1, 10), put('xy', 3, 1, 10)], [], { sync: false });
      await ctx.store.write([put('x/a', 4, 2, 20), { ...del('x/c', 2, 20), keepTombstone: true }], [], { sync: false });
      await ctx.store.clear(key('x/'));
      expect(ctx.store.get(key('x/a'))).toBeUndefined();
      expect(ctx.store.peek(key('x/c'))).toBeUndefined();
      expect(await ctx.store.history(key('x/a'))).toEqual([]);
      expect(await ctx.store.scanAsOf(key('x/'), 100, { tombstones: true })).toEqual([]);
      expect(ctx.store.get(key('xy'))?.value).toBe(3);
      await ctx.store.write([put('x/a', 5, 3, 30)], [], { sync: false });
      expect((await ctx.store.history(key('x/a'))).map((r) => r.value)).toEqual([5]);
    });
  });
}
