import { describe, expect, it } from 'vitest';
import type { WriteOp } from '../../src/index.js';
import { del, key } from '../store-fixtures.js';
import type { SuiteContext } from '../store-suite.js';

/** Payload round trips through every read path. */
export function valuesContract(ctx: SuiteContext): void {
  const write = (...ops: WriteOp[]) => ctx.store.write(ops, [], { sync: false });

  describe('values', () => {
    /** Writes `value` and reads it back through every read path. */
    const roundTrips = async (value: unknown, negativeZero = false): Promise<unknown[]> => {
      await write({ key: key('v'), version: 1, timestamp: 10, value, ...(negativeZero ? { negativeZero } : {}) });
      return [
        ctx.store.get(key('v'))?.value,
        (await ctx.store.getAsOf(key('v'), 10))?.value,
        (await ctx.store.history(key('v')))[0]?.value,
        (await ctx.store.scan(key('v')))[0]?.[1].value,
        (await ctx.store.scanAsOf(key('v'), 10))[0]?.[1].value,
      ];
    };

    it('keeps negative zero when flagged, at the top level and nested', async () => {
      for (const v of await roundTrips(-0, true)) expect(Object.is(v, -0)).toBe(true);
      await write(del('v', 2, 20));
      const nested = { a: [-0, 0, 1.5], b: { c: -0 } };
      await write({ key: key('v'), version: 3, timestamp: 30, value: nested, negativeZero: true });
      const read = ctx.store.get(key('v'))?.value as { a: number[]; b: { c: number } };
      expect(Object.is(read.a[0], -0)).toBe(true);
      expect(Object.is(read.a[1], 0)).toBe(true);
      expect(read.a[2]).toBe(1.5);
      expect(Object.is(read.b.c, -0)).toBe(true);
    });

    it('keeps NaN and both infinities', async () => {
      for (const v of await roundTrips([NaN, Infinity, -Infinity, 0.1, 1e300, -5e-324])) {
        expect(v).toEqual([NaN, Infinity, -Infinity, 0.1, 1e300, -5e-324]);
      }
    });

    it('keeps bigints as bigints at the signed 64-bit bounds, and safe integers as numbers', async () => {
      const value = [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, Number.MAX_SAFE_INTEGER, -7];
      for (const v of await roundTrips(value)) {
        expect(v).toEqual(value);
        expect((v as unknown[]).map((x) => typeof x)).toEqual(['bigint', 'bigint', 'bigint', 'number', 'number']);
      }
    });

    it('returns byte arrays as Uint8Array', async () => {
      for (const v of await roundTrips({ b: Uint8Array.of(0, 1, 255), empty: new Uint8Array(0) })) {
        const { b, empty } = v as { b: Uint8Array; empty: Uint8Array };
        expect(b).toBeInstanceOf(Uint8Array);
        expect([...b]).toEqual([0, 1, 255]);
        expect(empty).toBeInstanceOf(Uint8Array);
        expect(empty.length).toBe(0);
      }
    });

    it('keeps nested objects with their key order', async () => {
      const value = { z: 1, a: { y: [true, false, null], b: 'é😀', m: {} }, m: [[], { q: 'x' }] };
      for (const v of await roundTrips(value)) {
        expect(v).toEqual(value);
        const read = v as { a: Record<string, unknown> };
        expect(Object.keys(read)).toEqual(['z', 'a', 'm']);
        expect(Object.keys(read.a)).toEqual(['y', 'b', 'm']);
      }
    });

    it('stores null as a live value, not a deletion', async () => {
      for (const v of await roundTrips(null)) expect(v).toBeNull();
      expect(ctx.store.get(key('v'))?.tombstone).toBe(false);
      expect(await ctx.store.count(key('v'))).toBe(1);
    });
  });
}
