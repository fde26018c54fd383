import { StratumError, err } from '@stratum/core';
import { decodeValue, encodeValue, type ScanEntry, type VersionedRecord } from '@stratum/storage';
import type { Access } from './access.js';
import type { BranchNode } from './branch-tree.js';
import type { BranchIndex } from './branches.js';
import type { Database, Write } from './database.js';
import type { Scope } from './scope.js';
import type { SpaceIndex } from './spaces.js';
import { latin1 } from './group-commit.js';

export type TransactionStatus = 'active' | 'committed' | 'rolled_back';

/**
 * What a primitive keeping state in memory (the vector indexes) learns of a transaction's commit,
 * in the commit's synchronous step, so that state stays in step with storage.
 */
export interface CommitHook {
  /** Run with the validation: false when something the transaction relied on changed since its snapshot (a conflict). */
  readonly valid?: () => boolean;
  /** Run right after the commit is queued. */
  readonly committed: () => void;
  /** Run when the commit's storage batch fails. */
  readonly failed?: () => void;
}

/** A buffered write: the payload is encoded when buffered so later changes to the caller's object stay out. */
interface Buffered {
  readonly key: Uint8Array;
  readonly scope: Scope;
  readonly payload?: Buffer;
  readonly negativeZero: boolean;
}


/** What a read of the transaction's own write reports; callers see `own(key)` and give null versions. */
const ownRecord = (b: Buffered): VersionedRecord | undefined =>
  b.payload === undefined ? undefined : { version: 0, timestamp: 0, tombstone: false, value: decodeValue(b.payload) };

let lastId = 0;

/**
 * A snapshot-isolated transaction on one branch. Reads see the database as of `begin` plus the
 * transaction's own writes; writes are buffered per storage key (the last one wins) and land
 * in one commit. First committer wins: the commit fails with `TransactionConflict`, changing
 * nothing, when a commit after the snapshot wrote any key this transaction read or wrote.
 *
 * Snapshot reads of a key nobody wrote since the snapshot are the latest record (synchronous);
 * others go to storage as of the snapshot's timestamp, which `prepare` does ahead of the
 * synchronous step of a command.
 */
export class Transaction implements Access {
  readonly id: string;
  readonly branch: string;
  /** Clock reading of the command that began it, µs. */
  readonly startedAt: number;
  readonly snapshotVersion: number;
  readonly snapshotTimestamp: number;
  readonly #db: Database;
  readonly #spaces: SpaceIndex;
  readonly #branches: BranchIndex;
  /** The branch at begin: a branch deleted (and perhaps re-created) since must not receive the writes. */
  readonly #node: BranchNode | undefined;
  #status: TransactionStatus = 'active';
  readonly #buffer = new Map<string, Buffered>();
  /** Keys read (latin1 → bytes): validated at commit like the written ones. */
  readonly #reads = new Map<string, Uint8Array>();
  /** Snapshot records already looked up; null when absent at the snapshot. */
  readonly #snapshot = new Map<string, VersionedRecord | null>();
  /** Told of the commit; a rollback never runs them. */
  readonly #hooks: CommitHook[] = [];

  constructor(db: Database, spaces: SpaceIndex, branches: BranchIndex, branch: string, at: number) {
    this.#db = db;
    this.#spaces = spaces;
    this.#branches = branches;
    this.branch = branch;
    this.#node = branches.lookup(branch);
    this.startedAt = at;
    this.id = String(++lastId);
    const snapshot = db.openSnapshot();
    this.snapshotVersion = snapshot.version;
    this.snapshotTimestamp = snapshot.timestamp;
  }

  get status(): TransactionStatus {
    return this.#status;
  }

  /** Number of keys the commit would write. */
  get pendingWrites(): number {
    return this.#buffer.size;
  }

  #active(): void {
    if (this.#status !== 'active') throw new StratumError('TransactionNotActive', 'no active transaction', { id: this.id });
  }

  /** The key's record at the snapshot; throws a conflict when it was overwritten and not prepared (the commit would fail anyway). */
  #atSnapshot(key: Uint8Array, k: string): VersionedRecord | undefined {
    const cached = this.#snapshot.get(k);
    // A copy per read, as the database's reads give: callers may change what they read in place.
    if (cached !== undefined) return cached === null ? undefined : { ...cached, value: structuredClone(cached.value) };
    if (this.#db.writtenAfter(key, this.snapshotVersion)) throw conflict(1);
    const record = this.#db.read(key);
    this.#snapshot.set(k, record === undefined ? null : { ...record, value: structuredClone(record.value) });
    return record;
  }

