import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { Malformed, decodeEntries, decodeHeader, decodeTrailer } from './bundle-codec.js';
import {
  BUNDLE_FORMAT_VERSION,
  BUNDLE_MAGIC,
  FRAME_CRC_BYTES,
  FRAME_HEAD_BYTES,
  FRAME_KIND,
  PREAMBLE_BYTES,
  badBundle,
  bundleIoError,
  checkBundlePath,
  type BundleCounts,
  type BundleEntry,
  type BundleHeader,
} from './bundle-format.js';

const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Sequential reads over an open bundle. Every returned slice lives in a buffer of its own that is
 * never written again, so decoded keys and payloads may point into it. The size taken at open
 * bounds every length read from the file: a damaged length cannot make us allocate beyond it.
 */
class BundleFile {
  readonly hash: Hash = createHash('sha256');
  #buf = Buffer.alloc(0);
  #at = 0;
  /** File offset of the next byte taken. */
  offset = 0;
  #filePos = 0;
  readonly path: string;
  readonly fh: FileHandle;
  readonly size: number;

  private constructor(path: string, fh: FileHandle, size: number) {
    this.path = path;
    this.fh = fh;
    this.size = size;
  }

  static async open(path: string): Promise<BundleFile> {
    checkBundlePath(path);
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      throw bundleIoError('open', path, e);
    }
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw bundleIoError('read', path, new Error('it is a directory'));
      return new BundleFile(path, fh, st.size);
    } catch (e) {
      await fh.close().catch(() => undefined);
      throw bundleIoError('read', path, e);
    }
  }

  get remaining(): number {
    return this.size - this.offset;
  }

  /** Exactly `n` bytes, added to the running digest. */
  async take(n: number, where: string): Promise<Buffer> {
    if (n > this.remaining) throw badBundle(this.path, `bundle is truncated ${where}`);
    const have = this.#buf.length - this.#at;
    let out: Buffer;
    if (n <= have) {
      out = this.#buf.subarray(this.#at, this.#at + n);
      this.#at += n;
    } else {
      const next = Buffer.allocUnsafe(Math.max(n, READ_CHUNK_BYTES));
      this.#buf.copy(next, 0, this.#at);
      const filled = await this.#fill(next, have, n, where);
      this.#buf = next.subarray(0, filled);
      out = next.subarray(0, n);
      this.#at = n;
    }
    this.offset += n;
    this.hash.update(out);
    return out;
  }

  /** Reads into `buf` from `from` until at least `min` bytes are there (more if the file has them). */
  async #fill(buf: Buffer, from: number, min: number, where: string): Promise<number> {
    let filled = from;
    while (filled < min) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.fh.read(buf, filled, buf.length - filled, this.#filePos));
      } catch (e) {
        throw bundleIoError('read', this.path, e);
      }
      // The file shrank since it was opened.
      if (bytesRead === 0) throw badBundle(this.path, `bundle is truncated ${where}`);
      filled += bytesRead;
      this.#filePos += bytesRead;
    }
    return filled;
  }

  /** Whether any byte follows what has been taken, the file having grown since open included. */
  async atEnd(): Promise<boolean> {
    if (this.remaining > 0 || this.#buf.length > this.#at) return false;
    try {
      const { bytesRead } = await this.fh.read(Buffer.alloc(1), 0, 1, this.#filePos);
      return bytesRead === 0;
    } catch (e) {
      throw bundleIoError('read', this.path, e);
    }
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}

/** One checked frame: its kind and payload. `index` counts from 0, the header frame. */
async function readFrame(f: BundleFile, index: number): Promise<{ kind: number; payload: Buffer }> {
  if (f.remaining === 0) throw badBundle(f.path, `bundle is truncated after frame ${index - 1} (no trailer)`);
  const where = `in frame ${index}`;
  const head = await f.take(FRAME_HEAD_BYTES, where);
  const length = head.readUInt32LE(1);
  const body = await f.take(length + FRAME_CRC_BYTES, where);
  const payload = body.subarray(0, length);
  if (crc32(payload, crc32(head)) !== body.readUInt32LE(length)) throw badBundle(f.path, `bundle checksum mismatch in frame ${index}`);
  return { kind: head[0]!, payload };
}

function malformed(f: BundleFile, what: string, e: unknown): never {
  if (e instanceof Malformed) throw badBundle(f.path, `bundle ${what} ${e.message}`);
  throw e;
}

/** Checks the preamble and reads the header frame. */
async function readHead(f: BundleFile): Promise<BundleHeader> {
  const pre = await f.take(Math.min(PREAMBLE_BYTES, f.remaining), 'in the preamble');
  if (pre.length < BUNDLE_MAGIC.length || !pre.subarray(0, BUNDLE_MAGIC.length).equals(BUNDLE_MAGIC)) {
    // A short file that starts like a bundle is a cut-off bundle, not a foreign file.
    const prefix = pre.length < BUNDLE_MAGIC.length && pre.equals(BUNDLE_MAGIC.subarray(0, pre.length));
    throw badBundle(f.path, prefix ? 'bundle is truncated in the preamble' : 'not a Stratum bundle (wrong magic bytes)');
  }
  if (pre.length < PREAMBLE_BYTES) throw badBundle(f.path, 'bundle is truncated in the preamble');
  const version = pre.readUInt32LE(BUNDLE_MAGIC.length);
  if (version !== BUNDLE_FORMAT_VERSION) {
    throw badBundle(f.path, `unsupported bundle format version ${version} (this Stratum reads version ${BUNDLE_FORMAT_VERSION})`);
  }
  const { kind, payload } = await readFrame(f, 0);
  if (kind !== FRAME_KIND.header) throw badBundle(f.path, 'bundle frame 0 is not the header');
  try {
    return decodeHeader(payload, version);
  } catch (e) {
    return malformed(f, 'header', e);
  }
}

/**
 * Every entries frame of an open bundle positioned after its header, decoded, then the trailer
 * checked against what was read: counts, digest and end of file.
 */
async function* frames(f: BundleFile): AsyncGenerator<BundleEntry[], BundleCounts> {
  let entries = 0;
  let versions = 0;
  for (let index = 1; ; index++) {
    const digest = f.hash.copy().digest();
    const { kind, payload } = await readFrame(f, index);
    if (kind === FRAME_KIND.entries) {
      let batch: ReturnType<typeof decodeEntries>;
      try {
        batch = decodeEntries(payload);
      } catch (e) {
        return malformed(f, `frame ${index}`, e);
      }
      entries += batch.entries.length;
      versions += batch.versions;
      yield batch.entries;
      continue;
    }
    if (kind !== FRAME_KIND.trailer) throw badBundle(f.path, `bundle frame ${index} has unknown kind 0x${kind.toString(16)}`);
    let t: ReturnType<typeof decodeTrailer>;
    try {
      t = decodeTrailer(payload);
    } catch (e) {
      return malformed(f, 'trailer', e);
    }
    if (!t.digest.equals(digest)) throw badBundle(f.path, 'bundle checksum mismatch over the whole bundle');
    if (t.entries !== entries || t.versions !== versions || t.frames !== index - 1) {
      throw badBundle(
        f.path,
        `bundle trailer does not match its contents: it counts ${t.entries} entries, ${t.versions} versions in ${t.frames} frames; read ${entries}, ${versions} in ${index - 1}`,
      );
    }
    if (!(await f.atEnd())) throw badBundle(f.path, 'bundle has unexpected data after its trailer');
    return { entries, versions, bytes: f.offset };
  }
}

/** Opens a bundle and runs `body` over it, closing the file whatever happens. */
async function withBundle<T>(path: string, body: (f: BundleFile, header: BundleHeader) => Promise<T>): Promise<T> {
  const f = await BundleFile.open(path);
  try {
    return await body(f, await readHead(f));
  } finally {
    await f.close();
  }
}

/**
 * Reads a bundle's header at once (a foreign, damaged or unsupported file fails here) and returns
 * its entries as a stream. Each iteration opens the file again and reads it to the end, throwing
 * `InvalidInput` at the first damage met, the trailer checks included — so a consumer must finish
 * the stream before trusting what it read. `batches` yields the same entries a frame at a time.
 */
export async function readBundle(path: string): Promise<{
  header: BundleHeader;
  entries: AsyncIterable<BundleEntry>;
  batches: AsyncIterable<readonly BundleEntry[]>;
}> {
  const header = await withBundle(path, async (_f, h) => h);
  async function* batches(): AsyncGenerator<readonly BundleEntry[]> {
    const f = await BundleFile.open(path);
    try {
      await readHead(f);
      yield* frames(f);
    } finally {
      await f.close();
    }
  }
  async function* entries(): AsyncGenerator<BundleEntry> {
    for await (const batch of batches()) yield* batch;
  }
  return { header, entries: { [Symbol.asyncIterator]: entries }, batches: { [Symbol.asyncIterator]: batches } };
}

/**
 * Reads a whole bundle and checks every checksum, the trailer's counts and that nothing follows
 * the trailer. Any damage → `InvalidInput` saying what is wrong; an unreadable file → `Io`.
 */
export async function validateBundle(path: string): Promise<BundleCounts & { header: BundleHeader }> {
  return withBundle(path, async (f, header) => {
    const it = frames(f);
    for (;;) {
      const r = await it.next();
      if (r.done === true) return { header, ...r.value };
    }
  });
}
