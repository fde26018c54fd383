import type { WriteOp } from '../src/index.js';

/** A UTF-8 key. */
export const key = (s: string): Buffer => Buffer.from(s, 'utf8');

/** A key from raw bytes. */
export const bytes = (...b: number[]): Buffer => Buffer.from(b);

/** A live write of `value` to `k`. */
export const put = (k: string, value: unknown, version: number, timestamp: number): WriteOp => ({
  key: key(k),
  version,
  timestamp,
  value,
});

/** A deletion of `k`. */
export const del = (k: string, version: number, timestamp: number): WriteOp => ({
  key: key(k),
  version,
  timestamp,
  tombstone: true,
});

/** Keys in bytewise order, the order every scan must return. */
export const sortBytes = (keys: readonly Uint8Array[]): Uint8Array[] => [...keys].sort(Buffer.compare);

/** What `fn` throws; fails the test when it returns instead. */
export function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** What `p` rejects with; fails the test when it resolves instead. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}