  read(key: Uint8Array): VersionedRecord | undefined {
    this.#active();
    const k = latin1(key);
    if (!this.#reads.has(k)) this.#reads.set(k, key);
    const own = this.#buffer.get(k);
    return own !== undefined ? ownRecord(own) : this.#atSnapshot(key, k);
  }

  own(key: Uint8Array): boolean {
    return this.#buffer.has(latin1(key));
  }

  /** Registers `hook` for this transaction's commit. */
  onCommit(hook: CommitHook): void {
    this.#active();
    this.#hooks.push(hook);
  }

  prepare(keys: readonly Uint8Array[]): Promise<void> | undefined {
    const missing = keys.filter((key) => {
      const k = latin1(key);
      return !this.#snapshot.has(k) && this.#db.writtenAfter(key, this.snapshotVersion);
    });
    return missing.length === 0 ? undefined : this.#load(missing);
  }

  async #load(keys: readonly Uint8Array[]): Promise<void> {
    await this.#db.settled();
    for (const key of keys) {
      const record = await this.#db.getAsOf(key, this.snapshotTimestamp);
      this.#snapshot.set(latin1(key), record === undefined || record.tombstone ? null : record);
    }
  }

  apply(writes: readonly Write[], scope: Scope, _at: number): Promise<number | null> {
    try {
      this.#active();
      for (const w of writes) {
        const k = latin1(w.key);
        if (!this.#reads.has(k)) this.#reads.set(k, w.key);
        // Deleting what the snapshot does not hold only undoes this transaction's own write.
        if (w.tombstone === true && this.#atSnapshot(w.key, k) === undefined) {
          this.#buffer.delete(k);
          continue;
        }
        const negativeZero = w.negativeZero === true;
        this.#buffer.set(
          k,
          w.tombstone === true
            ? { key: w.key, scope, negativeZero }
            : { key: w.key, scope, negativeZero, payload: encodeValue(w.value, negativeZero) },
        );
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return Promise.resolve(null);
  }

  /**
   * Live entries under `prefix` at the snapshot merged with this transaction's writes, in
   * ascending byte order; own writes are marked by `own`. Every key returned joins the read set
   * (a new key committed by others under the prefix is not detected: no phantom protection).
   */
  async scan(prefix: Uint8Array): Promise<ScanEntry[]> {
    this.#active();
    await this.#db.settled();
    const merged = new Map<string, ScanEntry>();
    for (const entry of await this.#db.scanAsOf(prefix, this.snapshotTimestamp)) merged.set(latin1(entry[0]), entry);
    const p = latin1(prefix);
    for (const [k, b] of this.#buffer) {
      if (!k.startsWith(p)) continue;
      const record = ownRecord(b);
      if (record === undefined) merged.delete(k);
      else merged.set(k, [b.key, record]);
    }
    const keys = [...merged.keys()].sort();
    return keys.map((k) => {
      const entry = merged.get(k) as ScanEntry;
      if (!this.#reads.has(k)) this.#reads.set(k, entry[0]);
      return entry;
    });
  }

  /**
   * Validates and commits every buffered write, with the registrations of spaces it writes to
   * first, as one commit; resolves to its version (the current version when nothing was
   * written: nothing is allocated). Afterwards the transaction is over, whatever the outcome.
   */
  async commit(at: number): Promise<number> {
    this.#active();
    this.#status = 'committed';
    try {
      if (this.#buffer.size === 0) return this.#db.version;
      // Validation and the commit happen in one synchronous step: no commit can come in between.
      let conflicts = 0;
      for (const key of this.#reads.values()) if (this.#db.writtenAfter(key, this.snapshotVersion)) conflicts++;
      for (const [k, b] of this.#buffer) if (!this.#reads.has(k) && this.#db.writtenAfter(b.key, this.snapshotVersion)) conflicts++;
      for (const hook of this.#hooks) if (hook.valid?.() === false) conflicts++;
      if (conflicts > 0) throw conflict(conflicts);
      if (this.#branches.require(this.branch) !== this.#node) throw err.branchNotFound(this.branch);
      const writes: Write[] = [];
      const registered = new Set<string>();
      for (const b of this.#buffer.values()) {
        const name = b.scope.space;
        if (!registered.has(name)) {
          registered.add(name);
          writes.push(...this.#spaces.registration(b.scope));
        }
      }
      for (const b of this.#buffer.values()) {
        writes.push(
          b.payload === undefined
            ? { key: b.key, tombstone: true }
            : { key: b.key, value: decodeValue(b.payload), negativeZero: b.negativeZero },
        );
      }
      const c = this.#db.commit(writes, at);
      const hooks = [...this.#hooks];
      for (const hook of hooks) hook.committed();
      try {
        await c.done;
      } catch (e) {
        for (const hook of hooks) hook.failed?.();
        throw e;
      }
      return c.version;
    } finally {
      this.#end();
    }
  }

  /** Discards every buffered write. */
  rollback(): void {
    this.#active();
    this.#status = 'rolled_back';
    this.#end();
  }

  #end(): void {
    this.#buffer.clear();
    this.#reads.clear();
    this.#snapshot.clear();
    this.#hooks.length = 0;
    this.#db.closeSnapshot(this.snapshotTimestamp);
  }
}

function conflict(n: number): StratumError {
  const reason = `transaction aborted: Validation failed: ${n} conflict(s)`;
  return new StratumError('TransactionConflict', reason, { reason, conflicts: n });
}
