import { LIMITS, err, isValueObject, type Value } from '@stratum/core';

/** One step of a path: an object key (string) or an array index (number). */
export type PathSegment = string | number;

/** A parsed path; the empty path is the whole document. */
export type JsonPath = readonly PathSegment[];

/** How a path fails to parse (the reference's four classes, plus the segment limit). */
export type PathProblem = 'UnexpectedChar' | 'EmptyKey' | 'InvalidIndex' | 'UnclosedBracket' | 'PathTooLong';

// Rust's `char::is_alphanumeric` (Alphabetic, or a number category), plus `_` and `-`.
const KEY_CHAR = /^[\p{Alphabetic}\p{N}_-]$/u;
const INDEX_TEXT = /^\+?[0-9]+$/;
const USIZE_MAX = 2n ** 64n - 1n;
/** Paths are echoed in errors; a pathological one is cut short there. */
const SHOWN_CHARS = 256;

const show = (text: string): string => (text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text);

function parseError(text: string, problem: PathProblem, what: string, extra: Record<string, string | number>) {
  const jsonPath = show(text);
  return err.invalidInput(`Invalid JSON path '${jsonPath}': ${what}`, { jsonPath, problem, ...extra });
}

/**
 * Parses a document path (reference §5.6): `""` and `"$"` are the root; otherwise one leading `$`
 * is stripped, then an optional leading `.`, then segments `.key`, `key`, `[index]`, `.[index]`.
 * Keys are runs of Unicode alphanumerics, `_` and `-`; an index is an unsigned decimal (`+5` too).
 * Positions in errors count characters (code points) after the `$` is stripped.
 * Throws InvalidInput naming the path, the problem and its position.
 */
export function parsePath(text: string): JsonPath {
  if (text === '' || text === '$') return [];
  const chars = Array.from(text.startsWith('$') ? text.slice(1) : text);
  const segments: PathSegment[] = [];
  let i = chars[0] === '.' ? 1 : 0;
  while (i < chars.length) {
    if (chars[i] === '.') {
      i++;
      if (i >= chars.length) throw parseError(text, 'EmptyKey', `empty key at position ${i}`, { position: i });
    }
    const c = chars[i] as string;
    if (c === '[') {
      const open = i;
      const start = ++i;
      while (i < chars.length && chars[i] !== ']') i++;
      if (i >= chars.length) {
        throw parseError(text, 'UnclosedBracket', `unclosed bracket starting at position ${open}`, { position: open });
      }
      const digits = chars.slice(start, i).join('');
      if (!INDEX_TEXT.test(digits) || BigInt(digits) > USIZE_MAX) {
        throw parseError(text, 'InvalidIndex', `invalid array index at position ${start}: '${show(digits)}'`, {
          position: start,
          index: show(digits),
        });
      }
      segments.push(Number(digits));
      i++;
    } else if (KEY_CHAR.test(c)) {
      const start = i;
      while (i < chars.length && KEY_CHAR.test(chars[i] as string)) i++;
      segments.push(chars.slice(start, i).join(''));
    } else {
      throw parseError(text, 'UnexpectedChar', `unexpected character '${c}' at position ${i}`, { position: i, char: c });
    }
  }
  if (segments.length > LIMITS.jsonPathSegments) {
    throw parseError(text, 'PathTooLong', `path length ${segments.length} exceeds maximum of ${LIMITS.jsonPathSegments} segments`, {
      length: segments.length,
      limit: LIMITS.jsonPathSegments,
    });
  }
  return segments;
}

type JsonObject = { [key: string]: Value };

/** The kind of a value in path errors (JSON's names; bytes are Stratum's own kind). */
export function kindName(v: Value): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Uint8Array) return 'bytes';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}

/** A path in its canonical text form, `$` then `.key` and `[index]` segments. */
export function formatPath(path: JsonPath): string {
  let out = '$';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : `.${seg}`;
  return out;
}

// `at` names the value the failing segment was applied to: the path up to that segment.
function typeMismatch(expected: 'object' | 'array', found: Value, path: JsonPath, segment: number) {
  const at = formatPath(path.slice(0, segment));
  const reason = `Path error: type mismatch at '${at}': expected ${expected}, found ${kindName(found)}`;
  return err.invalidInput(reason, { problem: 'TypeMismatch', expected, found: kindName(found), at });
}

function outOfBounds(index: number, length: number, path: JsonPath, segment: number) {
  const at = formatPath(path.slice(0, segment));
  const reason = `Path error: index out of bounds at '${at}': ${index} >= ${length}`;
  return err.invalidInput(reason, { problem: 'IndexOutOfBounds', index, length, at });
}

