import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { StratumError, parseJson } from '../src/index.js';
import { parseJsonLossless } from '../src/json-lossless.js';
import { show, thrown } from './tree.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The spec's number rule: an integer literal beyond ±2^53 is a bigint, anything else a double. */
function numberOf(literal: string): number | bigint {
  if (/^-?\d+$/.test(literal)) {
    const b = BigInt(literal);
    if (b > MAX_SAFE || b < -MAX_SAFE) return b;
  }
  return Number(literal);
}

/** `x` with every bigint rounded to the double JSON.parse would give; checks it was unsafe. */
function rounded(x: unknown): unknown {
  if (typeof x === 'bigint') {
    expect(x > MAX_SAFE || x < -MAX_SAFE).toBe(true);
    return Number(x);
  }
  if (Array.isArray(x)) return x.map(rounded);
  if (x === null || typeof x !== 'object') return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) {
    Object.defineProperty(out, k, { value: rounded(v), writable: true, enumerable: true, configurable: true });
  }
  return out;
}

const parsers = [
  ['parseJson', parseJson],
  ['parseJsonLossless', parseJsonLossless],
] as const;

describe('parseJson numbers', () => {
  const cases: [string, unknown][] = [
    ['0', 0],
    ['-0', -0],
    ['-0.0', -0],
    ['9007199254740991', 9007199254740991],
    ['-9007199254740991', -9007199254740991],
    ['9007199254740992', 9007199254740992n],
    ['-9007199254740992', -9007199254740992n],
    ['9007199254740993', 9007199254740993n],
    ['1767225604000000', 1767225604000000],
    ['1000000000000000000', 1000000000000000000n],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['123456789012345678901234567890', 123456789012345678901234567890n],
    ['1e3', 1000],
    ['1E+3', 1000],
    ['2.0', 2],
    ['2.5', 2.5],
    ['1e19', 1e19],
    ['12345678901234567.5', 12345678901234567.5],
    ['12345678901234567e0', 12345678901234567],
    ['1e400', Infinity],
    ['-1e400', -Infinity],
    ['5e-324', 5e-324],
    ['[1, 9007199254740993, "9007199254740993", {"n": -99999999999999999999}]', [1, 9007199254740993n, '9007199254740993', { n: -99999999999999999999n }]],
  ];
  for (const [name, parse] of parsers) {
    it.each(cases)(`${name}(%s)`, (text, expected) => {
      expect(show(parse(text))).toBe(show(expected));
    });
  }
});

describe('parseJson structure', () => {
  for (const [name, parse] of parsers) {
    it(`${name}: duplicate keys keep the first position and the last value`, () => {
      expect(show(parse('{"a":1,"b":2,"a":3, "x": 12345678901234567890}'))).toBe('{"a":3,"b":2,"x":12345678901234567890n}');
    });

    it(`${name}: __proto__ is an own key, not a prototype`, () => {
      const x = parse('{"__proto__": {"polluted": 1}, "n": 99999999999999999}') as Record<string, unknown>;
      expect(Object.getPrototypeOf(x)).toBe(Object.prototype);
      expect(Object.keys(x)).toEqual(['__proto__', 'n']);
      expect(show(x['__proto__'])).toBe('{"polluted":1}');
      expect((x as { polluted?: unknown }).polluted).toBeUndefined();
    });

    it(`${name}: strings, escapes and lone surrogates`, () => {
      expect(parse('"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00"')).toBe('a"b\\c/d\b\f\n\r\té😀');
      expect(parse('"\\ud800"')).toBe('\ud800');
      expect(parse('"\ud800x"')).toBe('\ud800x');
      expect(parse(' \t\r\n[ ] ')).toEqual([]);
      const long = 'x'.repeat(100);
      expect(parse(`["${long}", "${long}\\n${long}\\"", "${long}"]`)).toEqual([long, `${long}\n${long}"`, long]);
    });
  }
});

describe('parseJson rejects invalid JSON', () => {
  const invalid = [
    '', ' ', '[1,]', '{"a":1,}', "'a'", "{'a':1}", 'NaN', 'Infinity', '-Infinity', '1 2', '{"a" 1}', '{"a":1 "b":2}',
    '[1', '[1 2]', '{', '[', '"abc', '"\\x"', '"\\u12"', '"\\u12g4"', '"a\tb"', '"a\nb"', '01', '-01', '1.', '.5',
    '+1', '-', '1e', '1e+', '0x10', 'tru', 'nul', 'True', '{a:1}', '{"a":1}}', '[]]', '[,1]', '{,}', '\u00a0[]',
    '[1]x', '"\\', '12345678901234567890 x',
    `"${'a'.repeat(100)}\u0001"`, `"${'a'.repeat(100)}`, `["${'a'.repeat(100)}\\q"]`,
  ];
  for (const [name, parse] of parsers) {
    it.each(invalid)(`${name}(%j) → ParseError`, (text) => {
      const e = thrown(() => parse(text));
      expect(e).toBeInstanceOf(StratumError);
      expect(e.code).toBe('ParseError');
      expect(typeof e.details?.['reason']).toBe('string');
    });
  }

  it('the hand-written parser says what and where', () => {
    expect(thrown(() => parseJson('[1,]')).message).toBe("invalid JSON: unexpected character ']' at position 3");
    expect(thrown(() => parseJson('{"a":1 "b":2}')).message).toBe(
      "invalid JSON: expected ',' or '}', found character '\"' at position 7",
    );
    expect(thrown(() => parseJson('[1')).message).toBe("invalid JSON: expected ',' or ']', found end of input at position 2");
    expect(thrown(() => parseJson('"a\u0001"')).message).toBe('invalid JSON: control character in string at position 2');
    expect(thrown(() => parseJson('1 2')).message).toBe("invalid JSON: expected end of input, found character '2' at position 2");
  });
});

