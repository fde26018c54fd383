import { mkdir } from 'node:fs/promises';
import { ClassicLevel } from 'classic-level';
import { err } from '@stratum/core';
import {
  FLUSH_KEY,
  HISTORY,
  LATEST,
  type Range,
  historyKey,
  historyRange,
  prefixRange,
  spaced,
} from './level-layout.js';
import { asIo, closedError, openError } from './level-errors.js';
import { directorySize, refuseHeadless } from './level-files.js';
import { historyAsOf, historyByKey, walk } from './level-history.js';
import { loadMeta, metaKey } from './level-meta.js';
import {
  applyMeta,
  decodeRecord,
  encodeMeta,
  encodeRecord,
  isDeletion,
  recordInfo,
  recordIsTombstone,
  recordTimestamp,
} from './record-codec.js';
import type {
  AsOfScanOptions,
  HistoryEntry,
  MetaOp,
  ScanEntry,
  ScanOptions,
  Store,
  VersionInfoEntry,
  VersionRef,
  VersionedRecord,
  WriteOp,
  WriteOptions,
} from './store.js';

type Db = ClassicLevel<Uint8Array, Uint8Array>;

/** getAsOf usually stops within the newest few versions, so it reads in small steps. */
const AS_OF_CHUNK = 16;

/**
 * The durable Store: one LevelDB database (see `level-layout.ts` for the keyspaces).
 *
 * Point reads use `getSync` on the latest keyspace, so they never wait on the thread pool.
 * Meta entries are few and small; they are read once at open and then served from memory.
 * Each `write` is one LevelDB batch; two writes in flight at once may land in either order, so
 * callers that need version order keep one in flight (the engine's group commit does).
 */
export class LevelStore implements Store {
  readonly kind = 'level' as const;
  readonly #db: Db;
  readonly #meta: Map<string, unknown>;
  readonly #dir: string;
  #closed = false;

  private constructor(db: Db, meta: Map<string, unknown>, dir: string) {
    this.#db = db;
    this.#meta = meta;
    this.#dir = dir;
  }

