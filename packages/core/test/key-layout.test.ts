import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { TypeTag, itemKey, namespacePrefix, prefixEnd, tagPrefix, unescapeUserKey, userKeyOf } from '../src/index.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const sign = (n: number) => Math.sign(n);

interface Item {
  branch: string;
  space: string;
  tag: TypeTag;
  key: string;
}

const encode = (x: Item) => itemKey(tagPrefix(x.branch, x.space, x.tag), x.key);

/** The intended order: branch, space, tag, key, each string compared as UTF-8 bytes. */
function modelCompare(a: Item, b: Item): number {
  return (
    Buffer.compare(utf8(a.branch), utf8(b.branch)) ||
    Buffer.compare(utf8(a.space), utf8(b.space)) ||
    a.tag - b.tag ||
    Buffer.compare(utf8(a.key), utf8(b.key))
  );
}

// Small alphabets so that equal parts and prefixes are common; U+FF61 sorts after U+1F600 in
// UTF-16 but before it in UTF-8, which tells the two orders apart.
const chars = (alphabet: string[], min: number) =>
  fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: 4 }).map((a) => a.join(''));
const branch = chars(['a', 'b', 'é', '😀', '\uff61', ' ', '-'], 1);
const space = chars(['a', 'b', '0', '-', '_'], 1);
const userKey = chars(['a', 'b', '\u0000', '\u0001', '\u0002', 'é', '😀', '\uff61', '\u007f', 'ÿ'], 0);
const tag = fc.constantFrom(...Object.values(TypeTag));
const item = fc.record({ branch, space, tag, key: userKey });

describe('key layout order', () => {
  it('sorts user keys bytewise, prefixes first', () => {
    const sorted = ['', 'a', 'a\u0000', 'a\u0001', 'a\u0001b', 'a\u0002', 'aa', 'ab', 'a\u00e9', 'a\uff61', 'a\u{1f600}', 'b', 'é', '\uff61', '😀'];
    const prefix = tagPrefix('default', 'default', TypeTag.Kv);
    const encoded = sorted.map((k) => itemKey(prefix, k));
    const resorted = [...encoded].sort(Buffer.compare).map((k) => userKeyOf(prefix, k));
    expect(resorted).toEqual(sorted);
  });

  it('sorts branches and spaces that are prefixes of each other before their extensions', () => {
    const items: Item[] = [
      { branch: 'a', space: 'a', tag: TypeTag.Kv, key: 'z' },
      { branch: 'a', space: 'a', tag: TypeTag.Event, key: 'a' },
      { branch: 'a', space: 'ab', tag: TypeTag.Kv, key: 'a' },
      { branch: 'a', space: 'b', tag: TypeTag.Kv, key: '' },
      { branch: 'ab', space: 'a', tag: TypeTag.Kv, key: 'a' },
      { branch: 'a\u00e9', space: 'a', tag: TypeTag.Kv, key: 'a' },
      { branch: 'a\uff61', space: 'a', tag: TypeTag.Kv, key: 'a' },
      { branch: 'a\u{1f600}', space: 'a', tag: TypeTag.Kv, key: 'a' },
    ];
    const byEncoding = [...items].sort((x, y) => Buffer.compare(encode(x), encode(y)));
    expect(byEncoding).toEqual(items);
  });

  it('orders any two items as (branch, space, tag, key) bytewise', () => {
    fc.assert(
      fc.property(item, item, (a, b) => {
        expect(sign(Buffer.compare(encode(a), encode(b)))).toBe(sign(modelCompare(a, b)));
      }),
      { numRuns: 3000 },
    );
  });

  it('puts every item of a namespace or tag under its prefix, and below prefixEnd', () => {
    fc.assert(
      fc.property(item, (x) => {
        const key = encode(x);
        for (const prefix of [namespacePrefix(x.branch), namespacePrefix(x.branch, x.space), tagPrefix(x.branch, x.space, x.tag)]) {
          expect(key.subarray(0, prefix.length).equals(prefix)).toBe(true);
          const end = prefixEnd(prefix);
          expect(end.length === 0 || Buffer.compare(key, end) < 0).toBe(true);
        }
      }),
    );
  });

  it('keeps items of other namespaces outside a prefix range', () => {
    fc.assert(
      fc.property(item, item, (a, b) => {
        const prefix = tagPrefix(a.branch, a.space, a.tag);
        const key = encode(b);
        const inside = Buffer.compare(key, prefix) >= 0 && Buffer.compare(key, prefixEnd(prefix)) < 0;
        expect(inside).toBe(a.branch === b.branch && a.space === b.space && a.tag === b.tag);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('userKeyOf', () => {
  it.each(['', 'a', '\u0001', '\u0000', '\u0001\u0001\u0002', 'a\u0001b\u0000c', 'é', '😀', 'msg_001'])('inverts itemKey for %j', (key) => {
    const prefix = tagPrefix('main', 'default', TypeTag.State);
    expect(userKeyOf(prefix, itemKey(prefix, key))).toBe(key);
  });

  it('inverts itemKey for any well-formed string', () => {
    fc.assert(
      fc.property(branch, space, tag, fc.oneof(userKey, fc.string({ unit: 'binary' })), (b, s, t, key) => {
        const prefix = tagPrefix(b, s, t);
        expect(userKeyOf(prefix, itemKey(prefix, key))).toBe(key);
      }),
      { numRuns: 2000 },
    );
  });

  it('escaping of byte keys is undone by unescapeUserKey', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), (bytes) => {
        const prefix = tagPrefix('b', 's', TypeTag.Vector);
        const key = itemKey(prefix, bytes);
        expect(Buffer.from(unescapeUserKey(key.subarray(prefix.length))).equals(Buffer.from(bytes))).toBe(true);
        expect(key.subarray(prefix.length).includes(0)).toBe(false);
      }),
    );
  });
});
