import { err, StratumError } from '@stratum/core';

/**
 * Stratum's single-file branch bundle (protocol §6.15), version 1:
 *
 *     magic (8 bytes) ‖ format version (u32 LE) ‖ header frame ‖ entries frame* ‖ trailer frame ‖ EOF
 *     frame   = kind (u8) ‖ payload length (u32 LE) ‖ payload ‖ CRC-32 of kind, length and payload (u32 LE)
 *     header  = UTF-8 JSON {branch, createdAt, exportedAt, spaces, meta}
 *     entries = entry*, each: varint key length ‖ key ‖ varint version count ‖ version*
 *     version = flags (u8: 1 tombstone, 2 payload present) ‖ varint version ‖ varint timestamp
 *               ‖ [varint payload length ‖ payload]
 *     trailer = varint entries ‖ varint versions ‖ varint entries frames ‖ SHA-256 of every byte before
 *               the trailer frame (32 bytes)
 *
 * Varints are unsigned LEB128 of safe integers. The per-frame CRC finds a damaged frame as soon as it
 * is read, so a streaming import stops early; the trailer's counts and digest find a file cut short
 * exactly at a frame boundary and frames dropped, duplicated or reordered.
 */
export const BUNDLE_FORMAT_VERSION = 1;

/** PNG-style: a non-ASCII first byte and a line feed expose text-mode transfers. */
export const BUNDLE_MAGIC = Buffer.from([0x89, 0x53, 0x54, 0x52, 0x42, 0x4e, 0x44, 0x0a]); // \x89STRBND\n

export const PREAMBLE_BYTES = BUNDLE_MAGIC.length + 4;
export const FRAME_HEAD_BYTES = 5;
export const FRAME_CRC_BYTES = 4;
export const DIGEST_BYTES = 32;

export const FRAME_KIND = { header: 0x48, entries: 0x45, trailer: 0x54 } as const;

/** Entries are flushed once a frame's payload reaches this size; one entry never spans frames. */
export const FRAME_TARGET_BYTES = 1024 * 1024;

export const FLAG_TOMBSTONE = 1;
export const FLAG_PAYLOAD = 2;

/** One version of an item, as stored. */
export interface BundleVersion {
  readonly version: number;
  /** Commit time in µs. */
  readonly timestamp: number;
  readonly tombstone: boolean;
  /** The encoded record value, opaque to the bundle; absent and empty are told apart. */
  readonly payload?: Uint8Array;
}

/** One item of the branch with its full history. */
export interface BundleEntry {
  /** Branch-relative storage key, opaque bytes. */
  readonly key: Uint8Array;
  /** Oldest first. */
  readonly versions: readonly BundleVersion[];
}

/** What a bundle says about its branch. */
export interface BundleHeader {
  readonly formatVersion: number;
  readonly branch: string;
  readonly createdAt: number;
  readonly exportedAt: number;
  readonly spaces: readonly string[];
  /** Opaque JSON-able metadata (the branch record, vector collection configs, …). */
  readonly meta: Readonly<Record<string, unknown>>;
}

/** Totals of a bundle; `bytes` is the file size. */
export interface BundleCounts {
  readonly entries: number;
  readonly versions: number;
  readonly bytes: number;
}

/** A damaged or foreign bundle: `InvalidInput` with the path in `details`. */
export function badBundle(path: string, reason: string): StratumError {
  return err.invalidInput(reason, { path });
}

/**
 * A failing file operation: `Io` naming the path and the system's cause. Arguments Node refuses
 * before any system call (a NUL byte in the path) are the caller's input, hence `InvalidInput`.
 */
export function bundleIoError(action: string, path: string, e: unknown): StratumError {
  if (e instanceof StratumError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_ARG_TYPE') {
    return badBundle(path, 'bundle path is not a valid file name');
  }
  const cause = e instanceof Error ? e.message : String(e);
  const reason = `cannot ${action} bundle file ${path}: ${cause}`;
  return new StratumError('Io', `I/O error: ${reason}`, { reason, path }, { cause: e });
}

/** An error from a system call (it carries the call's name), as opposed to one from our own code. */
export function isSystemError(e: unknown): boolean {
  return e instanceof Error && typeof (e as { syscall?: unknown }).syscall === 'string';
}

/** Paths are used exactly as given; only the empty path is refused up front. */
export function checkBundlePath(path: string): void {
  if (path === '') throw badBundle(path, 'bundle path must not be empty');
}
