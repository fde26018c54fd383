import { err } from './errors.js';
import { LIMITS } from './limits.js';
import { I64_MAX, I64_MIN, TooDeep, type Value } from './value.js';

export { parseJson } from './json-parse.js';
export { stringifyJson, toBase64 } from './json-stringify.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Reads a parsed JSON tree (from {@link parseJson}) in a Value position as a {@link Value}
 * (protocol §2): `{"$bytes": base64}` and `{"$f64": "NaN" | "+Inf" | "-Inf" | "-0.0"}` become bytes
 * and floats, `-0` becomes Int 0, and a bigint outside the signed 64-bit range is `InvalidInput`.
 * Nesting deeper than 128 is not descended into: that part becomes a {@link TooDeep} marker, which
 * {@link checkValue} reports as `ConstraintViolation` (`nesting_too_deep`) where the value is used,
 * so one too-deep entry of a batch fails alone. Containers are never mutated: one that needs no
 * change is returned as it is (shared with the input), the others are copied. Errors carry
 * `details.path`, the JSON pointer of the offending value below `path`.
 */
export function valueFromJson(x: unknown, path = ''): Value {
  return new Reader(path).read(x, 0);
}

class Reader {
  // The key of each level on the way down, overwritten in place; read only to build an error path.
  private readonly segments: string[] = [];
  private readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  read(x: unknown, depth: number): Value {
    if (depth > LIMITS.nestingDepth) return new TooDeep(depth, this.at(depth).path) as unknown as Value;
    switch (typeof x) {
      case 'string':
      case 'boolean':
        return x;
      case 'number':
        return x === 0 ? 0 : x;
      case 'bigint':
        if (x >= -MAX_SAFE && x <= MAX_SAFE) return Number(x);
        if (x < I64_MIN || x > I64_MAX) throw err.invalidInput('Integer outside the signed 64-bit range', this.at(depth));
        return x;
      case 'object':
        break;
      default:
        throw err.invalidInput(`Unsupported value of type ${typeof x}`, this.at(depth));
    }
    if (x === null) return null;
    if (Array.isArray(x)) {
      // Copy on write: the common tree needs no change and is returned as it is.
      let out: Value[] | undefined;
      const { segments } = this;
      for (let i = 0; i < x.length; i++) {
        segments[depth] = String(i);
        const v = this.read(x[i], depth + 1);
        if (out === undefined && !Object.is(v, x[i])) out = x.slice(0, i) as Value[];
        if (out !== undefined) out.push(v);
      }
      return out ?? (x as Value[]);
    }
    if (x instanceof Uint8Array) return x;
    const o = x as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      const k = keys[0] as string;
      const v = o[k];
      if (typeof v === 'string') {
        if (k === '$bytes') return this.bytes(v, depth);
        if (k === '$f64') return this.f64(v, depth);
      }
    }
    let out: { [key: string]: Value } | undefined;
    const { segments } = this;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      segments[depth] = k;
      const v = this.read(o[k], depth + 1);
      if (out === undefined && !Object.is(v, o[k])) {
        out = {};
        for (let j = 0; j < i; j++) put(out, keys[j] as string, o[keys[j] as string] as Value);
      }
      if (out !== undefined) put(out, k, v);
    }
    return out ?? (o as { [key: string]: Value });
  }

  private bytes(text: string, depth: number): Uint8Array {
    // Node's decoder skips characters it does not know; re-encoding proves the text was canonical.
    const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
    const length = (text.length >>> 2) * 3 - padding;
    if (text.length % 4 === 0 && length >= 0) {
      const out = new Uint8Array(length);
      const view = Buffer.from(out.buffer);
      if (view.write(text, 'base64') === length && view.toString('base64') === text) return out;
    }
    throw err.invalidInput('$bytes must be standard padded base64', this.at(depth));
  }

  private f64(text: string, depth: number): number {
    switch (text) {
      case 'NaN':
        return NaN;
      case '+Inf':
        return Infinity;
      case '-Inf':
        return -Infinity;
      case '-0.0':
        return -0;
      default:
        throw err.invalidInput(`$f64 must be "NaN", "+Inf", "-Inf" or "-0.0", not ${JSON.stringify(text)}`, this.at(depth));
    }
  }

  /** Error details naming the value at `depth` on the current way down. */
  private at(depth: number): { path: string } {
    let path = this.base;
    for (let d = 0; d < depth; d++) path += '/' + (this.segments[d] as string).replace(/~/g, '~0').replace(/\//g, '~1');
    return { path };
  }
}

/** Plain assignment of `__proto__` would replace the prototype instead of adding a key. */
function put(out: { [key: string]: Value }, k: string, v: Value): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
  else out[k] = v;
}
