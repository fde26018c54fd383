import { DEFAULT_BRANCH, DEFAULT_SPACE, StratumError, TypeTag, err, isNonArrayObject, itemKey, tagPrefix, userKeyOf, validateBranchName } from '@stratum/core';
import type { VersionedRecord } from '@stratum/storage';
import type { BranchNode } from './branch-tree.js';
import type { Database } from './database.js';

/**
 * Branch records live outside every branch, in a namespace no branch id can take (ids are
 * "default" or start with "b"), so writing one never copies anything into a fork.
 */
const SYSTEM_ID = '~';
export const RECORD_PREFIX = tagPrefix(SYSTEM_ID, DEFAULT_SPACE, TypeTag.Branch);
export const MERGE_PREFIX = tagPrefix(SYSTEM_ID, DEFAULT_SPACE, TypeTag.Merge);

/** The stored record of a branch, keyed by its storage id. */
interface BranchRecord {
  /** null once deleted: the data stays while forks still read it. */
  readonly name: string | null;
  readonly parent: string | null;
  readonly parentName: string | null;
  readonly forkVersion: number;
  readonly forkTimestamp: number;
  readonly createdAt: number;
  readonly version: number;
}

/** What `BranchGet` and `BranchList` report of a branch. */
export interface BranchInfo {
  readonly name: string;
  readonly createdAt: number;
  readonly parentName: string | null;
  readonly forkVersion: number | null;
  /** Commit version and time of the branch's creation. */
  readonly version: number;
  readonly timestamp: number;
}

const recordKey = (id: string): Buffer => itemKey(RECORD_PREFIX, id);

/**
 * The branch index: names to storage ids, the fork tree, and the lifecycle (create, fork,
 * delete). `default` always exists and has no record. The in-memory index changes in the same
 * synchronous step as the commit that stores the change, so commands that follow see it.
 */
export class BranchIndex {
  readonly #db: Database;
  readonly #byName = new Map<string, BranchNode>();
  readonly #records = new Map<string, BranchRecord>();
  readonly #onDelete: ((node: BranchNode) => void)[] = [];

  constructor(db: Database) {
    this.#db = db;
    this.#byName.set(DEFAULT_BRANCH, db.tree.byId(DEFAULT_BRANCH) as BranchNode);
  }

  /** Loads every branch record (done once, at open; the number of branches is small). */
  async load(): Promise<void> {
    const entries = (await this.#db.scan(RECORD_PREFIX)).map(([key, r]) => [userKeyOf(RECORD_PREFIX, key), readRecord(r)] as const);
    // Parents were created before their forks: in version order every parent is there first.
    entries.sort((a, b) => a[1].version - b[1].version);
    for (const [id, record] of entries) this.#adopt(id, record);
  }

  #adopt(id: string, record: BranchRecord): BranchNode {
    const parent = record.parent === null ? undefined : this.#db.tree.byId(record.parent);
    const node = this.#db.tree.add(id, record.name ?? undefined, parent, record.forkVersion, record.forkTimestamp);
    this.#records.set(id, record);
    if (record.name !== null) this.#byName.set(record.name, node);
    return node;
  }

  exists(name: string): boolean {
    return this.#byName.has(name);
  }

  /** The branch named `name`; BranchNotFound when there is none. */
  require(name: string): BranchNode {
    const node = this.#byName.get(name);
    if (node === undefined) throw err.branchNotFound(name);
    return node;
  }

  lookup(name: string): BranchNode | undefined {
    return this.#byName.get(name);
  }

  /** When the branch was created (µs). */
  createdAt(name: string): number {
    const node = this.require(name);
    return node.id === DEFAULT_BRANCH ? this.#db.createdAt : (this.#records.get(node.id) as BranchRecord).createdAt;
  }

