import { err } from '@stratum/core';
import { Encoder, addExtension } from 'cbor-x';
import type { MetaOp, VersionInfo, VersionedRecord, WriteOp } from './store.js';

/**
 * The stored-record format shared by every backend.
 *
 * A record is a fixed 17-byte header followed by the cbor payload (absent for tombstones):
 *
 *   byte 0      flags (bit 0: tombstone; the other bits are reserved and written as 0)
 *   bytes 1-8   commit version, unsigned 64-bit big-endian
 *   bytes 9-16  timestamp in microseconds, unsigned 64-bit big-endian
 *   bytes 17-   cbor payload
 *
 * The header is plain binary so scans over many versions can pick one without decoding payloads.
 */
export const HEADER_SIZE = 17;

const FLAG_TOMBSTONE = 0x01;
const TWO_32 = 0x1_0000_0000;

/**
 * One encoder for every payload. `copyBuffers` makes decoded byte strings own their memory:
 * without it they are views into the stored record, and a caller mutating a returned
 * Uint8Array would rewrite the memory store's copy.
 */
const cbor = new Encoder({ useRecords: false, mapsAsObjects: true, copyBuffers: true });

/** Stands in for -0 during encoding; cbor-x writes -0 as the integer 0 and loses its sign. */
class NegativeZero {}
const NEGATIVE_ZERO = new NegativeZero();

/** A tag from the first-come range, private to Stratum; its content is ignored on decode. */
const NEGATIVE_ZERO_TAG = 0xce5a;

addExtension<NegativeZero | number, number>({
  Class: NegativeZero,
  tag: NEGATIVE_ZERO_TAG,
  encode: (_value, encode) => encode(0),
  decode: () => -0,
});

/**
 * Encodes a payload. `negativeZero` says the value holds a -0 somewhere (the caller's value
 * walk already knows), so only those values pay for the copy that marks it.
 */
export function encodeValue(value: unknown, negativeZero = false): Buffer {
  try {
    return cbor.encode(negativeZero ? markNegativeZero(value) : value);
  } catch (e) {
    throw err.serialization(`cannot encode value: ${(e as Error).message}`);
  }
}

/** Decodes a payload written by {@link encodeValue}; a damaged payload is a Serialization error. */
export function decodeValue(payload: Uint8Array): unknown {
  try {
    return cbor.decode(payload);
  } catch (e) {
    throw err.serialization(`cannot decode stored value: ${(e as Error).message}`);
  }
}

/**
 * Whether a write deletes its key: an explicit tombstone, or no value at all (a stored value is
 * never `undefined`; `null` is a value).
 */
export function isDeletion(op: WriteOp): boolean {
  return op.tombstone === true || (op.value === undefined && op.payload === undefined);
}

/** The encoded payload of a live write. */
export function payloadOf(op: WriteOp): Buffer {
  const p = op.payload;
  if (p === undefined) return encodeValue(op.value, op.negativeZero === true);
  return Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength);
}

/** Encodes one write (header and payload) into a freshly allocated record. */
export function encodeRecord(op: WriteOp): Buffer {
  const tombstone = isDeletion(op);
  const payload = tombstone ? undefined : payloadOf(op);
  const out = Buffer.allocUnsafe(HEADER_SIZE + (payload === undefined ? 0 : payload.length));
  out[0] = tombstone ? FLAG_TOMBSTONE : 0;
  writeU64(out, 1, op.version);
  writeU64(out, 9, op.timestamp);
  if (payload !== undefined) out.set(payload, HEADER_SIZE);
  return out;
}

/** Decodes a whole record. */
export function decodeRecord(bytes: Uint8Array): VersionedRecord {
  const tombstone = ((bytes[0] as number) & FLAG_TOMBSTONE) !== 0;
  return {
    version: readU64(bytes, 1),
    timestamp: readU64(bytes, 9),
    tombstone,
    value: tombstone ? null : decodeValue(bytes.subarray(HEADER_SIZE)),
  };
}

/** A record's header and stored size, without decoding its payload. */
export function recordInfo(bytes: Uint8Array): VersionInfo {
  return {
    version: readU64(bytes, 1),
    timestamp: readU64(bytes, 9),
    tombstone: ((bytes[0] as number) & FLAG_TOMBSTONE) !== 0,
    size: bytes.length,
  };
}

