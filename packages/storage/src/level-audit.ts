import { ClassicLevel } from 'classic-level';
import { StratumError, err } from '@stratum/core';
import { HISTORY, LATEST, META, type Range, keyOfHistory, prefixRange } from './level-layout.js';
import { HEADER_SIZE, decodeRecord, decodeValue, readU64 } from './record-codec.js';
import type { VersionedRecord } from './store.js';

type Db = ClassicLevel<Uint8Array, Uint8Array>;
type Entry = [Uint8Array, Uint8Array];
/** Iterator bounds; unlike a layout `Range`, the upper one may be missing. */
type Bounds = Omit<Range, 'lt'> & { lt?: Uint8Array };

const CHUNK = 1000;
/** A history key is the keyspace byte, the key (at least one byte), 0x00 and an 8-byte version. */
const MIN_HISTORY_KEY = 1 + 1 + 1 + 8;

/** One stored key as found on disk: its latest record and its versions. */
export interface StoredKey {
  readonly key: Buffer;
  /** The latest record (a kept tombstone included); undefined when there is none. */
  readonly latest: VersionedRecord | undefined;
  /** Every version that decodes, oldest first. */
  readonly history: readonly VersionedRecord[];
  /** The latest record is byte for byte the newest version. */
  readonly latestIsNewest: boolean;
  /** A record of this key did not decode (reported as a problem already). */
  readonly damaged: boolean;
}

/** What the storage layer itself finds wrong. */
export interface StorageProblem {
  readonly kind: 'undecodable-record' | 'undecodable-meta' | 'malformed-key' | 'version-mismatch' | 'stray-key';
  readonly key?: Buffer;
  readonly message: string;
}

/**
 * Reads a LevelDB store entry by entry, below the Store API, to verify it: every record must
 * decode, every history key must be well formed and agree with its record. It writes nothing of
 * its own, but LevelDB rewrites files as it opens: open a snapshot (`snapshotLevelDir`) when the
 * files must stay as they were.
 */
export class LevelAudit {
  readonly problems: StorageProblem[] = [];
  readonly #db: Db;
  readonly #meta = new Map<string, unknown>();

  private constructor(db: Db) {
    this.#db = db;
  }

  /** Opens the database in `dir`, which must exist; `Io` when LevelDB cannot open it. */
  static async open(dir: string): Promise<LevelAudit> {
    const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view', createIfMissing: false });
    try {
      await db.open();
    } catch (e) {
      const cause = (e as { cause?: { message?: unknown } }).cause;
      const reason = `cannot open database: ${typeof cause?.message === 'string' ? cause.message : (e as Error).message}`;
      throw new StratumError('Io', `I/O error: ${reason}`, { reason }, { cause: e });
    }
    const audit = new LevelAudit(db);
    try {
      await audit.#loadMeta();
      await audit.#findStrays();
    } catch (e) {
      await db.close().catch(() => undefined);
      throw readError(e);
    }
    return audit;
  }

  /** Meta entries that decode, by name. */
  get meta(): ReadonlyMap<string, unknown> {
    return this.#meta;
  }

  /**
   * Every key starting with `prefix` that has a latest record or a version, in ascending order,
   * with both; problems found on the way go to `problems`.
   */
  async *keys(prefix: Uint8Array = new Uint8Array(0)): AsyncGenerator<StoredKey> {
    const latest = this.#entries(prefixRange(LATEST, prefix));
    const versions = this.#entries(prefixRange(HISTORY, prefix));
    // The next well-formed version entry and its user key; malformed ones are reported and skipped.
    const nextVersion = async (): Promise<{ key: Uint8Array; entry: Entry } | undefined> => {
      for (;;) {
        const r = await versions.next();
        if (r.done) return undefined;
        const key = this.#historyKeyOf(r.value);
        if (key !== undefined) return { key, entry: r.value };
      }
    };
    let l = await latest.next();
    let h = await nextVersion();
    while (!l.done || h !== undefined) {
      const lKey = l.done ? undefined : l.value[0].subarray(1);
      const order = lKey === undefined ? 1 : h === undefined ? -1 : Buffer.compare(lKey, h.key);
      const key = Buffer.from((order <= 0 ? lKey : h?.key) as Uint8Array);
      let latestBytes: Uint8Array | undefined;
      if (!l.done && order <= 0) {
        latestBytes = l.value[1];
        l = await latest.next();
      }
      const raw: Uint8Array[] = [];
      // Versions sort right after their key and before any longer key (the Store's key contract).
      while (h !== undefined && key.equals(h.key)) {
        raw.push(h.entry[1]);
        this.#checkVersionKey(key, h.entry);
        h = await nextVersion();
      }
      yield this.#stored(key, latestBytes, raw);
    }
  }

