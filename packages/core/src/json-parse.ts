import { err } from './errors.js';

/**
 * Parses one JSON text without losing integers: an integer literal outside `Number.isSafeInteger`
 * becomes a `bigint`, every other number a `number`. Duplicate keys keep the last value and
 * `__proto__` is an ordinary own key, as with `JSON.parse`. Invalid JSON → `ParseError`.
 */
export function parseJson(text: string): unknown {
  // JSON.parse first, then re-parse only if its tree holds a number of magnitude ≥ 2^53, which
  // every integer literal outside the safe range rounds to. Scanning the text for long digit runs
  // instead costs more (a regex over a 126-char command with a µs timestamp: parse +26% against
  // +11% for the tree walk; 1536-float vectors: +29% against ≈0%, their 16-17 digit fractions
  // matching the scan) and still needs the walk for precision.
  let tree: unknown;
  try {
    tree = JSON.parse(text);
  } catch (e) {
    // V8's messages do not always give a position; the hand-written parser reports what and where.
    parseJsonLossless(text);
    throw err.parse(e instanceof Error ? e.message : String(e));
  }
  return holdsHugeNumber(tree) ? parseJsonLossless(text) : tree;
}

const HUGE = 2 ** 53;

/** Whether a parsed tree holds a number with magnitude ≥ 2^53. Iterative: trees may be deep. */
function holdsHugeNumber(root: unknown): boolean {
  if (typeof root !== 'object' || root === null) return typeof root === 'number' && (root >= HUGE || root <= -HUGE);
  const pending: object[] = [root];
  for (let x = pending.pop(); x !== undefined; x = pending.pop()) {
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) {
        const v: unknown = x[i];
        if (typeof v === 'number') {
          if (v >= HUGE || v <= -HUGE) return true;
        } else if (typeof v === 'object' && v !== null) pending.push(v);
      }
    } else {
      const o = x as Record<string, unknown>;
      for (const k in o) {
        const v = o[k];
        if (typeof v === 'number') {
          if (v >= HUGE || v <= -HUGE) return true;
        } else if (typeof v === 'object' && v !== null) pending.push(v);
      }
    }
  }
  return false;
}

type Container = unknown[] | Record<string, unknown>;

/**
 * The hand-written parser behind {@link parseJson}. Iterative, so nesting depth is bounded by
 * memory rather than by the call stack. Gives the same tree as `JSON.parse` except for integers
 * beyond ±2^53, which are `bigint`s.
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

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

function describe(code: number): string {
  return code > 0x20 && code < 0x7f ? `'${String.fromCharCode(code)}'` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  // Plain assignment of `__proto__` would replace the prototype; JSON.parse makes it an own key.
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
