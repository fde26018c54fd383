import { expect } from 'vitest';
import { RawNumber, isPlainObject, setKey, writeJson, type Json } from './json.js';
import type { Expectation } from './script.js';

/**
 * Placeholders in expected outputs: `"$any"` matches any value, `"$ts"` a plausible microsecond
 * timestamp. Either may carry a name (`"$ts:t1"`): the first match binds the value, later ones
 * must equal it, and a request can send it back as `{"$var": "t1"}`.
 */
export type Vars = Map<string, Json>;

const PLACEHOLDER = /^\$(any|ts)(?::([A-Za-z0-9_]+))?$/;

/** A µs timestamp from this century: later than 2020-09 and an exact integer. */
export const isTimestamp = (x: unknown): boolean => typeof x === 'number' && Number.isSafeInteger(x) && x > 1.6e15 && x < 1e17;

const same = (a: Json, b: Json): boolean => writeJson(a) === writeJson(b);

/**
 * `expected` with every placeholder that `actual` satisfies replaced by the actual value; a
 * placeholder that does not match stays as it is, so the comparison that follows shows it.
 */
export function resolve(expected: Json, actual: Json | undefined, vars: Vars): Json {
  if (typeof expected === 'string') {
    const m = PLACEHOLDER.exec(expected);
    if (m === null || actual === undefined) return expected;
    if (m[1] === 'ts' && !isTimestamp(actual)) return expected;
    const name = m[2];
    if (name !== undefined) {
      const bound = vars.get(name);
      if (bound === undefined) vars.set(name, actual);
      else if (!same(bound, actual)) return bound;
    }
    return actual;
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) ? expected.map((x, i) => resolve(x, actual[i], vars)) : expected;
  }
  if (isPlainObject(expected) && isPlainObject(actual)) {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(expected)) setKey(out, k, resolve(expected[k] as Json, Object.hasOwn(actual, k) ? actual[k] : undefined, vars));
    return out;
  }
  return expected;
}

/** A request tree with every `{"$var": name}` replaced by the bound value and every `{"$repeat": [text, n]}` expanded. */
export function substitute(tree: Json, vars: Vars): Json {
  if (Array.isArray(tree)) return tree.map((x) => substitute(x, vars));
  if (!isPlainObject(tree)) return tree;
  const keys = Object.keys(tree);
  if (keys.length === 1 && keys[0] === '$var' && typeof tree['$var'] === 'string') {
    const value = vars.get(tree['$var']);
    if (value === undefined) throw new Error(`variable ${tree['$var']} is not bound by an earlier step`);
    return value;
  }
  // `{"$repeat": [text, times]}` builds a long string (an oversized value) that a script could not hold.
  if (keys.length === 1 && keys[0] === '$repeat') {
    const [text, count] = Array.isArray(tree['$repeat']) ? tree['$repeat'] : [];
    // Request trees keep number literals as written.
    const times = count instanceof RawNumber ? Number(count.text) : count;
    if (typeof text !== 'string' || typeof times !== 'number' || !Number.isSafeInteger(times) || times < 0) {
      throw new Error('$repeat takes [text, times]');
    }
    return text.repeat(times);
  }
  const out: Record<string, Json> = {};
  for (const k of keys) setKey(out, k, substitute(tree[k] as Json, vars));
  return out;
}

/**
 * `tree` with every string that starts with `$TMP` given the script's own temporary directory in
 * its place (`"$TMP/a.bundle"` → `"/tmp/stratum-conformance-tmp-XXXX/a.bundle"`), in requests and
 * expected values alike, so scripts can name files outside the database directory.
 */
export function expandTmp(tree: Json, dir: string): Json {
  if (typeof tree === 'string') return tree.startsWith('$TMP') ? dir + tree.slice('$TMP'.length) : tree;
  if (Array.isArray(tree)) return tree.map((x) => expandTmp(x, dir));
  if (!isPlainObject(tree)) return tree;
  const out: Record<string, Json> = {};
  for (const k of Object.keys(tree)) setKey(out, k, expandTmp(tree[k] as Json, dir));
  return out;
}

/** An expectation with `$TMP` expanded in its output or error details. */
export function expandTmpIn(e: Expectation, dir: string): Expectation {
  if ('ok' in e) return { ok: expandTmp(e.ok, dir) };
  const { code, details } = e.error;
  return details === undefined ? e : { error: { code, details: expandTmp(details, dir) as { [key: string]: Json } } };
}

/** The `id` a response to `request` must carry: the request's string or number id, if any. */
export function idOf(request: Json): Json | undefined {
  if (!isPlainObject(request)) return undefined;
  const id = request['id'];
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/**
 * Asserts one response against its expectation: the envelope exactly (`id` echoed, or absent), an
 * output exactly (key order included), an error by its code and a subset of its details.
 */
export function checkResponse(expectation: Expectation, request: Json, actual: Json, vars: Vars, where: string): void {
  const id = idOf(request);
  const envelope = id === undefined ? {} : { id };
  if ('ok' in expectation) {
    const want = resolve({ ...envelope, ok: true, output: expectation.ok }, actual, vars);
    expect(actual, where).toStrictEqual(want);
    const output = (actual as { output: Json }).output;
    expect(writeJson(output), `${where}: key order`).toBe(writeJson((want as { output: Json }).output));
    return;
  }
  const got = isPlainObject(actual) ? projectError(actual, expectation.error.details) : actual;
  const error: Record<string, Json> = { code: expectation.error.code, message: '$any' };
  if (expectation.error.details !== undefined) error['details'] = expectation.error.details;
  const want = resolve({ ...envelope, ok: false, error }, got, vars);
  expect(got, where).toStrictEqual(want);
  const message = (actual as { error: { message: unknown } }).error.message;
  expect(typeof message === 'string' && message.length > 0, `${where}: error.message must be a non-empty string`).toBe(true);
}

/** The response with `error.details` cut down to the expected keys (all of it dropped when none are expected). */
function projectError(actual: { [key: string]: Json }, details: { [key: string]: Json } | undefined): Json {
  const error = actual['error'];
  if (!isPlainObject(error)) return actual;
  const { details: all, ...rest } = error;
  const projected: Record<string, Json> = { ...rest };
  if (details !== undefined) {
    const subset: Record<string, Json> = {};
    if (isPlainObject(all)) for (const k of Object.keys(details)) if (Object.hasOwn(all, k)) subset[k] = all[k] as Json;
    projected['details'] = isPlainObject(all) ? subset : (all ?? null);
  }
  return { ...actual, error: projected };
}
