import { beforeEach, describe, expect, it } from 'vitest';
import { encodeValue, type WriteOp } from '../../src/index.js';
import { del, key, put } from '../store-fixtures.js';
import type { SuiteContext } from '../store-suite.js';

/** The record header every stored version carries before its payload. */
const HEADER = 17;
const sizeOf = (value: unknown) => HEADER + encodeValue(value).length;

/** What retention needs of a store: version headers with sizes, and dropping chosen versions. */
export function versionsContract(ctx: SuiteContext): void {
  const write = (...ops: WriteOp[]) => ctx.store.write(ops, [], { sync: false });
  const names = (entries: readonly (readonly [Uint8Array, unknown])[]) => entries.map(([k]) => Buffer.from(k).toString());

  describe('scanVersions', () => {
    beforeEach(async () => {
      await write(put('v/a', 'one', 1, 10), put('v/b', { n: 1 }, 1, 10), put('w/a', 1, 1, 10));
      await write(put('v/a', 'two', 2, 20));
      await write(del('v/a', 3, 30), put('v/c', [1, 2, 3], 3, 30));
    });

    it('gives every version of every key under the prefix, oldest first, with stored sizes and no payloads', async () => {
      const entries = await ctx.store.scanVersions(key('v/'));
      expect(names(entries)).toEqual(['v/a', 'v/b', 'v/c']);
      expect(entries[0]?.[1]).toEqual([
        { version: 1, timestamp: 10, tombstone: false, size: sizeOf('one') },
        { version: 2, timestamp: 20, tombstone: false, size: sizeOf('two') },
        { version: 3, timestamp: 30, tombstone: true, size: HEADER },
      ]);
      expect(entries[1]?.[1]).toEqual([{ version: 1, timestamp: 10, tombstone: false, size: sizeOf({ n: 1 }) }]);
      expect(entries[2]?.[1]).toEqual([{ version: 3, timestamp: 30, tombstone: false, size: sizeOf([1, 2, 3]) }]);
    });

    it('pages by key with after and limit, as scanHistory does', async () => {
      const first = await ctx.store.scanVersions(key('v/'), { limit: 2 });
      expect(names(first)).toEqual(['v/a', 'v/b']);
      expect(first[0]?.[1]).toHaveLength(3);
      expect(names(await ctx.store.scanVersions(key('v/'), { after: key('v/b'), limit: 2 }))).toEqual(['v/c']);
      expect(names(await ctx.store.scanVersions(key('v/'), { after: key('v/a0') }))).toEqual(['v/b', 'v/c']);
      expect(await ctx.store.scanVersions(key('v/'), { limit: 0 })).toEqual([]);
      expect(names(await ctx.store.scanVersions(key('v/'), { after: key('a') }))).toEqual(['v/a', 'v/b', 'v/c']);
    });

    it('lists keys whose latest record is gone but leaves out latest-only records', async () => {
      await write({ ...put('v/d', 'copy', 1, 10), latestOnly: true });
      expect(names(await ctx.store.scanVersions(key('v/')))).toEqual(['v/a', 'v/b', 'v/c']);
      expect(ctx.store.get(key('v/a'))).toBeUndefined();
    });
  });

  describe('dropVersions', () => {
    beforeEach(async () => {
      for (let v = 1; v <= 4; v++) await write(put('d/a', `a${v}`, v, v * 10));
      await write(put('d/b', 'b', 5, 50));
      await write(del('d/b', 6, 60));
    });

    const values = async (k: string) => (await ctx.store.history(key(k))).map((r) => (r.tombstone ? null : r.value));

    it('removes exactly the named versions from histories, time travel and history scans', async () => {
      await ctx.store.dropVersions([{ key: key('d/a'), version: 1 }, { key: key('d/a'), version: 3 }, { key: key('d/b'), version: 5 }], { sync: false });
      expect(await values('d/a')).toEqual(['a4', 'a2']);
      expect(await values('d/b')).toEqual([null]);
      expect(await ctx.store.getAsOf(key('d/a'), 15)).toBeUndefined();
      expect((await ctx.store.getAsOf(key('d/a'), 35))?.value).toBe('a2');
      expect(await ctx.store.getAsOf(key('d/b'), 55)).toBeUndefined();
      expect(names(await ctx.store.scanAsOf(key('d/'), 55))).toEqual(['d/a']);
      const scanned = await ctx.store.scanHistory(key('d/'));
      expect(scanned.map(([, vs]) => vs.map((r) => r.version))).toEqual([[2, 4], [6]]);
      expect((await ctx.store.scanVersions(key('d/'))).map(([, vs]) => vs.map((v) => v.version))).toEqual([[2, 4], [6]]);
    });

    it('never touches the latest records, even when the newest version is named', async () => {
      await ctx.store.dropVersions([{ key: key('d/a'), version: 4 }, { key: key('d/b'), version: 6 }], { sync: false });
      expect(ctx.store.get(key('d/a'))).toEqual({ version: 4, timestamp: 40, tombstone: false, value: 'a4' });
      expect(ctx.store.get(key('d/b'))).toBeUndefined();
      expect(await values('d/a')).toEqual(['a3', 'a2', 'a1']);
      expect(await values('d/b')).toEqual(['b']);
      expect(await ctx.store.count(key('d/'))).toBe(1);
    });

    it('ignores versions and keys that are not stored, and an empty list', async () => {
      await ctx.store.dropVersions([], { sync: false });
      await ctx.store.dropVersions([{ key: key('d/a'), version: 9 }, { key: key('d/zz'), version: 1 }], { sync: false });
      expect(await values('d/a')).toEqual(['a4', 'a3', 'a2', 'a1']);
      expect(await ctx.store.history(key('d/zz'))).toEqual([]);
    });

    it('lets a key whose every version was dropped be written again', async () => {
      await ctx.store.dropVersions([{ key: key('d/b'), version: 5 }, { key: key('d/b'), version: 6 }], { sync: false });
      expect(names(await ctx.store.scanVersions(key('d/')))).toEqual(['d/a']);
      await write(put('d/b', 'again', 7, 70));
      expect(await values('d/b')).toEqual(['again']);
      expect(ctx.store.get(key('d/b'))?.value).toBe('again');
    });

    if (ctx.features.durable) {
      it('keeps the drop across a reopen', async () => {
        if (ctx.fixture.reopen === undefined) throw new Error('a durable fixture must provide reopen');
        await ctx.store.dropVersions([{ key: key('d/a'), version: 2 }], { sync: true });
        await ctx.store.close();
        const reopened = await ctx.fixture.reopen();
        expect((await reopened.history(key('d/a'))).map((r) => r.value)).toEqual(['a4', 'a3', 'a1']);
      });
    }
  });
}
