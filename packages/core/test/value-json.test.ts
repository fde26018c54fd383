import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { I64_MAX, I64_MIN, StratumError, checkValue, parseJson, stringifyJson, valueEquals, valueFromJson, type Value } from '../src/index.js';
import { nest, show, thrown } from './tree.js';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('valueFromJson', () => {
  const cases: [string, unknown, Value][] = [
    ['scalars', [null, true, 'x', 1.5, 3], [null, true, 'x', 1.5, 3]],
    ['-0 is Int 0', -0, 0],
    ['-0 inside', { a: [-0] }, { a: [0] }],
    ['safe bigint becomes a number', 5n, 5],
    ['i64 max stays a bigint', I64_MAX, I64_MAX],
    ['i64 min stays a bigint', I64_MIN, I64_MIN],
    ['bytes', { $bytes: 'AQID' }, bytes(1, 2, 3)],
    ['empty bytes', { $bytes: '' }, bytes()],
    ['bytes with one pad', { $bytes: 'aGk=' }, bytes(104, 105)],
    ['bytes with two pads', { $bytes: 'QQ==' }, bytes(65)],
    ['bytes with + and /', { $bytes: '+/8=' }, bytes(0xfb, 0xff)],
    ['NaN', { $f64: 'NaN' }, NaN],
    ['+Inf', { $f64: '+Inf' }, Infinity],
    ['-Inf', { $f64: '-Inf' }, -Infinity],
    ['-0.0', { $f64: '-0.0' }, -0],
    ['a non-string $f64 is an ordinary object', { $f64: 1 }, { $f64: 1 }],
    ['a null $bytes is an ordinary object', { $bytes: null }, { $bytes: null }],
    ['a second key makes an ordinary object', { $bytes: 'AQID', x: 1 }, { $bytes: 'AQID', x: 1 }],
    ['other $ keys are ordinary', { $f32: 'NaN' }, { $f32: 'NaN' }],
    ['special forms nest', { a: [{ $f64: 'NaN' }, { $bytes: 'AA==' }] }, { a: [NaN, bytes(0)] }],
    ['key order is kept', { b: 1, a: 2, c: { z: 1, y: 2 } }, { b: 1, a: 2, c: { z: 1, y: 2 } }],
  ];
  it.each(cases)('%s', (_, x, expected) => {
    expect(show(valueFromJson(x))).toBe(show(expected));
  });

  const invalid: [string, unknown, string][] = [
    ['i64 max + 1', { a: [0, I64_MAX + 1n] }, '/value/a/1'],
    ['i64 min - 1', I64_MIN - 1n, '/value'],
    ['unpadded base64', { $bytes: 'AQI' }, '/value'],
    ['short padding', { $bytes: 'AQ=' }, '/value'],
    ['only padding', { $bytes: '====' }, '/value'],
    ['too much padding', { $bytes: 'A===' }, '/value'],
    ['url-safe alphabet', { $bytes: '-_8=' }, '/value'],
    ['whitespace in base64', { $bytes: 'AQ ID' }, '/value'],
    ['non-canonical trailing bits', { x: { $bytes: 'QR==' } }, '/value/x'],
    ['padding in the middle', { $bytes: 'QQ==QQ==' }, '/value'],
    ['Infinity spelling', { $f64: 'Infinity' }, '/value'],
    ['-Infinity spelling', { $f64: '-Infinity' }, '/value'],
    ['lowercase nan', { $f64: 'nan' }, '/value'],
    ['-0 spelling', { $f64: '-0' }, '/value'],
    ['a plain float', [{ $f64: '1.5' }], '/value/0'],
    ['undefined', { a: undefined }, '/value/a'],
    ['a function', [() => 1], '/value/0'],
    ['pointer escapes', { 'a/b': { '~': { '': 2n ** 64n } } }, '/value/a~1b/~0/'],
  ];
  it.each(invalid)('%s → InvalidInput at its path', (_, x, path) => {
    const e = thrown(() => valueFromJson(x, '/value'));
    expect(e).toBeInstanceOf(StratumError);
    expect(e.code).toBe('InvalidInput');
    expect(e.details?.['path']).toBe(path);
  });

  it('the path defaults to the root', () => {
    expect(thrown(() => valueFromJson([[2n ** 64n]])).details?.['path']).toBe('/0/0');
    expect(thrown(() => valueFromJson(2n ** 64n)).details?.['path']).toBe('');
  });

  it('__proto__ stays an own key', () => {
    const v = valueFromJson(parseJson('{"__proto__": {"$f64": "NaN"}, "a": 1}')) as Record<string, Value>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'a']);
    expect(v['__proto__']).toBeNaN();
  });

  it('copies the containers it changes, shares the rest, and leaves the input alone', () => {
    const input = { a: [-0, { $f64: 'NaN' }], b: { c: 1 } };
    const before = show(input);
    const v = valueFromJson(input) as Record<string, Value>;
    expect(show(input)).toBe(before);
    expect(v).not.toBe(input);
    expect(v['a']).not.toBe(input.a);
    expect(v['a']).toEqual([0, NaN]);
    expect(v['b']).toBe(input.b);
    const plain = { x: [1, 'two', { three: 3 }] };
    expect(valueFromJson(plain)).toBe(plain);
  });
});