  /**
   * Opens (creating if needed) the database in `dir`. Fails with `Io` when another process
   * holds the database or the directory cannot be used.
   */
  static async open(dir: string): Promise<LevelStore> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      throw err.io(`cannot create database directory ${dir}: ${(e as Error).message}`, e);
    }
    await refuseHeadless(dir);
    const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    try {
      await db.open();
    } catch (e) {
      throw openError(dir, e);
    }
    try {
      return new LevelStore(db, await loadMeta(db), dir);
    } catch (e) {
      await db.close().catch(() => undefined);
      throw asIo('cannot read metadata', e);
    }
  }

  get(key: Uint8Array): VersionedRecord | undefined {
    const bytes = this.#latest(key);
    return bytes === undefined || recordIsTombstone(bytes) ? undefined : decodeRecord(bytes);
  }

  peek(key: Uint8Array): VersionedRecord | undefined {
    const bytes = this.#latest(key);
    return bytes === undefined ? undefined : decodeRecord(bytes);
  }

  #latest(key: Uint8Array): Uint8Array | undefined {
    this.#assertOpen();
    try {
      return this.#db.getSync(spaced(LATEST, key));
    } catch (e) {
      throw asIo('read failed', e);
    }
  }

  async getAsOf(key: Uint8Array, ts: number): Promise<VersionedRecord | undefined> {
    this.#assertOpen();
    // Versions are sorted oldest first, so walking backwards finds the newest match first.
    const it = this.#db.iterator({ ...historyRange(key), reverse: true });
    try {
      for (;;) {
        const entries = await it.nextv(AS_OF_CHUNK);
        if (entries.length === 0) return undefined;
        for (const [, bytes] of entries) if (recordTimestamp(bytes) <= ts) return decodeRecord(bytes);
      }
    } catch (e) {
      throw asIo('read failed', e);
    } finally {
      await it.close().catch(() => undefined);
    }
  }

  async history(key: Uint8Array, limit?: number): Promise<VersionedRecord[]> {
    this.#assertOpen();
    if (limit !== undefined && limit <= 0) return [];
    const entries = await this.#all({ ...historyRange(key), reverse: true, limit: limit ?? -1 });
    return entries.map(([, bytes]) => decodeRecord(bytes));
  }

  async scan(prefix: Uint8Array, options: ScanOptions = {}): Promise<ScanEntry[]> {
    this.#assertOpen();
    const { limit, tombstones = false } = options;
    let after = options.after;
    if (limit !== undefined && limit <= 0) return [];
    const out: ScanEntry[] = [];
    // Kept tombstones (forks only) may fill a page: fetch again after the last key until full.
    for (;;) {
      const want = limit === undefined ? -1 : limit - out.length;
      const entries = await this.#all({ ...prefixRange(LATEST, prefix, after), limit: want });
      for (const [key, bytes] of entries) {
        if (!tombstones && recordIsTombstone(bytes)) continue;
        out.push([key.subarray(1), decodeRecord(bytes)]);
      }
      const last = entries[entries.length - 1];
      if (limit === undefined || out.length >= limit || last === undefined || entries.length < want) return out;
      after = last[0].subarray(1);
    }
  }

  async scanAsOf(prefix: Uint8Array, ts: number, options: AsOfScanOptions = {}): Promise<ScanEntry[]> {
    this.#assertOpen();
    return historyAsOf(this.#db, prefix, ts, options.tombstones === true);
  }

  async scanHistory(prefix: Uint8Array, options: ScanOptions = {}): Promise<HistoryEntry[]> {
    this.#assertOpen();
    return historyByKey(this.#db, prefix, options, decodeRecord);
  }

  async scanVersions(prefix: Uint8Array, options: ScanOptions = {}): Promise<VersionInfoEntry[]> {
    this.#assertOpen();
    return historyByKey(this.#db, prefix, options, recordInfo);
  }

  async dropVersions(versions: readonly VersionRef[], options: { readonly sync: boolean }): Promise<void> {
    this.#assertOpen();
    if (versions.length === 0) return;
    const batch = this.#db.batch();
    for (const { key, version } of versions) batch.del(historyKey(key, version));
    try {
      await batch.write({ sync: options.sync });
    } catch (e) {
      throw asIo('write failed', e);
    }
  }

  async count(prefix: Uint8Array): Promise<number> {
    this.#assertOpen();
    let n = 0;
    await walk(this.#db, prefixRange(LATEST, prefix), (_key, bytes) => {
      if (!recordIsTombstone(bytes)) n++;
    });
    return n;
  }

  async clear(prefix: Uint8Array): Promise<void> {
    this.#assertOpen();
    try {
      await this.#db.clear(prefixRange(LATEST, prefix));
      await this.#db.clear(prefixRange(HISTORY, prefix));
    } catch (e) {
      throw asIo('clear failed', e);
    }
  }

  async write(ops: readonly WriteOp[], meta: readonly MetaOp[], options: WriteOptions): Promise<void> {
    this.#assertOpen();
    // A chained batch: the array form validates and copies every op again, several times slower.
    const batch = this.#db.batch();
    for (const op of ops) {
      const record = encodeRecord(op);
      if (op.latestOnly !== true) batch.put(historyKey(op.key, op.version), record);
      const latest = spaced(LATEST, op.key);
      if (isDeletion(op) && op.keepTombstone !== true) batch.del(latest);
      else batch.put(latest, record);
    }
    const entries = encodeMeta(meta);
    for (const { name, bytes } of entries) {
      const key = metaKey(name);
      if (bytes === undefined) batch.del(key);
      else batch.put(key, bytes);
    }
    if (batch.length === 0) {
      await batch.close();
      return;
    }
    try {
      await batch.write({ sync: options.sync });
    } catch (e) {
      throw asIo('write failed', e);
    }
    applyMeta(this.#meta, entries);
  }

  /** The cached entry; callers must treat it as read-only. */
  getMeta(name: string): unknown {
    this.#assertOpen();
    return this.#meta.get(name);
  }

  async flush(): Promise<void> {
    this.#assertOpen();
    try {
      // Syncing one write syncs the whole log, and with it every write acknowledged before.
      await this.#db.del(FLUSH_KEY, { sync: true });
    } catch (e) {
      throw asIo('flush failed', e);
    }
  }

  async compact(): Promise<void> {
    this.#assertOpen();
    try {
      // Every keyspace byte lies inside this range, so the whole database is compacted.
      await this.#db.compactRange(Buffer.of(0x00), Buffer.of(0xff));
    } catch (e) {
      throw asIo('compact failed', e);
    }
  }

  async diskSize(): Promise<number> {
    this.#assertOpen();
    try {
      return await directorySize(this.#dir);
    } catch (e) {
      throw asIo('cannot measure the database directory', e);
    }
  }

  /** Closes the database; closing twice is a no-op. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#db.close();
    } catch (e) {
      throw asIo('close failed', e);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw closedError();
  }

  async #all(options: Range & { reverse?: boolean; limit: number }): Promise<Array<[Uint8Array, Uint8Array]>> {
    try {
      return await this.#db.iterator(options).all();
    } catch (e) {
      throw asIo('read failed', e);
    }
  }
}
