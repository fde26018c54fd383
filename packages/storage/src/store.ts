/**
 * The seam the engine sees: versioned (MVCC) records over ordered byte keys.
 *
 * Every write creates a version stamped with a commit version and a microsecond timestamp.
 * The latest live version of each key answers point reads synchronously; every version
 * (tombstones included) is kept for `asOf` reads and histories until purged.
 *
 * Key contract: keys are opaque bytes compared bytewise, and no stored key is another stored
 * key followed by a 0x00 byte (the core key layout guarantees this), so a key's versions can be
 * kept contiguously after it.
 */
export interface VersionedRecord {
  /** Commit version that wrote this version. */
  readonly version: number;
  /** Microseconds since the Unix epoch. */
  readonly timestamp: number;
  /** True for a deletion marker; `value` is then `null`. */
  readonly tombstone: boolean;
  /** The decoded payload (any cbor-encodable JS value: Value, records of the engine). */
  readonly value: unknown;
}

export interface WriteOp {
  readonly key: Uint8Array;
  readonly version: number;
  readonly timestamp: number;
  /** Absent or true-tombstone: a deletion. */
  readonly tombstone?: boolean;
  readonly value?: unknown;
  /** The payload holds a negative zero somewhere; the codec must keep its sign. */
  readonly negativeZero?: boolean;
  /**
   * The payload already encoded with `encodeValue`; takes the place of `value`. Writers that
   * queue a write before storing it encode early so later changes to the caller's object
   * cannot leak into the stored value.
   */
  readonly payload?: Uint8Array;
  /**
   * A deletion that stays in the latest keyspace as a tombstone instead of removing the key: a
   * fork's deletion must hide the record its parent still holds. `peek` sees it; `get` and
   * scans without `tombstones` skip it.
   */
  readonly keepTombstone?: boolean;
  /**
   * Sets the latest record only, adding no version to the history: a fork's copy of the record
   * its parent is about to change, which the fork already saw (through the parent's history).
   */
  readonly latestOnly?: boolean;
}

/** A small named record outside the versioned keyspace (clock, counters, registry metadata). */
export interface MetaOp {
  readonly name: string;
  /** `undefined` removes the entry. */
  readonly value: unknown;
}

export interface ScanOptions {
  /** Start strictly after this full key (a cursor). */
  readonly after?: Uint8Array;
  /** At most this many entries. */
  readonly limit?: number;
  /** Include tombstones kept in the latest keyspace (see `WriteOp.keepTombstone`). */
  readonly tombstones?: boolean;
}

export interface AsOfScanOptions {
  /** Include keys whose version at that time is a tombstone. */
  readonly tombstones?: boolean;
}

export type ScanEntry = readonly [key: Uint8Array, record: VersionedRecord];

/** A key with its versions, oldest first. */
export type HistoryEntry = readonly [key: Uint8Array, versions: VersionedRecord[]];

/** One stored version described by its header alone: what retention weighs without decoding payloads. */
export interface VersionInfo {
  readonly version: number;
  readonly timestamp: number;
  readonly tombstone: boolean;
  /** Stored size of the version: the record header plus the encoded payload, in bytes. */
  readonly size: number;
}

/** A key with the headers of its versions, oldest first. */
export type VersionInfoEntry = readonly [key: Uint8Array, versions: VersionInfo[]];

/** One version of one key, as history holds it. */
export interface VersionRef {
  readonly key: Uint8Array;
  readonly version: number;
}

export interface WriteOptions {
  readonly sync: boolean;
  readonly keys?: readonly string[] | undefined;
}

export interface Store {
  readonly kind: 'level' | 'memory';

  /** Latest live version of `key`, or undefined if absent or deleted. Synchronous by design. */
  get(key: Uint8Array): VersionedRecord | undefined;

  /** The latest record of `key`, a kept tombstone included (see `WriteOp.keepTombstone`), or undefined. Synchronous. */
  peek(key: Uint8Array): VersionedRecord | undefined;

  /** Newest version of `key` with `timestamp <= ts` (possibly a tombstone), or undefined. */
  getAsOf(key: Uint8Array, ts: number): Promise<VersionedRecord | undefined>;

  /** Every version of `key`, newest first, tombstones included; at most `limit`. */
  history(key: Uint8Array, limit?: number): Promise<VersionedRecord[]>;

  /** Latest records of keys starting with `prefix` (live ones unless `tombstones`), ascending byte order. */
  scan(prefix: Uint8Array, options?: ScanOptions): Promise<ScanEntry[]>;

  /** Keys starting with `prefix` whose newest version with `timestamp <= ts` is live, ascending. */
  scanAsOf(prefix: Uint8Array, ts: number, options?: AsOfScanOptions): Promise<ScanEntry[]>;

  /**
   * Every version of every key starting with `prefix` (tombstones included, oldest first),
   * grouped by key in ascending order; at most `limit` keys, after `after` when given.
   */
  scanHistory(prefix: Uint8Array, options?: ScanOptions): Promise<HistoryEntry[]>;

  /**
   * Like `scanHistory`, but each version reduced to its header and stored size; no payload is
   * decoded. At most `limit` keys, after `after` when given (`tombstones` does not apply).
   */
  scanVersions(prefix: Uint8Array, options?: ScanOptions): Promise<VersionInfoEntry[]>;

  /**
   * Removes the given versions from the history keyspace, in one atomic batch. The latest
   * records (what `get`, `peek` and `scan` read) are never touched, even when the newest
   * version of a key is named; versions that are not stored are ignored.
   */
  dropVersions(versions: readonly VersionRef[], options: { readonly sync: boolean }): Promise<void>;

  /** Number of live keys starting with `prefix`. */
  count(prefix: Uint8Array): Promise<number>;

  /** Removes every record and version of every key starting with `prefix` (a deleted branch's data). */
  clear(prefix: Uint8Array): Promise<void>;

  /**
   * Applies every op and meta op atomically; `sync` asks the backend to reach stable storage.
   * `keys`, when given, holds each op's key as a latin1 string (one char per byte), for a
   * backend that keys by such strings and need not convert again.
   */
  write(ops: readonly WriteOp[], meta: readonly MetaOp[], options: WriteOptions): Promise<void>;

  /** A meta entry, or undefined. Synchronous. */
  getMeta(name: string): unknown;

  /** Makes every acknowledged write durable. */
  flush(): Promise<void>;

  /**
   * Rewrites storage so space held by overwritten and deleted records is reclaimed; what reads
   * answer does not change. A no-op in memory.
   */
  compact(): Promise<void>;

  /** Bytes the store occupies on disk; 0 in memory. */
  diskSize(): Promise<number>;

  close(): Promise<void>;
}