/** The value at `path`, or undefined when any step does not match (never an error). */
export function getAt(doc: Value, path: JsonPath): Value | undefined {
  let cur: Value | undefined = doc;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur) || seg >= cur.length) return undefined;
      cur = cur[seg];
    } else {
      // Own keys only: `constructor` or `__proto__` must not reach the prototype.
      if (!isValueObject(cur) || !Object.hasOwn(cur, seg)) return undefined;
      cur = cur[seg];
    }
  }
  return cur;
}

/** The result of {@link setAt}: the new root, and how to take the one change back. */
export interface SetResult {
  readonly root: Value;
  readonly undo: () => void;
}

const nothingToUndo = (): void => undefined;

/**
 * Sets `value` at `path` in `doc`, in place. Missing object keys on the way get a new container
 * (an array when the next segment is an index, an object otherwise); a missing array slot on the way
 * is an error, and the last index may replace (`< length`) or append (`== length`). Failure-atomic:
 * the walk checks every step before the one mutation, so an error leaves `doc` as it was, and
 * `undo` reverts a success (batches use it when the result breaks a document limit).
 * Throws InvalidInput (`TypeMismatch`, `IndexOutOfBounds`) and refuses the key `__proto__`.
 */
export function setAt(doc: Value, path: JsonPath, value: Value, first = 0): SetResult {
  if (path.length === first) return { root: value, undo: nothingToUndo };
  let cur: Value = doc;
  for (let i = first; i < path.length - 1; i++) {
    const seg = path[i] as PathSegment;
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) throw typeMismatch('array', cur, path, i);
      if (seg >= cur.length) throw outOfBounds(seg, cur.length, path, i);
      cur = cur[seg] as Value;
      continue;
    }
    if (!isValueObject(cur)) throw typeMismatch('object', cur, path, i);
    if (Object.hasOwn(cur, seg)) {
      cur = cur[seg] as Value;
      continue;
    }
    // Build the missing branch apart and attach it last, so a failure inside leaves `doc` untouched.
    const key = checkedKey(seg, path, i);
    const fresh: Value = typeof path[i + 1] === 'number' ? [] : {};
    const branch = setAt(fresh, path, value, i + 1).root;
    return { root: doc, undo: attachKey(cur, key, branch) };
  }
  const last = path.length - 1;
  const seg = path[last] as PathSegment;
  if (typeof seg === 'number') {
    if (!Array.isArray(cur)) throw typeMismatch('array', cur, path, last);
    const arr = cur;
    if (seg < arr.length) {
      const old = arr[seg] as Value;
      arr[seg] = value;
      return { root: doc, undo: () => void (arr[seg] = old) };
    }
    if (seg > arr.length) throw outOfBounds(seg, arr.length, path, last);
    arr.push(value);
    return { root: doc, undo: () => void arr.pop() };
  }
  if (!isValueObject(cur)) throw typeMismatch('object', cur, path, last);
  return { root: doc, undo: attachKey(cur, checkedKey(seg, path, last), value) };
}

function checkedKey(key: string, path: JsonPath, segment: number): string {
  // Stored records could not keep it, and plain assignment would replace the prototype.
  if (key === '__proto__') {
    const at = formatPath(path.slice(0, segment));
    throw err.invalidInput(`Object key '__proto__' is not supported (at '${at}')`, { problem: 'ReservedKey', at });
  }
  return key;
}

function attachKey(obj: JsonObject, key: string, value: Value): () => void {
  if (Object.hasOwn(obj, key)) {
    const old = obj[key] as Value;
    obj[key] = value;
    return () => void (obj[key] = old);
  }
  obj[key] = value;
  return () => void delete obj[key];
}

/**
 * Removes the member at a non-root `path` in place (array elements after it shift left). False,
 * with nothing changed, when the parent is missing or of the wrong kind or the member is absent.
 */
export function deleteAt(doc: Value, path: JsonPath): boolean {
  if (path.length === 0) throw new Error('deleteAt needs a non-root path');
  const parent = getAt(doc, path.slice(0, -1));
  const seg = path[path.length - 1] as PathSegment;
  if (typeof seg === 'number') {
    if (!Array.isArray(parent) || seg >= parent.length) return false;
    parent.splice(seg, 1);
    return true;
  }
  if (!isValueObject(parent) || !Object.hasOwn(parent, seg)) return false;
  delete parent[seg];
  return true;
}
