import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { StratumError, stringifyJson } from '../src/index.js';
import { thrown } from './tree.js';

describe('stringifyJson', () => {
  const cases: [string, unknown, string][] = [
    ['hot-path response', { id: 7, ok: true, output: { type: 'Version', value: 3 } }, '{"id":7,"ok":true,"output":{"type":"Version","value":3}}'],
    ['key order', { b: 1, a: 2, c: { z: null, y: [] } }, '{"b":1,"a":2,"c":{"z":null,"y":[]}}'],
    ['i64 max', 2n ** 63n - 1n, '9223372036854775807'],
    ['i64 min', -(2n ** 63n), '-9223372036854775808'],
    ['bigint in an array', [1n, 2n ** 53n + 1n], '[1,9007199254740993]'],
    ['bytes', new Uint8Array([1, 2, 3]), '{"$bytes":"AQID"}'],
    ['empty bytes', new Uint8Array(0), '{"$bytes":""}'],
    ['bytes with padding', new Uint8Array([104, 105]), '{"$bytes":"aGk="}'],
    ['a Buffer is bytes', Buffer.from('hi'), '{"$bytes":"aGk="}'],
    ['a view writes only its bytes', new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4), '{"$bytes":"AQID"}'],
    ['NaN', NaN, '{"$f64":"NaN"}'],
    ['Infinity', Infinity, '{"$f64":"+Inf"}'],
    ['-Infinity', -Infinity, '{"$f64":"-Inf"}'],
    ['-0', -0, '{"$f64":"-0.0"}'],
    ['odd floats inside', { v: [-0, 0, NaN] }, '{"v":[{"$f64":"-0.0"},0,{"$f64":"NaN"}]}'],
    ['integral floats beyond 2^53 keep a fraction', [2 ** 53, -(2 ** 60), 1e19, 1e21, 2 ** 53 - 1], '[9007199254740992.0,-1152921504606847000.0,10000000000000000000.0,1e+21,9007199254740991]'],
    ['ordinary floats', [0.1, 2.5, 1e21, 5e-324, -1.5e-7], '[0.1,2.5,1e+21,5e-324,-1.5e-7]'],
    ['undefined properties are left out', { a: undefined, b: 1, c: undefined }, '{"b":1}'],
    ['undefined array items are null', [undefined, () => 1, 2], '[null,null,2]'],
    ['functions are left out', { f() {}, g: 1 }, '{"g":1}'],
    ['escapes', 'a"b\\c\n\u0001\u001f/', '"a\\"b\\\\c\\n\\u0001\\u001f/"'],
    ['long string with an escape', `${'x'.repeat(50)}"`, `"${'x'.repeat(50)}\\""`],
    ['lone surrogate', '\ud800', '"\\ud800"'],
    ['paired surrogates and non-ASCII stay raw', 'é😀\u0000', '"é😀\\u0000"'],
    ['keys are escaped', { 'a"b': 1, '\n': 2 }, '{"a\\"b":1,"\\n":2}'],
    ['__proto__ own key', JSON.parse('{"__proto__":1}'), '{"__proto__":1}'],
    ['toJSON is honoured', { at: new Date(0) }, '{"at":"1970-01-01T00:00:00.000Z"}'],
    ['nulls and booleans', [null, true, false], '[null,true,false]'],
  ];
  it.each(cases)('%s', (_, x, expected) => {
    expect(stringifyJson(x)).toBe(expected);
  });

  it.each([undefined, () => 1, Symbol('s')])('a bare %s has no JSON form → Serialization', (x) => {
    const e = thrown(() => stringifyJson(x));
    expect(e).toBeInstanceOf(StratumError);
    expect(e.code).toBe('Serialization');
  });

  it('writes what JSON.stringify writes for any JSON value without -0 or big integral floats', () => {
    const special = (x: unknown): boolean =>
      Object.is(x, -0) ||
      (typeof x === 'number' && Number.isInteger(x) && !Number.isSafeInteger(x) && Math.abs(x) < 1e21) ||
      (typeof x === 'object' && x !== null && Object.values(x).some(special));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (x) => {
        fc.pre(!special(x));
        expect(stringifyJson(x)).toBe(JSON.stringify(x));
      }),
      { numRuns: 500 },
    );
  });

  it('writes what JSON.stringify writes for strings of any UTF-16 code units', () => {
    const units = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.string({ unit: units, maxLength: 60 }), (s) => {
        expect(stringifyJson({ [s]: s })).toBe(JSON.stringify({ [s]: s }));
      }),
      { numRuns: 1000 },
    );
  });
});
