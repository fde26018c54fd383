import { hasNegativeZero, systemClock, type Clock, type IdSource } from '@stratum/core';
import { backgroundSyncMs, syncsEveryCommit, type DurabilityMode } from '@stratum/durability';
import { encodeValue, type MetaOp, type ScanEntry, type ScanOptions, type Store, type VersionedRecord, type WriteOp } from '@stratum/storage';
import { BackgroundSync } from './background-sync.js';
import { BranchTree, type BranchNode } from './branch-tree.js';
import { ForkReads } from './fork-reads.js';
import { GroupCommit } from './group-commit.js';
import { Snapshots } from './snapshots.js';
import { randomIds, seededIds } from './ids.js';

export interface DatabaseOptions {
  readonly store: Store;
  readonly durability: DurabilityMode;
  readonly clock?: Clock;
  /** Generated names; `'seeded-by-first-command'` derives them from the first command's clock reading, so a recorded log replays with the same names. */
  readonly ids?: IdSource | 'seeded-by-first-command';
  readonly readOnly?: boolean;
}

/** One write of a commit: a new value for `key`, or its deletion. */
export interface Write {
  readonly key: Uint8Array;
  readonly value?: unknown;
  readonly tombstone?: boolean;
  readonly negativeZero?: boolean;
}

export interface Committed {
  readonly version: number;
  readonly timestamp: number;
  /** Resolves once the commit's storage batch has landed (per the durability mode). */
  readonly done: Promise<void>;
}

const CREATED_META = 'created';


/**
 * The stored clock is a lease: a version and a timestamp at least as high as any commit made
 * under it. A batch stores a new lease only when a commit goes past the current one, so most
 * batches write no clock entry at all; after a crash, counting resumes past the lease (versions
 * may skip, as they may anyway), and a clean close stores the exact clock.
 */
const CLOCK_META = 'clock';
const VERSION_LEASE = 10_000;
const TIMESTAMP_LEASE = 1_000_000;

interface ClockState {
  version: number;
  timestamp: number;
}

/**
 * The database: a global commit version and strictly increasing microsecond timestamps, both
 * persisted with every batch so they survive restarts, over a Store with group commit.
 */
export class Database {
  readonly store: Store;
  readonly durability: DurabilityMode;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly readOnly: boolean;
  /** Every branch's storage id and where its reads fall through (see BranchTree). */
  readonly tree = new BranchTree();
  readonly #forks: ForkReads;
  /** When the default branch (and so the database) was created, µs; undefined until known. */
  #createdAt: number | undefined;
  readonly #commits: GroupCommit;
  readonly #background: BackgroundSync | undefined;
  #version: number;
  #timestamp: number;
  #lease: ClockState;
  #firstCommandAt: number | undefined;
  #seeded: IdSource | undefined;
  readonly #snapshots = new Snapshots();
  /** Branch id → version of the newest commit that wrote to it (a commit writes to one branch). */
  readonly #branchVersions = new Map<string, number>();

