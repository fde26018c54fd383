/**
 * A strict JSON reader that keeps what `JSON.parse` loses, so scripts can say exactly what is sent
 * and exactly what must come back:
 *
 * - `parseRaw` keeps every number literal as written ({@link RawNumber}); `writeJson` writes it back
 *   verbatim, so a request carries `-0`, `2.0`, `1e19` or `9223372036854775807` unchanged.
 * - `parseExact` reads numbers for comparison: an integer literal is a `number` when it is a safe
 *   integer (keeping `-0`) and a `bigint` beyond; any other literal is a `number`, except that one
 *   whose value is a safe integer (`2.0`, `1e3`) stays a {@link FloatLiteral}, so a response writing
 *   `2.0` where `2` is due does not pass.
 */

export class RawNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export class FloatLiteral {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export type Json = null | boolean | string | number | bigint | RawNumber | FloatLiteral | Json[] | { [key: string]: Json };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const INTEGER = /^-?(?:0|[1-9]\d*)$/;

export const isPlainObject = (x: unknown): x is { [key: string]: Json } =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof RawNumber) && !(x instanceof FloatLiteral);

/** Sets a key, including `__proto__`, as an own enumerable property. */
export function setKey(o: Record<string, unknown>, key: string, v: unknown): void {
  Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
}

/** The value of an exact-reading number literal. */
export function exactNumber(text: string): number | bigint | FloatLiteral {
  if (INTEGER.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  const n = Number(text);
  return Number.isSafeInteger(n) ? new FloatLiteral(text) : n;
}

export const parseRaw = (text: string): Json => parse(text, (t) => new RawNumber(t));
export const parseExact = (text: string): Json => parse(text, exactNumber);

/** Turns a `parseRaw` tree into what `parseExact` would have read. */
export function exact(x: Json): Json {
  if (x instanceof RawNumber) return exactNumber(x.text);
  if (Array.isArray(x)) return x.map(exact);
  if (isPlainObject(x)) {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(x)) setKey(out, k, exact(x[k] as Json));
    return out;
  }
  return x;
}

function parse(text: string, number: (literal: string) => Json): Json {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${i}`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const value = (): Json => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, Json> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a string key');
        const key = string();
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        setKey(out, key, value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return out;
        } else fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const out: Json[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return out;
        } else fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) return fail('unexpected character');
    i += m[0].length;
    return number(m[0]);
  };
  const string = (): string => {
    const start = i;
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('unterminated string');
      if (c === '\\') i += 2;
      else if (c === '"') break;
      else i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const result = value();
  ws();
  if (i !== text.length) fail('unexpected text after the value');
  return result;
}

/** JSON text of a tree from either reader (raw numbers verbatim), keys in their order. */
export function writeJson(x: Json): string {
  if (x instanceof RawNumber || x instanceof FloatLiteral) return x.text;
  if (typeof x === 'bigint') return x.toString();
  if (typeof x === 'number') {
    if (Object.is(x, -0)) return '-0';
    if (!Number.isSafeInteger(x) && Number.isInteger(x)) return x.toExponential();
    return String(x);
  }
  if (Array.isArray(x)) return `[${x.map(writeJson).join(',')}]`;
  if (isPlainObject(x)) return `{${Object.keys(x).map((k) => `${JSON.stringify(k)}:${writeJson(x[k] as Json)}`).join(',')}}`;
  return JSON.stringify(x);
}
