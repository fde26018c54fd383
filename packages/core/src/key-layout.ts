/**
 * The order-preserving key layout: namespace (branch, space), type tag, user key.
 * `branch 0x00 space 0x00 tag userKey*` where userKey bytes 0x00/0x01 are escaped as
 * 0x01 0x01 / 0x01 0x02, so byte order of encoded keys is the order of (branch, space, tag, key)
 * with each part compared as UTF-8 bytes, and no key ever continues another key with a 0x00.
 */
export const TypeTag = {
  Kv: 0x01,
  /** One record per event; no other record of a log uses this tag, so counting it counts events. */
  Event: 0x02,
  State: 0x03,
  /** The log's own record (next sequence) and its per-type index live apart from the events. */
  EventMeta: 0x07,
  EventTypeIndex: 0x08,
  Branch: 0x05,
  /** The record of the latest merge between two branches (their merge base from then on). */
  Merge: 0x09,
  Space: 0x06,
  Vector: 0x10,
  Json: 0x11,
  VectorConfig: 0x12,
} as const;
export type TypeTag = (typeof TypeTag)[keyof typeof TypeTag];

const SEP = 0x00;
const ESC = 0x01;

/** Prefix of every key of (branch, space), or of a whole branch when space is omitted. */
export function namespacePrefix(branch: string, space?: string): Buffer {
  const b = Buffer.from(branch, 'utf8');
  if (space === undefined) return Buffer.concat([b, Buffer.of(SEP)]);
  return Buffer.concat([b, Buffer.of(SEP), Buffer.from(space, 'utf8'), Buffer.of(SEP)]);
}

/** Prefix of every key of one primitive in one (branch, space). */
export function tagPrefix(branch: string, space: string, tag: TypeTag): Buffer {
  const b = Buffer.byteLength(branch, 'utf8');
  const s = Buffer.byteLength(space, 'utf8');
  const out = Buffer.allocUnsafe(b + s + 3);
  out.write(branch, 0, 'utf8');
  out[b] = SEP;
  out.write(space, b + 1, 'utf8');
  out[b + s + 1] = SEP;
  out[b + s + 2] = tag;
  return out;
}

function needsEscape(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) <= ESC) return true;
  return false;
}

export function escapeUserKey(bytes: Uint8Array): Uint8Array {
  if (!needsEscape(bytes)) return bytes;
  const out: number[] = [];
  for (const byte of bytes) {
    if (byte <= ESC) out.push(ESC, byte + 1);
    else out.push(byte);
  }
  return Uint8Array.from(out);
}

export function unescapeUserKey(bytes: Uint8Array): Uint8Array {
  if (!needsEscape(bytes)) return bytes;
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte === ESC) out.push((bytes[++i] as number) - 1);
    else out.push(byte);
  }
  return Uint8Array.from(out);
}

/** Full key of one item. String user keys are UTF-8 encoded. */
export function itemKey(prefix: Uint8Array, userKey: string | Uint8Array): Buffer {
  if (typeof userKey === 'string') {
    const n = Buffer.byteLength(userKey, 'utf8');
    const out = Buffer.allocUnsafe(prefix.length + n);
    out.set(prefix, 0);
    out.write(userKey, prefix.length, 'utf8');
    // Valid user keys hold no NUL; U+0001 is the only other character that needs escaping.
    if (userKey.includes('\u0001') || userKey.includes('\u0000')) {
      return Buffer.concat([prefix, escapeUserKey(out.subarray(prefix.length))]);
    }
    return out;
  }
  return Buffer.concat([prefix, escapeUserKey(userKey)]);
}

/** The user key of a full key that starts with `prefix`, as a string. */
export function userKeyOf(prefix: Uint8Array, key: Uint8Array): string {
  return Buffer.from(unescapeUserKey(key.subarray(prefix.length))).toString('utf8');
}

/** The smallest key greater than every key starting with `prefix` (exclusive upper bound). */
export function prefixEnd(prefix: Uint8Array): Buffer {
  const out = Buffer.from(prefix);
  for (let i = out.length - 1; i >= 0; i--) {
    if ((out[i] as number) < 0xff) {
      out[i] = (out[i] as number) + 1;
      return out.subarray(0, i + 1);
    }
  }
  return Buffer.alloc(0); // all 0xff: unbounded
}

/** 8-byte big-endian encoding of a non-negative integer (sequences, versions). */
export function u64be(n: number | bigint): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeBigUInt64BE(BigInt(n));
  return out;
}