describe('valueFromJson nesting limit', () => {
  it('allows values at depth 128', () => {
    for (const leaf of [1, [], {}, { $bytes: 'AA==' }, { $f64: 'NaN' }]) {
      expect(() => valueFromJson(nest(128, leaf))).not.toThrow();
    }
    expect(() => valueFromJson(nest(127, { a: 1 }))).not.toThrow();
  });

  it.each([
    ['a scalar at depth 129', nest(129, 1), `/v${'/0'.repeat(129)}`],
    ['an empty array at depth 129', nest(129, []), `/v${'/0'.repeat(129)}`],
    ['an object member at depth 129', nest(128, { k: 1 }), `/v${'/0'.repeat(128)}/k`],
    ['100000 nested arrays', nest(100_000, null), `/v${'/0'.repeat(129)}`],
  ])('%s → ConstraintViolation nesting_too_deep where the value is checked', (_, x, path) => {
    const e = thrown(() => checkValue(valueFromJson(x, '/v')));
    expect(e).toBeInstanceOf(StratumError);
    expect(e.code).toBe('ConstraintViolation');
    expect(e.details).toMatchObject({ resource: 'nesting_too_deep', limit: 128, requested: 129, path });
  });

  it('100000 nested arrays from text: parseJson copes, valueFromJson refuses cleanly', () => {
    const depth = 100_000;
    for (const text of ['['.repeat(depth) + ']'.repeat(depth), '['.repeat(depth) + '99999999999999999' + ']'.repeat(depth)]) {
      const tree = parseJson(text);
      const e = thrown(() => checkValue(valueFromJson(tree)));
      expect(e).toBeInstanceOf(StratumError);
      expect(e.code).toBe('ConstraintViolation');
      expect(e.details?.['resource']).toBe('nesting_too_deep');
    }
  });
});

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const asInt = (b: bigint): number | bigint => (b >= -MAX_SAFE && b <= MAX_SAFE ? Number(b) : b);
const units = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const key = fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: units, maxLength: 4 }), fc.constantFrom('__proto__', '$bytes', '$f64', '0', '7'));
// An object whose only key is $bytes or $f64 with a string value reads as the special form, so
// no Value with that shape can survive the wire; every other Value must.
const isSpecialShape = (o: Record<string, Value>): boolean => {
  const keys = Object.keys(o);
  return keys.length === 1 && (keys[0] === '$bytes' || keys[0] === '$f64') && typeof o[keys[0]] === 'string';
};

const leaf: fc.Arbitrary<Value> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.maxSafeInteger(),
  fc.bigInt({ min: I64_MIN, max: I64_MAX }).map(asInt),
  fc.constantFrom<Value>(I64_MIN, I64_MAX, I64_MIN + 1n, I64_MAX - 1n, MAX_SAFE + 1n, -MAX_SAFE - 1n, Number.MAX_SAFE_INTEGER),
  fc.double(),
  fc.constantFrom(NaN, -0, 0, Infinity, -Infinity, 2.5, 1e19, 5e-324),
  fc.string({ maxLength: 10 }),
  fc.string({ unit: units, maxLength: 10 }),
  fc.uint8Array({ maxLength: 12 }),
);

const { value: valueArb } = fc.letrec<{ value: Value; array: Value[]; object: Record<string, Value> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', maxDepth: 5 }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 5, noNullPrototype: true }).filter((o) => !isSpecialShape(o)),
}));

describe('round trip', () => {
  it('valueFromJson(parseJson(stringifyJson(v))) is v, key order included', () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        const back = valueFromJson(parseJson(stringifyJson(v)));
        expect(show(back)).toBe(show(v));
        expect(valueEquals(back, v)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it.each<[string, Value]>([
    ['-0', -0],
    ['NaN', NaN],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['i64 max', I64_MAX],
    ['i64 min', I64_MIN],
    ['2^53', 2n ** 53n],
    ['Float 2^53', 2 ** 53],
    ['Float 1e19', 1e19],
    ['Float -2^63', -(2 ** 63)],
    ['bytes', bytes(0, 1, 255)],
    ['nested', { z: [1, { y: -0, x: bytes(7) }], a: 'é😀', m: { $f64: 1 } }],
  ])('%s', (_, v) => {
    expect(show(valueFromJson(parseJson(stringifyJson(v))))).toBe(show(v));
  });

  it('a float with an integral value comes back as that Int', () => {
    expect(valueFromJson(parseJson('2.0'))).toBe(2);
    expect(valueFromJson(parseJson('1e3'))).toBe(1000);
    expect(valueFromJson(parseJson('-0.0'))).toBe(0);
    expect(Object.is(valueFromJson(parseJson('-0')), 0)).toBe(true);
  });
});