  async close(): Promise<void> {
    await this.#db.close();
  }

  #stored(key: Buffer, latestBytes: Uint8Array | undefined, raw: Uint8Array[]): StoredKey {
    let damaged = false;
    const decode = (bytes: Uint8Array, what: string): VersionedRecord | undefined => {
      const problem = recordProblem(bytes);
      if (problem === undefined) return decodeRecord(bytes);
      damaged = true;
      this.problems.push({ kind: 'undecodable-record', key, message: `${what} does not decode: ${problem}` });
      return undefined;
    };
    const latest = latestBytes === undefined ? undefined : decode(latestBytes, 'the latest record');
    const history: VersionedRecord[] = [];
    for (const bytes of raw) {
      const r = decode(bytes, 'a version');
      if (r !== undefined) history.push(r);
    }
    const newest = raw[raw.length - 1];
    const latestIsNewest = latestBytes !== undefined && newest !== undefined && Buffer.compare(latestBytes, newest) === 0;
    return { key, latest, history, latestIsNewest, damaged };
  }

  /** The user key of a history entry, or undefined (and a problem) when the entry key is malformed. */
  #historyKeyOf([hkey]: Entry): Uint8Array | undefined {
    if (hkey.length >= MIN_HISTORY_KEY && hkey[hkey.length - 9] === 0x00) return keyOfHistory(hkey);
    this.problems.push({ kind: 'malformed-key', key: Buffer.from(hkey), message: 'a history key is too short or lacks its separator' });
    return undefined;
  }

  #checkVersionKey(key: Buffer, [hkey, bytes]: Entry): void {
    if (bytes.length < HEADER_SIZE) return;
    const inKey = readU64(hkey, hkey.length - 8);
    const inRecord = readU64(bytes, 1);
    if (inKey !== inRecord) {
      this.problems.push({ kind: 'version-mismatch', key, message: `version ${inRecord} is stored under version ${inKey}` });
    }
  }

  async #loadMeta(): Promise<void> {
    for await (const [key, value] of this.#entries(prefixRange(META, new Uint8Array(0)))) {
      const name = Buffer.from(key.subarray(1)).toString('utf8');
      try {
        this.#meta.set(name, decodeValue(value));
      } catch (e) {
        this.problems.push({ kind: 'undecodable-meta', key: Buffer.from(key), message: `meta entry '${name}' does not decode: ${(e as Error).message}` });
      }
    }
  }

  /** Keys outside the three keyspaces: nothing the store writes lands there. */
  async #findStrays(): Promise<void> {
    const gaps: Bounds[] = [
      { lt: Buffer.of(HISTORY) },
      { gte: Buffer.of(HISTORY + 1), lt: Buffer.of(LATEST) },
      { gte: Buffer.of(META + 1) },
    ];
    for (const gap of gaps) {
      for await (const [key] of this.#entries(gap)) {
        this.problems.push({ kind: 'stray-key', key: Buffer.from(key), message: 'a key outside every keyspace of the store' });
      }
    }
  }

  async *#entries(range: Bounds): AsyncGenerator<Entry> {
    const it = this.#db.iterator(range);
    try {
      for (;;) {
        const chunk = await it.nextv(CHUNK);
        if (chunk.length === 0) return;
        yield* chunk;
      }
    } catch (e) {
      throw readError(e);
    } finally {
      await it.close().catch(() => undefined);
    }
  }
}

/** Why a stored record cannot be read, or undefined when it decodes. */
function recordProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length < HEADER_SIZE) return `${bytes.length} bytes, shorter than the ${HEADER_SIZE}-byte header`;
  const flags = bytes[0] as number;
  if ((flags & ~0x01) !== 0) return `unknown flags 0x${flags.toString(16)}`;
  if ((flags & 0x01) !== 0) return bytes.length === HEADER_SIZE ? undefined : 'a tombstone with a payload';
  if (bytes.length === HEADER_SIZE) return 'a live record without a payload';
  try {
    decodeValue(bytes.subarray(HEADER_SIZE));
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

function readError(e: unknown): StratumError {
  if (e instanceof StratumError) return e;
  return err.io(`read failed: ${(e as Error).message}`, e);
}
