import { DEFAULT_BRANCH, DEFAULT_SPACE, TypeTag, err, itemKey, tagPrefix } from '@stratum/core';
import type { Database } from './database.js';

/** Branch records live in the default branch's default space under the Branch tag. */
const BRANCH_PREFIX = tagPrefix(DEFAULT_BRANCH, DEFAULT_SPACE, TypeTag.Branch);

export const branchKey = (name: string): Buffer => itemKey(BRANCH_PREFIX, name);

/** The branch index. `default` always exists and has no record of its own. */
export class BranchIndex {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  exists(name: string): boolean {
    return name === DEFAULT_BRANCH || this.#db.read(branchKey(name)) !== undefined;
  }

  /** Throws BranchNotFound unless `name` exists. */
  require(name: string): void {
    if (!this.exists(name)) throw err.branchNotFound(name);
  }

  /** When the branch was created (µs). */
  createdAt(name: string): number {
    if (name === DEFAULT_BRANCH) return this.#db.createdAt;
    const record = this.#db.read(branchKey(name));
    if (record === undefined) throw err.branchNotFound(name);
    return record.timestamp;
  }

  /** Names of every branch, `default` included, in ascending byte order. */
  async list(): Promise<string[]> {
    await this.#db.settled();
    const names = (await this.#db.store.scan(BRANCH_PREFIX)).map(([key]) =>
      Buffer.from(key.subarray(BRANCH_PREFIX.length)).toString('utf8'),
    );
    if (!names.includes(DEFAULT_BRANCH)) names.push(DEFAULT_BRANCH);
    return names.sort(compareBytes);
  }
}

/** Ascending UTF-8 byte order (JavaScript's `<` compares UTF-16 code units instead). */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
