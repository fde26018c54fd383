import { err } from './errors.js';

type Container = unknown[] | Record<string, unknown>;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;
const NEEDS_DECODING = /[\\\u0000-\u001f]/;

/**
 * The hand-written JSON parser `parseJson` falls back to. Gives the same tree as `JSON.parse`
 * except that integer literals beyond ±2^53 are `bigint`s. Iterative, so nesting depth is bounded
 * by memory rather than by the call stack. Invalid JSON → `ParseError` naming what and where.
 */
export function parseJsonLossless(text: string): unknown {
  return new Parser(text).document();
}

class Parser {
  private readonly text: string;
  private i = 0;
  private readonly stack: Container[] = [];
  private readonly keys: string[] = [];

  constructor(text: string) {
    this.text = text;
  }

  document(): unknown {
    const { text, stack, keys } = this;
    let value: unknown;
    outer: for (;;) {
      this.ws();
      const c = text.charCodeAt(this.i);
      if (c === 0x7b /* { */) {
        this.i++;
        this.ws();
        if (text.charCodeAt(this.i) === 0x7d /* } */) {
          this.i++;
          value = {};
        } else {
          stack.push({});
          keys.push(this.memberName());
          continue outer;
        }
      } else if (c === 0x5b /* [ */) {
        this.i++;
        this.ws();
        if (text.charCodeAt(this.i) === 0x5d /* ] */) {
          this.i++;
          value = [];
        } else {
          stack.push([]);
          continue outer;
        }
      } else if (c === 0x22 /* " */) {
        value = this.string();
      } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
        value = this.number();
      } else if (c === 0x74 /* t */) {
        value = this.literal('true', true);
      } else if (c === 0x66 /* f */) {
        value = this.literal('false', false);
      } else if (c === 0x6e /* n */) {
        value = this.literal('null', null);
      } else {
        throw this.unexpected();
      }

      // A value is complete: hand it to its container, closing every container that ends here.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) break outer;
        this.ws();
        const d = text.charCodeAt(this.i);
        if (Array.isArray(top)) {
          top.push(value);
          if (d === 0x2c /* , */) {
            this.i++;
            continue outer;
          }
          if (d !== 0x5d /* ] */) throw this.unexpected("',' or ']'");
        } else {
          setMember(top, keys.pop() as string, value);
          if (d === 0x2c /* , */) {
            this.i++;
            this.ws();
            keys.push(this.memberName());
            continue outer;
          }
          if (d !== 0x7d /* } */) throw this.unexpected("',' or '}'");
        }
        this.i++;
        value = stack.pop();
      }
    }
    this.ws();
    if (this.i < text.length) throw this.unexpected('end of input');
    return value;
  }

  /** `"name" :` — leaves the cursor at the member's value. */
  private memberName(): string {
    if (this.text.charCodeAt(this.i) !== 0x22) throw this.unexpected('a double-quoted property name');
    const name = this.string();
    this.ws();
    if (this.text.charCodeAt(this.i) !== 0x3a /* : */) throw this.unexpected("':'");
    this.i++;
    return name;
  }

  private ws(): void {
    const { text } = this;
    let i = this.i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.i)) throw this.unexpected();
    this.i += word.length;
    return value;
  }

  private string(): string {
    const { text } = this;
    let i = this.i + 1;
    // A long string without escapes is found and checked natively; short ones are cheaper to loop over.
    const close = text.indexOf('"', i);
    if (close - i > 64) {
      const plain = text.slice(i, close);
      if (!NEEDS_DECODING.test(plain)) {
        this.i = close + 1;
        return plain;
      }
    }
    let start = i;
    let out = '';
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c /* \ */) {
        out += text.slice(start, i);
        out += this.escape(i);
        i += text.charCodeAt(i + 1) === 0x75 /* u */ ? 6 : 2;
        start = i;
        continue;
      }
      if (c < 0x20 || i >= text.length) {
        this.i = i;
        throw i >= text.length ? this.unexpected('a closing quote') : this.fail('control character in string');
      }
      i++;
    }
    this.i = i + 1;
    return out + text.slice(start, i);
  }

  /** The character an escape sequence at `at` (the backslash) stands for. */
  private escape(at: number): string {
    const e = this.text.charCodeAt(at + 1);
    switch (e) {
      case 0x22:
        return '"';
      case 0x5c:
        return '\\';
      case 0x2f:
        return '/';
      case 0x62:
        return '\b';
      case 0x66:
        return '\f';
      case 0x6e:
        return '\n';
      case 0x72:
        return '\r';
      case 0x74:
        return '\t';
      case 0x75: {
        const hex = this.text.slice(at + 2, at + 6);
        if (/^[0-9a-fA-F]{4}$/.test(hex)) return String.fromCharCode(parseInt(hex, 16));
        this.i = at;
        throw this.fail('bad \\u escape in string');
      }
      default:
        this.i = at;
        throw this.fail('bad escape in string');
    }
  }

  private number(): number | bigint {
    const { text } = this;
    const start = this.i;
    let i = start;
    if (text.charCodeAt(i) === 0x2d) i++;
    const intStart = i;
    if (text.charCodeAt(i) === 0x30) i++;
    else i = this.digits(i, 'a digit');
    const intDigits = i - intStart;
    let integer = true;
    if (text.charCodeAt(i) === 0x2e /* . */) {
      integer = false;
      i = this.digits(i + 1, 'a digit after the decimal point');
    }
    const c = text.charCodeAt(i);
    if (c === 0x65 || c === 0x45 /* e E */) {
      integer = false;
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      i = this.digits(i, 'a digit in the exponent');
    }
    this.i = i;
    const literal = text.slice(start, i);
    if (!integer || intDigits < 16) return Number(literal);
    const big = BigInt(literal);
    return big >= MIN_SAFE && big <= MAX_SAFE ? Number(big) : big;
  }

  /** Skips one or more digits from `i`; returns the index after them. */
  private digits(i: number, what: string): number {
    const { text } = this;
    const from = i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c >= 0x30 && c <= 0x39) i++;
      else break;
    }
    if (i === from) {
      this.i = i;
      throw this.unexpected(what);
    }
    return i;
  }

  private unexpected(expected?: string) {
    const { text, i } = this;
    const found = i >= text.length ? 'end of input' : `character ${describe(text.charCodeAt(i))}`;
    return this.fail(expected === undefined ? `unexpected ${found}` : `expected ${expected}, found ${found}`);
  }

  private fail(what: string) {
    return err.parse(`${what} at position ${this.i}`);
  }
}

function describe(code: number): string {
  if (code > 0x20 && code < 0x7f) return `'${String.fromCharCode(code)}'`;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  // Plain assignment of `__proto__` would replace the prototype; JSON.parse makes it an own key.
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
