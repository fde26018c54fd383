import { err } from './errors.js';
import { LIMITS } from './limits.js';

/**
 * Stratum's value model: StrataDB's eight kinds. Int is a `number` when `Number.isSafeInteger`,
 * a `bigint` beyond (signed 64-bit range); any other `number` is a Float.
 */
export type Value = null | boolean | number | bigint | string | Uint8Array | Value[] | { [key: string]: Value };

export type ValueKind = 'null' | 'bool' | 'int' | 'float' | 'string' | 'bytes' | 'array' | 'object';

export const I64_MIN = -(2n ** 63n);
export const I64_MAX = 2n ** 63n - 1n;

/** Whether `v` is of the object kind: arrays and bytes are JavaScript objects too, but not this kind. */
export const isValueObject = (v: Value | undefined): v is { [key: string]: Value } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/**
 * Whether an unchecked input is an object other than an array, so its fields can be read by name.
 * Unlike {@link isValueObject} it does not single out bytes: its callers check each field they read.
 */
export const isNonArrayObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

export function kindOf(v: Value): ValueKind {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isSafeInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
    default:
      if (v instanceof Uint8Array) return 'bytes';
      return Array.isArray(v) ? 'array' : 'object';
  }
}

/** Stands where a wire value nested deeper than the limit was cut off; never a valid Value. */
export class TooDeep {
  readonly depth: number;
  /** JSON pointer of the cut-off value within its command, when known. */
  readonly path: string | undefined;
  constructor(depth: number, path?: string) {
    this.depth = depth;
    this.path = path;
  }
}

const utf8Length = (s: string): number => (s.length < 4096 ? s.length * 3 : Buffer.byteLength(s, 'utf8'));

/** What a walk of a value found that the record codec must know about. */
export interface ValueScan {
  /** The value holds a negative zero somewhere (CBOR would drop its sign). */
  negativeZero: boolean;
}

/**
 * Checks the limits of protocol §2 (strings and bytes ≤ 16 MiB, containers ≤ 1,000,000 entries,
 * nesting ≤ 128, ints within signed 64-bit) and reports what the codec needs to know.
 * Throws ConstraintViolation (`value_too_large`, `nesting_too_deep`) or InvalidInput.
 */
export function checkValue(v: Value, path = ''): ValueScan {
  const scan: ValueScan = { negativeZero: false };
  walk(v, 0, path, scan);
  return scan;
}

function walk(v: Value, depth: number, path: string, scan: ValueScan): void {
  if (depth > LIMITS.nestingDepth) {
    const at = v instanceof TooDeep ? (v.path ?? path) : path;
    throw err.capacity('nesting_too_deep', LIMITS.nestingDepth, depth, { path: at });
  }
  if (v === null) return;
  switch (typeof v) {
    case 'boolean':
      return;
    case 'number':
      if (v === 0 && Object.is(v, -0)) scan.negativeZero = true;
      return;
    case 'bigint':
      if (v < I64_MIN || v > I64_MAX) throw err.invalidInput('Integer outside the signed 64-bit range', { path });
      return;
    case 'string': {
      // Cheap upper bound first; measure exactly only when it could matter.
      if (v.length * 3 > LIMITS.stringBytes) {
        const n = Buffer.byteLength(v, 'utf8');
        if (n > LIMITS.stringBytes) throw err.capacity('value_too_large', LIMITS.stringBytes, n, { path });
      }
      return;
    }
    case 'object':
      break;
    default:
      throw err.invalidInput(`Unsupported value of type ${typeof v}`, { path });
  }
  if (v instanceof TooDeep) throw err.capacity('nesting_too_deep', LIMITS.nestingDepth, v.depth, { path: v.path ?? path });
  if (v instanceof Uint8Array) {
    if (v.length > LIMITS.bytesLength) throw err.capacity('value_too_large', LIMITS.bytesLength, v.length, { path });
    return;
  }
  if (Array.isArray(v)) {
    if (v.length > LIMITS.containerEntries) throw err.capacity('value_too_large', LIMITS.containerEntries, v.length, { path });
    for (let i = 0; i < v.length; i++) walk(v[i] as Value, depth + 1, path, scan);
    return;
  }
  const keys = Object.keys(v);
  if (keys.length > LIMITS.containerEntries) throw err.capacity('value_too_large', LIMITS.containerEntries, keys.length, { path });
  for (const k of keys) {
    // The record codec cannot keep this key (decoders rename it to block prototype pollution).
    if (k === '__proto__') throw err.invalidInput("Object key '__proto__' is not supported", { path });
    if (k.length * 3 > LIMITS.stringBytes && utf8Length(k) > LIMITS.stringBytes)
      throw err.capacity('value_too_large', LIMITS.stringBytes, utf8Length(k), { path });
    walk(v[k] as Value, depth + 1, path, scan);
  }
}

/** Exact equality of two values (Int/Float by numeric identity, -0 ≠ 0, NaN = NaN, key order ignored). */
export function valueEquals(a: Value, b: Value): boolean {
  if (a === b) return typeof a !== 'number' || !Object.is(a, -0) === !Object.is(b, -0);
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => valueEquals(x, b[i] as Value));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && valueEquals(a[k] as Value, b[k] as Value));
}

const escapePointer = (s: string): string => s.replaceAll('~', '~0').replaceAll('/', '~1');

/** JSON pointer (relative to `v`) of the first NaN or infinity in `v`, or undefined when there is none. */
export function nonFinitePath(v: Value): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : '';
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const inner = nonFinitePath(v[i] as Value);
      if (inner !== undefined) return `/${i}${inner}`;
    }
    return undefined;
  }
  for (const k of Object.keys(v)) {
    const inner = nonFinitePath(v[k] as Value);
    if (inner !== undefined) return `/${escapePointer(k)}${inner}`;
  }
  return undefined;
}

/** Whether a decoded value holds a negative zero anywhere (records carry it as a plain number). */
export function hasNegativeZero(value: unknown): boolean {
  if (typeof value === 'number') return Object.is(value, -0);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return false;
  return Object.values(value).some(hasNegativeZero);
}