  info(name: string): BranchInfo | undefined {
    const node = this.#byName.get(name);
    if (node === undefined) return undefined;
    if (node.id === DEFAULT_BRANCH) {
      return { name, createdAt: this.#db.createdAt, parentName: null, forkVersion: null, version: 0, timestamp: this.#db.createdAt };
    }
    const r = this.#records.get(node.id) as BranchRecord;
    return {
      name,
      createdAt: r.createdAt,
      parentName: r.parentName,
      forkVersion: r.parent === null ? null : r.forkVersion,
      version: r.version,
      timestamp: r.createdAt,
    };
  }

  /** Names of every branch, `default` included, in ascending byte order. */
  async list(): Promise<string[]> {
    return [...this.#byName.keys()].sort(compareBytes);
  }

  /** Creates an empty branch (a random name when none is given); BranchExists when the name is taken. */
  async create(name: string | undefined, at: number): Promise<BranchInfo> {
    const chosen = name ?? this.#db.ids();
    validateBranchName(chosen);
    if (this.exists(chosen)) throw branchExists(chosen);
    return this.#add(chosen, undefined, at);
  }

  /** Creates `destination` seeing `source` as it is now (copy-on-write: nothing is copied). */
  async fork(source: string, destination: string, at: number): Promise<BranchInfo> {
    const parent = this.require(source);
    validateBranchName(destination);
    if (this.exists(destination)) throw branchExists(destination);
    return this.#add(destination, parent, at);
  }

  /** A storage id no branch has used: versions only grow, and this one is taken from the commits. */
  reserveId(): string {
    return `b${this.#db.reserveVersion().toString(36)}`;
  }

  /** Registers a branch whose data was stored under `id` already (an import); its record comes last. */
  async adoptImported(id: string, name: string, createdAt: number, at: number): Promise<BranchInfo> {
    return this.#add(name, undefined, at, id, createdAt);
  }

  async #add(name: string, parent: BranchNode | undefined, at: number, reserved?: string, createdAt?: number): Promise<BranchInfo> {
    // The commit below takes the next version, synchronously: no other branch can have used it.
    const id = reserved ?? `b${(this.#db.version + 1).toString(36)}`;
    const value = { name, parent: parent?.id ?? null, parentName: parent?.name ?? null, ...(createdAt !== undefined ? { createdAt } : {}) };
    const c = this.#db.commit([{ key: recordKey(id), value }], at);
    const record: BranchRecord = { ...value, forkVersion: c.version, forkTimestamp: c.timestamp, createdAt: createdAt ?? c.timestamp, version: c.version };
    const node = this.#adopt(id, record);
    try {
      await c.done;
    } catch (e) {
      this.#forget(node);
      throw e;
    }
    return this.info(name) as BranchInfo;
  }

  /**
   * Deletes a branch: its name is free at once; its data (every space, the registry, vector
   * collections) is removed, unless forks still read it, in which case it stays until they go.
   */
  async delete(name: string, at: number): Promise<void> {
    if (name === DEFAULT_BRANCH) throw err.constraint('Cannot delete the default branch', { branch: name });
    const node = this.require(name);
    const record = this.#records.get(node.id) as BranchRecord;
    const kept = node.children.size > 0;
    const key = recordKey(node.id);
    const c = this.#db.commit([kept ? { key, value: { ...record, name: null } } : { key, tombstone: true }], at);
    this.#byName.delete(name);
    node.name = undefined;
    for (const listener of this.#onDelete) listener(node);
    if (kept) {
      this.#records.set(node.id, { ...record, name: null });
      await c.done;
      return;
    }
    await c.done;
    await this.#drop(node, at);
  }

  /**
   * Removes a deleted branch's data and the records of its merges, then that of deleted
   * ancestors no fork needs any more. A branch already dropped (by a concurrent delete) is left.
   */
  async #drop(node: BranchNode, at: number): Promise<void> {
    if (!this.#db.tree.has(node)) return;
    const parent = node.parent;
    this.#forget(node);
    const merges = (await this.#db.scan(MERGE_PREFIX))
      .filter(([key]) => userKeyOf(MERGE_PREFIX, key).split('/').includes(node.id))
      .map(([key]) => ({ key, tombstone: true }));
    if (merges.length > 0) await this.#db.commit(merges, at).done;
    await this.#db.settled();
    await this.#db.store.clear(node.prefix);
    if (parent !== undefined && parent.name === undefined && parent.children.size === 0 && this.#db.tree.has(parent)) {
      await this.#db.commit([{ key: recordKey(parent.id), tombstone: true }], at).done;
      await this.#drop(parent, at);
    }
  }

  #forget(node: BranchNode): void {
    this.#db.tree.remove(node);
    this.#records.delete(node.id);
    if (node.name !== undefined && this.#byName.get(node.name) === node) this.#byName.delete(node.name);
  }

  /** Registers what must forget a deleted branch (in-memory indexes, caches). */
  onDelete(listener: (node: BranchNode) => void): void {
    this.#onDelete.push(listener);
  }
}

/**
 * A stored record. The first one leaves fork point, creation and version to the record's own
 * commit (which the index learns only as it commits); a rewrite (a deletion kept for forks)
 * restates them.
 */
function readRecord(r: VersionedRecord): BranchRecord {
  const v = r.value;
  if (!isNonArrayObject(v) || (typeof v['name'] !== 'string' && v['name'] !== null)) throw err.serialization('malformed branch record');
  const num = (field: string, fallback: number): number => (typeof v[field] === 'number' ? (v[field] as number) : fallback);
  return {
    name: v['name'] as string | null,
    parent: typeof v['parent'] === 'string' ? v['parent'] : null,
    parentName: typeof v['parentName'] === 'string' ? v['parentName'] : null,
    forkVersion: num('forkVersion', r.version),
    forkTimestamp: num('forkTimestamp', r.timestamp),
    createdAt: num('createdAt', r.timestamp),
    version: num('version', r.version),
  };
}

/** The refusal of a name in use (create, fork destination, import). */
export const branchExists = (name: string): StratumError =>
  new StratumError('BranchExists', `Branch '${name}' already exists`, { branch: name });

/** Ascending UTF-8 byte order (JavaScript's `<` compares UTF-16 code units instead). */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
