import { beforeEach, describe, expect, it } from 'vitest';
import type { VersionedRecord, WriteOp } from '../../src/index.js';
import { bytes, del, key, put, sortBytes } from '../store-fixtures.js';
import type { SuiteContext } from '../store-suite.js';

/** Range reads: scan (order, cursor, limit), scanAsOf, count. */
export function scansContract(ctx: SuiteContext): void {
  const write = (...ops: WriteOp[]) => ctx.store.write(ops, [], { sync: false });

  describe('scan', () => {
    const names = ['é', 'ab', 'a', 'b', 'Z', 'a/b', 'a~'];
    const raw = [bytes(0x61, 0xff), bytes(0xff, 0x01), bytes(0xff, 0xff)];
    const all = sortBytes([...names.map(key), ...raw]);

    beforeEach(async () => {
      // Several writes in scrambled order, so no backend can rely on insertion order.
      let version = 0;
      for (const name of names) await write(put(name, name, ++version, version * 10));
      for (const k of raw) await write({ key: k, version: ++version, timestamp: version * 10, value: k.length });
    });

    const keysOf = (entries: readonly (readonly [Uint8Array, VersionedRecord])[]) =>
      entries.map(([k]) => Buffer.from(k).toString('hex'));
    const hex = (ks: readonly Uint8Array[]) => ks.map((k) => Buffer.from(k).toString('hex'));

    it('returns every key in bytewise order, prefixes of each other and non-ASCII included', async () => {
      expect(keysOf(await ctx.store.scan(bytes()))).toEqual(hex(all));
    });

    it('returns only keys under the prefix, with their latest records', async () => {
      const entries = await ctx.store.scan(key('a'));
      expect(keysOf(entries)).toEqual(hex(sortBytes([key('a'), key('a/b'), key('ab'), key('a~'), bytes(0x61, 0xff)])));
      expect(entries[0]?.[1]).toEqual({ version: 3, timestamp: 30, tombstone: false, value: 'a' });
      expect(await ctx.store.scan(key('q'))).toEqual([]);
    });

    it('handles a prefix of 0xff bytes', async () => {
      expect(keysOf(await ctx.store.scan(bytes(0xff)))).toEqual(['ff01', 'ffff']);
    });

    it('starts strictly after the cursor, which need not exist', async () => {
      expect(keysOf(await ctx.store.scan(key('a'), { after: key('a') }))[0]).toBe(hex([key('a/b')])[0]);
      expect(keysOf(await ctx.store.scan(key('a'), { after: key('a0') }))).toEqual(hex([key('ab'), key('a~'), bytes(0x61, 0xff)]));
      expect(keysOf(await ctx.store.scan(key('a'), { after: key('0') }))[0]).toBe(hex([key('a')])[0]);
      expect(await ctx.store.scan(key('a'), { after: key('b') })).toEqual([]);
    });

    it('honours limit, and pages through with after', async () => {
      expect(keysOf(await ctx.store.scan(bytes(), { limit: 2 }))).toEqual(hex(all.slice(0, 2)));
      expect(await ctx.store.scan(bytes(), { limit: 0 })).toEqual([]);
      const seen: Uint8Array[] = [];
      let after: Uint8Array | undefined;
      for (;;) {
        const page = await ctx.store.scan(bytes(), after === undefined ? { limit: 3 } : { limit: 3, after });
        if (page.length === 0) break;
        for (const [k] of page) seen.push(k);
        after = page[page.length - 1]?.[0];
      }
      expect(hex(seen)).toEqual(hex(all));
    });

    it('skips deleted keys, and the limit counts live keys only', async () => {
      await write(del('a', 100, 1000), del('a/b', 101, 1010));
      const entries = await ctx.store.scan(key('a'), { limit: 2 });
      expect(keysOf(entries)).toEqual(hex([key('ab'), key('a~')]));
    });

    it('places keys written after a scan in order', async () => {
      await ctx.store.scan(bytes());
      await write(put('aa', 1, 200, 2000), put('0', 1, 200, 2000));
      expect(keysOf(await ctx.store.scan(bytes()))).toEqual(hex(sortBytes([...all, key('aa'), key('0')])));
    });
  });

  describe('scanAsOf', () => {
    beforeEach(async () => {
      await write(put('p/a', 'a1', 1, 100));
      await write(put('p/b', 'b2', 2, 200));
      await write(put('p/a', 'a3', 3, 300));
      await write(del('p/b', 4, 400));
      await write(put('p/c', 'c5', 5, 500), put('q', 'q5', 5, 500));
    });

    const at = async (ts: number) =>
      (await ctx.store.scanAsOf(key('p/'), ts)).map(([k, r]) => `${Buffer.from(k).toString()}=${String(r.value)}@${r.version}`);

    it('returns the keys live at each point in time, ascending', async () => {
      expect(await at(50)).toEqual([]);
      expect(await at(100)).toEqual(['p/a=a1@1']);
      expect(await at(250)).toEqual(['p/a=a1@1', 'p/b=b2@2']);
      expect(await at(350)).toEqual(['p/a=a3@3', 'p/b=b2@2']);
      expect(await at(450)).toEqual(['p/a=a3@3']);
      expect(await at(600)).toEqual(['p/a=a3@3', 'p/c=c5@5']);
    });

    it('carries full records', async () => {
      const [first] = await ctx.store.scanAsOf(key('p/a'), 1000);
      expect(first?.[1]).toEqual({ version: 3, timestamp: 300, tombstone: false, value: 'a3' });
    });
  });

  describe('count', () => {
    it('counts live keys under a prefix', async () => {
      await write(put('c/1', 1, 1, 10), put('c/2', 2, 1, 10), put('c/3', 3, 1, 10), put('d', 4, 1, 10));
      await write(del('c/2', 2, 20));
      expect(await ctx.store.count(key('c/'))).toBe(2);
      expect(await ctx.store.count(bytes())).toBe(3);
      expect(await ctx.store.count(key('x'))).toBe(0);
    });
  });
}