/** The timestamp of a record, read from its header alone. */
export function recordTimestamp(bytes: Uint8Array): number {
  return readU64(bytes, 9);
}

/** Whether a record is a tombstone, read from its header alone. */
export function recordIsTombstone(bytes: Uint8Array): boolean {
  return ((bytes[0] as number) & FLAG_TOMBSTONE) !== 0;
}

/** A meta entry ready to store: its encoding (`undefined` removes it) and a decoded copy. */
export interface EncodedMeta {
  readonly name: string;
  readonly bytes: Buffer | undefined;
  readonly value: unknown;
}

/**
 * Encodes meta ops, keeping only the last op per name: a group of commits repeats names (the
 * clock) and only the last one counts. The decoded copy is what stores cache, so the caller's
 * object is never shared with them.
 */
export function encodeMeta(meta: readonly MetaOp[]): EncodedMeta[] {
  let last: readonly MetaOp[] = meta;
  if (meta.length > 1) {
    const byName = new Map<string, unknown>();
    for (const { name, value } of meta) byName.set(name, value);
    last = Array.from(byName, ([name, value]) => ({ name, value }));
  }
  const out: EncodedMeta[] = [];
  for (const { name, value } of last) {
    if (value === undefined) out.push({ name, bytes: undefined, value: undefined });
    else {
      const bytes = encodeValue(value);
      out.push({ name, bytes, value: flatCopy(value) ?? decodeValue(bytes) });
    }
  }
  return out;
}

/** Brings a store's meta cache in line with entries just stored (`undefined` removes a name). */
export function applyMeta(cache: Map<string, unknown>, entries: readonly EncodedMeta[]): void {
  for (const { name, value } of entries) {
    if (value === undefined) cache.delete(name);
    else cache.set(name, value);
  }
}

/** A plain integer or string that cbor keeps exactly (-0 comes back as 0, so it does not qualify). */
const exact = (v: unknown): boolean => typeof v === 'string' || (Number.isSafeInteger(v) && !Object.is(v, -0));

/**
 * What decoding `value`'s encoding would give, made without the round trip, for the shapes meta
 * entries take with every batch (an integer, a flat record of integers such as the clock);
 * undefined for anything else.
 */
function flatCopy(value: unknown): unknown {
  if (exact(value)) return value;
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(src)) {
    const v = src[key];
    if (key === '__proto__' || !exact(v)) return undefined;
    out[key] = v;
  }
  return out;
}

/**
 * Writes a non-negative safe integer as 8 bytes big-endian. Two 32-bit halves avoid a BigInt
 * allocation on every write.
 */
export function writeU64(out: Uint8Array, offset: number, n: number): void {
  const hi = Math.floor(n / TWO_32);
  const lo = n >>> 0;
  out[offset] = hi >>> 24;
  out[offset + 1] = hi >>> 16;
  out[offset + 2] = hi >>> 8;
  out[offset + 3] = hi;
  out[offset + 4] = lo >>> 24;
  out[offset + 5] = lo >>> 16;
  out[offset + 6] = lo >>> 8;
  out[offset + 7] = lo;
}

/** Reads 8 bytes big-endian written by {@link writeU64}. */
export function readU64(bytes: Uint8Array, offset: number): number {
  const hi =
    (bytes[offset] as number) * 0x100_0000 +
    (((bytes[offset + 1] as number) << 16) | ((bytes[offset + 2] as number) << 8) | (bytes[offset + 3] as number));
  const lo =
    (bytes[offset + 4] as number) * 0x100_0000 +
    (((bytes[offset + 5] as number) << 16) | ((bytes[offset + 6] as number) << 8) | (bytes[offset + 7] as number));
  return hi * TWO_32 + lo;
}

/** A copy of `value` with every -0 replaced by the marker; other leaves are shared, not copied. */
function markNegativeZero(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? NEGATIVE_ZERO : value;
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(markNegativeZero);
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    // A plain assignment to "__proto__" would set the prototype instead of an own key.
    Object.defineProperty(out, key, { value: markNegativeZero(entry), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
