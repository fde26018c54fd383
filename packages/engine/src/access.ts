import type { VersionedRecord } from '@stratum/storage';
import type { Database, Write } from './database.js';
import type { Scope } from './scope.js';
import type { SpaceIndex } from './spaces.js';

/**
 * What a primitive's write builders read through and write to: the database directly (each
 * command its own commit) or an open transaction (snapshot reads, buffered writes). Builders
 * read and write in one synchronous step; `prepare` is the only await, before that step.
 */
export interface Access {
  /** Latest live record of `key` as this access sees it, undefined when absent. */
  read(key: Uint8Array): VersionedRecord | undefined;
  /** Whether `read(key)` answers with this access's own uncommitted write (reported with null versions). */
  own(key: Uint8Array): boolean;
  /**
   * Makes `read` of these keys synchronous; undefined when it already is (the direct access,
   * whose callers then stay synchronous up to their commit).
   */
  prepare(keys: readonly Uint8Array[]): Promise<void> | undefined;
  /** Writes to `scope` (registering the space with its first change): the commit version, or null while buffered. */
  apply(writes: readonly Write[], scope: Scope, at: number): Promise<number | null>;
}

/** The database itself: reads see queued commits, and every `apply` is one commit. */
export class DirectAccess implements Access {
  readonly #db: Database;
  readonly #spaces: SpaceIndex;

  constructor(db: Database, spaces: SpaceIndex) {
    this.#db = db;
    this.#spaces = spaces;
  }

  read(key: Uint8Array): VersionedRecord | undefined {
    return this.#db.read(key);
  }

  own(): boolean {
    return false;
  }

  prepare(): undefined {
    return undefined;
  }

  apply(writes: readonly Write[], scope: Scope, at: number): Promise<number | null> {
    let c;
    try {
      const registration = this.#spaces.registration(scope);
      c = this.#db.commit(registration.length === 0 ? writes : [...writes, ...registration], at);
    } catch (e) {
      return Promise.reject(e);
    }
    const version = c.version;
    return c.done.then(() => version);
  }
}

/** Runs `step` once `access` has prepared `keys`: synchronously when nothing needs loading. */
export function prepared<T>(access: Access, keys: readonly Uint8Array[], step: () => Promise<T>): Promise<T> {
  const ready = access.prepare(keys);
  return ready === undefined ? step() : ready.then(step);
}
