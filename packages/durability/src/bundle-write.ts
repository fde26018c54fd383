import { createHash, type Hash } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { FrameBuilder, encodeHeader } from './bundle-codec.js';
import {
  BUNDLE_FORMAT_VERSION,
  BUNDLE_MAGIC,
  DIGEST_BYTES,
  FRAME_KIND,
  FRAME_TARGET_BYTES,
  PREAMBLE_BYTES,
  badBundle,
  bundleIoError,
  checkBundlePath,
  isSystemError,
  type BundleCounts,
  type BundleEntry,
  type BundleHeader,
} from './bundle-format.js';

/**
 * Writes frames to the file while the next one is being encoded: at most one write is in flight,
 * which bounds memory to about two frames whatever the size of the branch.
 */
class FrameSink {
  readonly #fh: FileHandle;
  readonly #hash: Hash = createHash('sha256');
  #pending: Promise<unknown> = Promise.resolve();
  bytes = 0;

  constructor(fh: FileHandle) {
    this.#fh = fh;
  }

  async push(chunk: Buffer): Promise<void> {
    await this.#pending;
    this.#hash.update(chunk);
    const pending = this.#fh.write(chunk, 0, chunk.length, this.bytes);
    // A failure surfaces at the next push or at drain; until then it must not go unhandled.
    pending.catch(() => undefined);
    this.#pending = pending;
    this.bytes += chunk.length;
  }

  /** The digest of everything pushed so far, once it is all written. */
  async drain(): Promise<Buffer> {
    await this.#pending;
    return this.#hash.copy().digest();
  }
}

/** Tuning of `writeBundle`. */
export interface BundleWriteOptions {
  /** Payload size at which an entries frame is closed (default 1 MiB); any size reads back the same. */
  readonly frameBytes?: number;
}

/**
 * Writes a branch bundle at exactly `path`, streaming `entries` frame by frame. Refuses an existing
 * file (or anything else at the path) with `InvalidInput` and leaves it untouched; never creates
 * directories (a missing parent is `Io`). On any failure, the entries source's included, the
 * partial file is removed and the error is rethrown.
 */
export async function writeBundle(
  path: string,
  header: Omit<BundleHeader, 'formatVersion'>,
  entries: AsyncIterable<BundleEntry> | Iterable<BundleEntry>,
  options: BundleWriteOptions = {},
): Promise<BundleCounts> {
  checkBundlePath(path);
  let fh: FileHandle;
  try {
    // O_EXCL: the check and the create are one step, and a symlink at the path is never followed.
    fh = await open(path, 'wx');
  } catch (e) {
    if ((e as { code?: unknown }).code === 'EEXIST') throw badBundle(path, 'bundle file already exists');
    throw bundleIoError('create', path, e);
  }
  try {
    const counts = await writeFrames(fh, header, entries, options.frameBytes ?? FRAME_TARGET_BYTES);
    await fh.sync();
    await fh.close();
    return counts;
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw isSystemError(e) ? bundleIoError('write', path, e) : e;
  }
}

async function writeFrames(
  fh: FileHandle,
  header: Omit<BundleHeader, 'formatVersion'>,
  entries: AsyncIterable<BundleEntry> | Iterable<BundleEntry>,
  frameBytes: number,
): Promise<BundleCounts> {
  const sink = new FrameSink(fh);
  const preamble = Buffer.alloc(PREAMBLE_BYTES);
  BUNDLE_MAGIC.copy(preamble);
  preamble.writeUInt32LE(BUNDLE_FORMAT_VERSION, BUNDLE_MAGIC.length);
  await sink.push(preamble);
  const h = new FrameBuilder(FRAME_KIND.header, 0);
  h.raw(encodeHeader(header));
  await sink.push(h.finish());

  let entryCount = 0;
  let versionCount = 0;
  let frames = 0;
  // Room for the entry that crosses the target, so a frame rarely has to grow (a copy) at its end.
  const capacity = frameBytes + 64 * 1024;
  let frame = new FrameBuilder(FRAME_KIND.entries, capacity);
  // Synchronous while the frame fills, so an entry costs no microtask unless it completes a frame.
  const add = (e: BundleEntry): boolean => {
    versionCount += frame.entry(e);
    entryCount++;
    return frame.payloadBytes >= frameBytes;
  };
  const flush = async (): Promise<void> => {
    await sink.push(frame.finish());
    frames++;
    frame = new FrameBuilder(FRAME_KIND.entries, capacity);
  };
  // A plain loop for synchronous sources: `for await` would add a microtask per entry.
  if (Symbol.iterator in entries) {
    for (const e of entries) if (add(e)) await flush();
  } else {
    for await (const e of entries) if (add(e)) await flush();
  }
  if (frame.payloadBytes > 0) await flush();

  const trailer = new FrameBuilder(FRAME_KIND.trailer, 3 * 8 + DIGEST_BYTES);
  trailer.uints(entryCount, versionCount, frames);
  trailer.raw(await sink.drain());
  await sink.push(trailer.finish());
  await sink.drain();
  return { entries: entryCount, versions: versionCount, bytes: sink.bytes };
}
