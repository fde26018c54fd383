import { LIMITS, StratumError, err, nonFinitePath, stringifyJson, type Value } from '@stratum/core';

/** What a document check found that the record codec must know. */
export interface DocumentScan {
  /** The document holds a negative zero somewhere (the codec must keep its sign). */
  readonly negativeZero: boolean;
}

/**
 * Refuses NaN and ±Infinity anywhere in `v`: JSON has no form for them. Serialization (as the
 * reference), with `details.path` the JSON pointer of the first one below `pointer`.
 */
export function checkFinite(v: Value, pointer: string): void {
  const at = nonFinitePath(v);
  if (at === undefined) return;
  const path = pointer + at;
  const reason = `JSON documents cannot hold NaN or Infinity (at '${path}')`;
  throw new StratumError('Serialization', `serialization error: ${reason}`, { reason, path });
}


interface Walk {
  depth: number;
  widest: number;
  widestKind: 'array' | 'object';
  /** An upper bound of the document's size as wire JSON, in UTF-8 bytes. */
  bound: number;
  negativeZero: boolean;
}

// Upper bounds of the wire JSON of one item: a UTF-16 unit escapes to at most 6 bytes (`\u001f`),
// a number prints in at most 24 (`-1.2345678901234567e-308`, `{"$f64":"-0.0"}`).
const STRING_UNIT = 6;
const NUMBER = 24;

function walk(v: Value, level: number, w: Walk): void {
  if (v === null || typeof v === 'boolean') {
    w.bound += 5;
    return;
  }
  switch (typeof v) {
    case 'number':
      if (v === 0 && Object.is(v, -0)) w.negativeZero = true;
      w.bound += NUMBER;
      return;
    case 'bigint':
      w.bound += 20;
      return;
    case 'string':
      w.bound += 2 + STRING_UNIT * v.length;
      return;
    default:
      break;
  }
  if (v instanceof Uint8Array) {
    w.bound += 14 + Math.ceil(v.length / 3) * 4;
    return;
  }
  if (level + 1 > w.depth) w.depth = level + 1;
  if (Array.isArray(v)) {
    if (v.length > w.widest) (w.widest = v.length), (w.widestKind = 'array');
    w.bound += 2 + v.length;
    for (let i = 0; i < v.length; i++) walk(v[i] as Value, level + 1, w);
    return;
  }
  const keys = Object.keys(v);
  if (keys.length > w.widest) (w.widest = keys.length), (w.widestKind = 'object');
  w.bound += 2;
  for (const k of keys) {
    w.bound += 4 + STRING_UNIT * k.length;
    walk(v[k] as Value, level + 1, w);
  }
}

function limitError(what: string, resource: string, limit: number, requested: number) {
  return err.invalidInput(`${what} ${requested} exceeds maximum of ${limit}`, { resource, limit, requested });
}

/**
 * Checks the limits of a whole document (reference §5.9), in the reference's order: its size as
 * wire JSON ≤ 16 MiB, nesting ≤ 100 (a scalar is depth 0, each container adds one), every array
 * (and object) ≤ 1,000,000 entries. Throws InvalidInput with `resource`, `limit`, `requested`.
 */
export function checkDocument(doc: Value): DocumentScan {
  const w: Walk = { depth: 0, widest: 0, widestKind: 'array', bound: 0, negativeZero: false };
  walk(doc, 0, w);
  if (w.bound > LIMITS.jsonDocumentBytes) {
    // The bound is loose; only a document near the limit pays for the exact size.
    const size = Buffer.byteLength(stringifyJson(doc), 'utf8');
    if (size > LIMITS.jsonDocumentBytes) throw limitError('document size', 'document_size', LIMITS.jsonDocumentBytes, size);
  }
  if (w.depth > LIMITS.jsonDocumentDepth) throw limitError('document nesting depth', 'document_depth', LIMITS.jsonDocumentDepth, w.depth);
  if (w.widest > LIMITS.containerEntries) {
    throw limitError(`${w.widestKind} size`, `${w.widestKind}_size`, LIMITS.containerEntries, w.widest);
  }
  return { negativeZero: w.negativeZero };
}
