import { crc32 } from 'node:zlib';
import { err } from '@stratum/core';
import {
  DIGEST_BYTES,
  FLAG_PAYLOAD,
  FLAG_TOMBSTONE,
  FRAME_CRC_BYTES,
  FRAME_HEAD_BYTES,
  type BundleEntry,
  type BundleHeader,
  type BundleVersion,
} from './bundle-format.js';

/** The largest frame payload the u32 length field can describe. */
const MAX_PAYLOAD = 0xffff_ffff;
/** A varint of a safe integer never needs more than 8 bytes (56 bits). */
const MAX_VARINT_BYTES = 8;

/**
 * Builds one frame in a single buffer — head, payload, CRC — so it reaches the file in one write.
 * A finished frame's buffer is handed over to the writer, never reused.
 */
export class FrameBuilder {
  readonly kind: number;
  #buf: Buffer;
  #len = FRAME_HEAD_BYTES;

  constructor(kind: number, capacity: number) {
    this.kind = kind;
    this.#buf = Buffer.allocUnsafe(capacity + FRAME_HEAD_BYTES + FRAME_CRC_BYTES);
  }

  /** Payload bytes written so far. */
  get payloadBytes(): number {
    return this.#len - FRAME_HEAD_BYTES;
  }

  #ensure(n: number): void {
    const need = this.#len + n + FRAME_CRC_BYTES;
    if (need <= this.#buf.length) return;
    if (need - FRAME_HEAD_BYTES - FRAME_CRC_BYTES > MAX_PAYLOAD) throw err.constraint('bundle entry is too large for one frame');
    const grown = Buffer.allocUnsafe(Math.max(need, this.#buf.length * 2));
    this.#buf.copy(grown, 0, 0, this.#len);
    this.#buf = grown;
  }

  #uint(v: number): void {
    const b = this.#buf;
    let p = this.#len;
    while (v >= 0x80) {
      b[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[p++] = v;
    this.#len = p;
  }

  #bytes(src: Uint8Array): void {
    this.#buf.set(src, this.#len);
    this.#len += src.length;
  }

  /** Appends raw bytes (header JSON, digest). */
  raw(src: Uint8Array): void {
    this.#ensure(src.length);
    this.#bytes(src);
  }

  /** Appends unsigned integers as varints. */
  uints(...vs: number[]): void {
    this.#ensure(vs.length * MAX_VARINT_BYTES);
    for (const v of vs) this.#uint(checkUint(v, 'count'));
  }

  /** Appends one entry with its history. */
  entry(e: BundleEntry): number {
    let need = 2 * MAX_VARINT_BYTES + e.key.length;
    for (const v of e.versions) need += 1 + 3 * MAX_VARINT_BYTES + (v.payload?.length ?? 0);
    this.#ensure(need);
    this.#uint(e.key.length);
    this.#bytes(e.key);
    this.#uint(e.versions.length);
    for (const v of e.versions) {
      const payload = v.payload;
      this.#buf[this.#len++] = (v.tombstone ? FLAG_TOMBSTONE : 0) | (payload === undefined ? 0 : FLAG_PAYLOAD);
      this.#uint(checkUint(v.version, 'version'));
      this.#uint(checkUint(v.timestamp, 'timestamp'));
      if (payload !== undefined) {
        this.#uint(payload.length);
        this.#bytes(payload);
      }
    }
    return e.versions.length;
  }

  /** Fills in the head and CRC; the returned buffer is the whole frame. */
  finish(): Buffer {
    const b = this.#buf;
    b[0] = this.kind;
    b.writeUInt32LE(this.#len - FRAME_HEAD_BYTES, 1);
    b.writeUInt32LE(crc32(b.subarray(0, this.#len)), this.#len);
    return b.subarray(0, this.#len + FRAME_CRC_BYTES);
  }
}

function checkUint(v: number, what: string): number {
  if (!Number.isSafeInteger(v) || v < 0) throw err.internal(`bundle ${what} must be a non-negative safe integer, got ${v}`);
  return v;
}

/** Thrown by a Cursor at malformed bytes; the reader turns it into an `InvalidInput` naming the frame. */
export class Malformed extends Error {}

/** Reads a frame payload; every read is bounds-checked because a payload may be crafted. */
export class Cursor {
  readonly buf: Buffer;
  #pos = 0;

  constructor(buf: Buffer) {
    this.buf = buf;
  }

  get done(): boolean {
    return this.#pos === this.buf.length;
  }

  uint(): number {
    const b = this.buf;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.#pos >= b.length) throw new Malformed('ends inside a number');
      const byte = b[this.#pos++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (byte === 0 && i > 0) throw new Malformed('has a non-canonical number');
        if (result > Number.MAX_SAFE_INTEGER) throw new Malformed('has a number beyond 2^53');
        return result;
      }
      scale *= 0x80;
    }
    throw new Malformed('has a number longer than 8 bytes');
  }

  bytes(n: number): Buffer {
    if (n > this.buf.length - this.#pos) throw new Malformed('ends inside a byte string');
    const out = this.buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  byte(): number {
    if (this.#pos >= this.buf.length) throw new Malformed('ends inside a version');
    return this.buf[this.#pos++]!;
  }
}

/**
 * Decodes every entry of an entries frame. Keys and payloads are views into the frame's buffer
 * (no copy); the buffer is never reused by the reader.
 */
export function decodeEntries(payload: Buffer): { entries: BundleEntry[]; versions: number } {
  const c = new Cursor(payload);
  const entries: BundleEntry[] = [];
  let total = 0;
  while (!c.done) {
    const key = c.bytes(c.uint());
    const count = c.uint();
    // Every version takes at least 3 bytes: a crafted count cannot make us allocate beyond the frame.
    if (count > payload.length) throw new Malformed('declares more versions than it holds');
    const versions: BundleVersion[] = new Array<BundleVersion>(count);
    for (let i = 0; i < count; i++) {
      const flags = c.byte();
      if ((flags & ~(FLAG_TOMBSTONE | FLAG_PAYLOAD)) !== 0) throw new Malformed(`has unknown version flags 0x${flags.toString(16)}`);
      const version = c.uint();
      const timestamp = c.uint();
      const tombstone = (flags & FLAG_TOMBSTONE) !== 0;
      versions[i] = (flags & FLAG_PAYLOAD) !== 0
        ? { version, timestamp, tombstone, payload: c.bytes(c.uint()) }
        : { version, timestamp, tombstone };
    }
    total += count;
    entries.push({ key, versions });
  }
  return { entries, versions: total };
}

/** The header frame's payload: the header without `formatVersion`, which the preamble carries. */
export function encodeHeader(h: Omit<BundleHeader, 'formatVersion'>): Buffer {
  let text: string;
  try {
    text = JSON.stringify({ branch: h.branch, createdAt: h.createdAt, exportedAt: h.exportedAt, spaces: h.spaces, meta: h.meta });
  } catch (e) {
    throw err.serialization(`bundle header metadata is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return Buffer.from(text, 'utf8');
}

/** Parses and shape-checks the header frame's payload. */
export function decodeHeader(payload: Buffer, formatVersion: number): BundleHeader {
  let h: unknown;
  try {
    h = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw new Malformed('is not UTF-8 JSON');
  }
  if (h === null || typeof h !== 'object' || Array.isArray(h)) throw new Malformed('is not a JSON object');
  const o = h as Record<string, unknown>;
  const { branch, createdAt, exportedAt, spaces, meta } = o;
  if (typeof branch !== 'string') throw new Malformed('has no branch name');
  if (typeof createdAt !== 'number' || typeof exportedAt !== 'number') throw new Malformed('has no timestamps');
  if (!Array.isArray(spaces) || !spaces.every((s) => typeof s === 'string')) throw new Malformed('has no space list');
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) throw new Malformed('has no metadata object');
  return { formatVersion, branch, createdAt, exportedAt, spaces: spaces as string[], meta: meta as Record<string, unknown> };
}

/** The trailer: totals and the digest of everything before it. */
export interface Trailer {
  readonly entries: number;
  readonly versions: number;
  readonly frames: number;
  readonly digest: Buffer;
}

export function decodeTrailer(payload: Buffer): Trailer {
  const c = new Cursor(payload);
  const entries = c.uint();
  const versions = c.uint();
  const frames = c.uint();
  const digest = c.bytes(DIGEST_BYTES);
  if (!c.done) throw new Malformed('has bytes after the digest');
  return { entries, versions, frames, digest };
}
