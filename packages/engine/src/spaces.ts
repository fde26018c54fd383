import {
  DEFAULT_SPACE, SYSTEM_SPACE_PREFIX, TypeTag, err, itemKey, namespacePrefix, tagPrefix,
} from '@stratum/core';
import type { BranchIndex } from './branches.js';
import { compareBytes } from './branches.js';
import type { Database, Write } from './database.js';
import { Scope } from './scope.js';

export interface SpaceCounts {
  kv: number;
  json: number;
  state: number;
  events: number;
  collections: number;
  vectors: number;
}

export interface SpaceInfo {
  name: string;
  createdAt: number;
  counts: SpaceCounts;
}

/** The registry prefix of a branch: its default space, Space tag (as the spaces seed lays it out). */
const registryPrefix = (branch: string): Buffer => tagPrefix(branch, DEFAULT_SPACE, TypeTag.Space);

/**
 * The space registry of each branch. A space is registered by the same commit as its first
 * write; `default` always exists and is never registered.
 */
export class SpaceIndex {
  readonly #db: Database;
  readonly #branches: BranchIndex;
  readonly #onDelete: ((branchId: string, space: string) => void)[] = [];

  constructor(db: Database, branches: BranchIndex) {
    this.#db = db;
    this.#branches = branches;
  }

  #key(branch: string, space: string): Buffer {
    return itemKey(registryPrefix(this.#branches.require(branch).id), space);
  }

  exists(branch: string, space: string): boolean {
    return space === DEFAULT_SPACE || this.#db.read(this.#key(branch, space)) !== undefined;
  }

  /** The writes that register `scope.space` if it is not registered yet: add them to the commit of its first change. */
  registration(scope: Scope): Write[] {
    if (this.exists(scope.branch, scope.space)) return [];
    return [{ key: this.#key(scope.branch, scope.space), value: {} }];
  }

  async create(branch: string, space: string, at: number): Promise<void> {
    const writes = this.registration(new Scope(this.#branches, branch, space));
    if (writes.length > 0) await this.#db.commit(writes, at).done;
  }

  /** The branch's spaces in ascending byte order, `default` in its sorted place, `_system_*` hidden. */
  async list(branch: string): Promise<string[]> {
    this.#branches.require(branch);
    await this.#db.settled();
    const prefix = registryPrefix(this.#branches.require(branch).id);
    const names = (await this.#db.scan(prefix))
      .map(([key]) => Buffer.from(key.subarray(prefix.length)).toString('utf8'))
      .filter((name) => !name.startsWith(SYSTEM_SPACE_PREFIX));
    names.push(DEFAULT_SPACE);
    return names.sort(compareBytes);
  }

  async info(branch: string, space: string): Promise<SpaceInfo> {
    const scope = new Scope(this.#branches, branch, space);
    let createdAt: number;
    if (space === DEFAULT_SPACE) {
      createdAt = this.#branches.createdAt(branch);
    } else {
      const record = this.#db.read(this.#key(branch, space));
      if (record === undefined) throw err.spaceNotFound(space, branch);
      createdAt = record.timestamp;
    }
    await this.#db.settled();
    const count = (tag: (typeof TypeTag)[keyof typeof TypeTag]) => this.#db.count(scope.prefix(tag));
    const [kv, json, state, events, collections, vectors] = await Promise.all([
      count(TypeTag.Kv), count(TypeTag.Json), count(TypeTag.State),
      count(TypeTag.Event), count(TypeTag.VectorConfig), count(TypeTag.Vector),
    ]);
    return { name: space, createdAt, counts: { kv, json, state, events, collections, vectors } };
  }

  /**
   * Deletes a space. Without `force` it must be empty; with it, every item of every primitive in
   * the space goes in the same commit as the registry record. Deleting a missing space succeeds.
   */
  async delete(branch: string, space: string, force: boolean, at: number): Promise<void> {
    const scope = new Scope(this.#branches, branch, space);
    if (space === DEFAULT_SPACE) throw err.constraint('Cannot delete the default space', { space });
    const prefix = namespacePrefix(scope.id, scope.space);
    // Writes to the branch committed while storage was scanned would escape the delete: scan again
    // until none came, then commit with no await in between.
    let items;
    let before;
    do {
      before = this.#db.branchVersion(scope.id);
      items = await this.#db.scan(prefix, force ? {} : { limit: 1 });
    } while (this.#db.branchVersion(scope.id) !== before);
    if (items.length > 0 && !force) {
      throw err.constraint(`Space '${space}' is not empty. Use force=true to delete anyway.`, { space });
    }
    const writes: Write[] = items.map(([key]) => ({ key, tombstone: true }));
    if (this.exists(branch, space)) writes.push({ key: this.#key(branch, space), tombstone: true });
    if (writes.length > 0) await this.#db.commit(writes, at).done;
    for (const listener of this.#onDelete) listener(scope.id, space);
  }

  /** Registers what must forget a space when it is deleted (in-memory indexes, caches); it gets the branch's storage id. */
  onDelete(listener: (branchId: string, space: string) => void): void {
    this.#onDelete.push(listener);
  }

  /** Number of spaces across every branch, `default` of each included. */
  async countAll(branches: readonly string[]): Promise<number> {
    let total = 0;
    for (const b of branches) total += (await this.list(b)).length;
    return total;
  }
}