  private constructor(options: DatabaseOptions, clock: ClockState, createdAt: number | undefined) {
    this.store = options.store;
    this.durability = options.durability;
    this.clock = options.clock ?? systemClock;
    const ids = options.ids ?? randomIds();
    this.ids = ids === 'seeded-by-first-command' ? () => (this.#seeded ??= seededIds(String(this.#firstCommandAt ?? 0)))() : ids;
    this.readOnly = options.readOnly ?? false;
    this.#createdAt = createdAt;
    this.#version = clock.version;
    this.#timestamp = clock.timestamp;
    this.#lease = clock;
    const syncMs = backgroundSyncMs(options.durability);
    const background = syncMs === undefined ? undefined : new BackgroundSync(options.store, syncMs);
    this.#background = background;
    this.#commits = new GroupCommit(options.store, syncsEveryCommit(options.durability), background && (() => background.note()));
    this.#forks = new ForkReads(options.store, this.tree);
  }

  static async open(options: DatabaseOptions): Promise<Database> {
    const clock = (options.store.getMeta(CLOCK_META) as ClockState | undefined) ?? { version: 0, timestamp: 0 };
    let created = options.store.getMeta(CREATED_META) as number | undefined;
    // A recorded or replayed session takes the creation time from its first command instead of
    // the moment of opening, which no log holds; it is stored with the first commit.
    if (created === undefined && options.ids !== 'seeded-by-first-command') {
      created = Math.max((options.clock ?? systemClock)(), clock.timestamp + 1);
      if (!options.readOnly) await options.store.write([], [{ name: CREATED_META, value: created }], { sync: true });
    }
    return new Database(options, clock, created);
  }

  /** The newest commit version. */
  get version(): number {
    return this.#version;
  }

  /** The timestamp of the newest commit (queued ones included). */
  get timestamp(): number {
    return this.#timestamp;
  }

  /** When the default branch (and so the database) was created, µs. */
  get createdAt(): number {
    return this.#createdAt ?? this.#firstCommandAt ?? this.clock();
  }

  /** Notes the clock reading of a command; the first one anchors `Info.uptimeSecs`. */
  noteCommand(at: number): void {
    this.#firstCommandAt ??= at;
  }

  uptimeSecs(at: number): number {
    return Math.max(0, Math.floor((at - (this.#firstCommandAt ?? at)) / 1e6));
  }

  /**
   * Commits `writes` as one new version. `at` is the clock reading of the command; the
   * timestamp is `at`, or one past the previous commit's when the clock has not moved on.
   */
  commit(writes: readonly Write[], at: number): Committed {
    const version = ++this.#version;
    const timestamp = (this.#timestamp = Math.max(Math.floor(at), this.#timestamp + 1));
    // Encoding now, not when the batch is written, keeps later changes to the caller's objects out.
    const ops: WriteOp[] = new Array(writes.length);
    const track = this.#snapshots.tracking;
    const first = writes[0];
    if (first !== undefined) this.#branchVersions.set(branchIdOf(first.key), version);
    const forks = this.tree.hasForks;
    for (let i = 0; i < writes.length; i++) {
      const w = writes[i] as Write;
      if (track) this.#snapshots.note(w.key, version);
      const node = forks ? this.tree.nodeOfKey(w.key) : undefined;
      if (node !== undefined && node.children.size > 0) this.#pushDown(node, w.key, ops);
      ops[i] = w.tombstone
        ? { key: w.key, version, timestamp, tombstone: true, keepTombstone: node?.parent !== undefined }
        : { key: w.key, version, timestamp, payload: encodeValue(w.value, w.negativeZero === true) };
    }
    let meta: MetaOp[] | undefined;
    if (version > this.#lease.version || timestamp > this.#lease.timestamp) {
      this.#lease = { version: version + VERSION_LEASE, timestamp: timestamp + TIMESTAMP_LEASE };
      meta = [{ name: CLOCK_META, value: this.#lease }];
    }
    if (this.#createdAt === undefined && this.#firstCommandAt !== undefined) {
      this.#createdAt = this.#firstCommandAt;
      (meta ??= []).push({ name: CREATED_META, value: this.#createdAt });
    }
    const done = this.#commits.enqueue(ops, meta);
    // A lease that never reached storage covers nothing: the next commit must store a new one.
    if (meta !== undefined) done.catch(() => (this.#lease = { version: 0, timestamp: 0 }));
    return { version, timestamp, done };
  }

  /**
   * The version of the newest commit that wrote to branch `id` (0 if none since opening): a
   * reader that must not interleave with a branch's writes compares it before and after.
   */
  branchVersion(id: string): number {
    return this.#branchVersions.get(id) ?? 0;
  }

  /** Takes a version no commit will use: a name for storage that must never be shared. */
  reserveVersion(): number {
    return ++this.#version;
  }

  /** Moves the clock past records stored without a commit (an imported branch keeps its versions and times). */
  advancePast(version: number, timestamp: number): void {
    this.#version = Math.max(this.#version, version);
    this.#timestamp = Math.max(this.#timestamp, timestamp);
  }

  /**
   * Opens a snapshot at the newest commit (queued ones included); until it is closed, commits
   * note which keys they write (see Snapshots).
   */
  openSnapshot(): { version: number; timestamp: number } {
    this.#snapshots.open(this.#timestamp);
    return { version: this.#version, timestamp: this.#timestamp };
  }

  /** Closes a snapshot opened by {@link openSnapshot}; `timestamp` is the one it gave. */
  closeSnapshot(timestamp: number): void {
    this.#snapshots.close(timestamp);
  }

  /** The timestamps of the open snapshots: reads as of them must keep answering (retention keeps what they read). */
  openSnapshotTimes(): number[] {
    return this.#snapshots.times();
  }

  /** Whether a commit after `version` wrote `key`; valid only while a snapshot at or before `version` is open. */
  writtenAfter(key: Uint8Array, version: number): boolean {
    return this.#snapshots.writtenAfter(key, version);
  }

  /**
   * Before `node` changes `key`: each fork of it that has no record of its own for the key gets a
   * copy of what it sees now (a tombstone when nothing), so the change stays invisible to it.
   * Copies go at the end of `ops`, after the commit's own writes.
   */
  #pushDown(node: BranchNode, key: Uint8Array, ops: WriteOp[]): void {
    let seen: VersionedRecord | undefined | null = null;
    for (const child of node.children) {
      const childKey = this.tree.rekey(key, node, child);
      if (this.#commits.pending(childKey) !== undefined || this.store.peek(childKey) !== undefined) continue;
      if (seen === null) seen = this.read(key);
      ops.push(
        seen === undefined
          ? { key: childKey, version: 0, timestamp: 0, tombstone: true, keepTombstone: true, latestOnly: true }
          : { key: childKey, version: seen.version, timestamp: seen.timestamp, payload: encodeValue(seen.value, hasNegativeZero(seen.value)), latestOnly: true },
      );
    }
  }

  /** Latest live record of `key` in its branch's view, seeing writes that have not reached storage yet. */
  read(key: Uint8Array): VersionedRecord | undefined {
    const pending = this.#commits.pending(key);
    if (pending !== undefined) return pending ?? undefined;
    if (!this.tree.hasForks) return this.store.get(key);
    let node = this.tree.nodeOfKey(key);
    let k = key;
    while (node?.parent !== undefined) {
      const own = this.store.peek(k);
      if (own !== undefined) return own.tombstone ? undefined : own;
      k = this.tree.rekey(k, node, node.parent);
      node = node.parent;
      const queued = this.#commits.pending(k);
      if (queued !== undefined) return queued ?? undefined;
    }
    return this.store.get(k);
  }

  /** The newest version of `key` at or before `ts` in its branch's view (possibly a tombstone). */
  async getAsOf(key: Uint8Array, ts: number): Promise<VersionedRecord | undefined> {
    await this.settled();
    const node = this.#forkOf(key);
    return node === undefined ? this.store.getAsOf(key, ts) : this.#forks.getAsOf(node, key, ts);
  }

  /** Every version of `key` its branch sees, newest first, tombstones included; at most `limit`. */
  async history(key: Uint8Array, limit?: number): Promise<VersionedRecord[]> {
    await this.settled();
    const node = this.#forkOf(key);
    return node === undefined ? this.store.history(key, limit) : this.#forks.history(node, key, limit);
  }

  /** Live records under `prefix` in its branch's view, ascending byte order. */
  async scan(prefix: Uint8Array, options?: ScanOptions): Promise<ScanEntry[]> {
    await this.settled();
    const node = this.#forkOf(prefix);
    return node === undefined ? this.store.scan(prefix, options) : this.#forks.scan(node, prefix, options);
  }

  /** Live records under `prefix` as of `ts` in its branch's view, ascending byte order. */
  async scanAsOf(prefix: Uint8Array, ts: number): Promise<ScanEntry[]> {
    await this.settled();
    const node = this.#forkOf(prefix);
    return node === undefined ? this.store.scanAsOf(prefix, ts) : this.#forks.scanAsOf(node, prefix, ts);
  }

  /** Number of live keys under `prefix` in its branch's view. */
  async count(prefix: Uint8Array): Promise<number> {
    await this.settled();
    const node = this.#forkOf(prefix);
    return node === undefined ? this.store.count(prefix) : (await this.#forks.scan(node, prefix)).length;
  }

  /** The branch of `key` when it is a fork (its reads fall through); undefined for a root branch. */
  #forkOf(key: Uint8Array): BranchNode | undefined {
    if (!this.tree.hasForks) return undefined;
    const node = this.tree.nodeOfKey(key);
    return node?.parent === undefined ? undefined : node;
  }

  /** Resolves once every write enqueued so far is in storage; reads that go to storage call it first. */
  settled(): Promise<void> {
    return this.#commits.barrier();
  }

  /** Makes every write enqueued so far durable, whatever the mode (nothing to do in memory). */
  async flush(): Promise<void> {
    await this.settled();
    await this.store.flush();
  }

  /** Compacts the store once every write enqueued so far has landed. */
  async compact(): Promise<void> {
    await this.settled();
    await this.store.compact();
  }

  async close(): Promise<void> {
    await this.settled().catch(() => undefined);
    await this.#background?.stop();
    if (!this.readOnly && this.#version > 0) {
      const exact: ClockState = { version: this.#version, timestamp: this.#timestamp };
      await this.store.write([], [{ name: CLOCK_META, value: exact }], { sync: true }).catch(() => undefined);
    }
    await this.store.close();
  }
}

/** The branch id a stored key starts with (ids are ASCII, ended by 0x00). */
function branchIdOf(key: Uint8Array): string {
  const end = key.indexOf(0);
  return Buffer.from(key.buffer, key.byteOffset, end < 0 ? key.length : end).toString('latin1');
}