/** A JSON text together with the tree the spec says it denotes. */
interface Doc {
  text: string;
  value: unknown;
}

const ws = fc.constantFrom('', '', ' ', '\n', '\t', '\r\n  ');
const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 8 });
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  anyUnits,
  fc.constantFrom('__proto__', 'a', '1', '$bytes'),
  fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', 'é', '\ud800'), minLength: 60, maxLength: 90 }),
);
const hex4 = (c: number) => c.toString(16).padStart(4, '0');
const stringDoc = fc.tuple(text, fc.boolean()).map(([s, escapeAll]): Doc => ({
  text: escapeAll ? `"${[...Array(s.length).keys()].map((i) => `\\u${hex4(s.charCodeAt(i))}`).join('')}"` : JSON.stringify(s),
  value: s,
}));
const numberLiteral = fc.oneof(
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.constantFrom('9007199254740991', '9007199254740992', '-9007199254740993', '9223372036854775807', '-0', '0'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => d.toExponential().replace('e', 'E')),
);
const numberDoc = numberLiteral.map((t): Doc => ({ text: t, value: numberOf(t) }));
const literalDoc = fc.constantFrom<Doc>({ text: 'true', value: true }, { text: 'false', value: false }, { text: 'null', value: null });

const { doc } = fc.letrec<{ doc: Doc; array: Doc; object: Doc }>((tie) => ({
  doc: fc.oneof({ depthSize: 'small', maxDepth: 5 }, numberDoc, stringDoc, literalDoc, tie('array'), tie('object')),
  array: fc.array(fc.tuple(ws, tie('doc'), ws), { maxLength: 5 }).map((items) => ({
    text: `[${items.map(([a, d, b]) => a + d.text + b).join(',')}]`,
    value: items.map(([, d]) => d.value),
  })),
  object: fc.array(fc.tuple(text, ws, tie('doc')), { maxLength: 5 }).map((members) => {
    const value: Record<string, unknown> = {};
    for (const [k, , d] of members) {
      Object.defineProperty(value, k, { value: d.value, writable: true, enumerable: true, configurable: true });
    }
    return { text: `{${members.map(([k, s, d]) => `${s}${JSON.stringify(k)}${s}:${s}${d.text}`).join(',')}}`, value };
  }),
}));

describe('fast and slow paths agree', () => {
  it('on any JSON text, the hand-written parser gives what JSON.parse gives, bigints apart', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (t) => {
        expect(show(rounded(parseJsonLossless(t)))).toBe(show(JSON.parse(t)));
        expect(show(rounded(parseJson(t)))).toBe(show(JSON.parse(t)));
      }),
      { numRuns: 500 },
    );
  });

  it('on texts with big integers, escapes and odd whitespace, both give the spec tree', () => {
    fc.assert(
      fc.property(ws, doc, ws, (before, { text, value }, after) => {
        const t = before + text + after;
        expect(show(parseJson(t))).toBe(show(value));
        expect(show(parseJsonLossless(t))).toBe(show(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('both reject the same broken texts', () => {
    fc.assert(
      fc.property(doc, fc.nat(), fc.constantFrom(',', ']', '}', '"', ':', 'x', '\u0001'), ({ text: t }, at, junk) => {
        const broken = t.slice(0, at % (t.length + 1)) + junk + t.slice(at % (t.length + 1));
        let native: unknown;
        try {
          native = JSON.parse(broken);
        } catch {
          native = 'rejected';
        }
        let lossless: unknown;
        try {
          lossless = parseJsonLossless(broken);
        } catch (e) {
          expect((e as StratumError).code).toBe('ParseError');
          lossless = 'rejected';
        }
        expect(lossless === 'rejected').toBe(native === 'rejected');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('deep nesting', () => {
  const depth = 100_000;
  it.each([
    ['arrays', '['.repeat(depth) + ']'.repeat(depth)],
    ['arrays, slow path', '['.repeat(depth) + '12345678901234567890' + ']'.repeat(depth)],
    ['objects, slow path', '{"a":'.repeat(depth) + '99999999999999999' + '}'.repeat(depth)],
    ['unterminated', '['.repeat(depth)],
  ])('%s: parses or throws a StratumError, without crashing', (_, t) => {
    for (const parse of [parseJson, parseJsonLossless]) {
      try {
        parse(t);
      } catch (e) {
        expect(e).toBeInstanceOf(StratumError);
        expect(['ParseError', 'ConstraintViolation']).toContain((e as StratumError).code);
      }
    }
  });
});
