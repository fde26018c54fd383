import { SYSTEM_SPACE_PREFIX } from '@stratum/core';
import { syncsEveryCommit } from '@stratum/durability';
import type { VersionInfo, VersionRef } from '@stratum/storage';
import { PRIMITIVE_OF } from './branch-items.js';
import type { BranchNode } from './branch-tree.js';
import type { BranchIndex } from './branches.js';
import type { Database } from './database.js';
import { checkPolicy, versionsToDrop, type RetentionPolicy } from './retention-policy.js';
import { readPins } from './retention-pins.js';

/** The user primitives retention reports on, in the order outputs list them. */
export const RETENTION_PRIMITIVES = ['kv', 'json', 'state', 'event', 'vector'] as const;
export type RetentionPrimitive = (typeof RETENTION_PRIMITIVES)[number];

export interface PrimitiveStats {
  items: number;
  versions: number;
  bytes: number;
}

/** What a branch stores of its own: items, versions (deletions included) and their stored bytes. */
export interface RetentionStats extends PrimitiveStats {
  byPrimitive: Record<RetentionPrimitive, PrimitiveStats>;
}

export interface PrimitiveDrops {
  versionsToDrop: number;
  bytesToFree: number;
}

/** What a retention run drops (a preview) or dropped (a run). */
export interface RetentionPreview extends PrimitiveDrops {
  byPrimitive: Record<RetentionPrimitive, PrimitiveDrops>;
}

const SYSTEM_SPACE = Buffer.from(SYSTEM_SPACE_PREFIX, 'utf8');

/** Keys read from storage per step: bounds memory on large branches. */
const PAGE_KEYS = 1_000;
/** Versions dropped per storage batch. */
const DROP_BATCH = 10_000;

/**
 * Retention (protocol §6.12): counting and dropping old versions of a branch's own items.
 *
 * Only the branch's own history is read and changed (a fork's view of its parent's history is
 * the parent's). Internal records (space registry, event log records, collection configs) and
 * hidden `_system_` spaces are neither counted nor dropped; events are counted, never dropped.
 * Preview and run share one plan, so a preview reports exactly what a run then drops.
 */
export class Retention {
  readonly #db: Database;
  readonly #branches: BranchIndex;

  constructor(db: Database, branches: BranchIndex) {
    this.#db = db;
    this.#branches = branches;
  }

  /** Items, versions and stored bytes of the branch's own user items, per primitive. */
  async stats(branch: string): Promise<RetentionStats> {
    const node = this.#branches.require(branch);
    const byPrimitive = perPrimitive(() => ({ items: 0, versions: 0, bytes: 0 }));
    await this.#walk(node, (primitive, _key, versions) => {
      const s = byPrimitive[primitive];
      s.items++;
      s.versions += versions.length;
      for (const v of versions) s.bytes += v.size;
    });
    return { ...sum(byPrimitive, ['items', 'versions', 'bytes']), byPrimitive };
  }

  /** What {@link apply} with the same policy would drop now, changing nothing. */
  async preview(branch: string, policy: unknown, at: number): Promise<RetentionPreview> {
    return this.#run(branch, policy, at, false);
  }

  /**
   * Drops the versions the policy does not keep, in batches; resolves to what was dropped.
   * The plan sees each item as of the run's start: versions committed later are neither counted
   * nor dropped, and whatever starts reading meanwhile (a fork, a merge, a transaction) reads
   * as of the start or later, where the plan keeps the newest version. So the run needs no lock.
   */
  async apply(branch: string, policy: unknown, at: number): Promise<RetentionPreview> {
    return this.#run(branch, policy, at, true);
  }

  async #run(branch: string, policy: unknown, at: number, drop: boolean): Promise<RetentionPreview> {
    const checked = checkPolicy(policy);
    const node = this.#branches.require(branch);
    const start = this.#db.timestamp;
    const pins = await readPins(this.#db, node);
    const byPrimitive = perPrimitive(() => ({ versionsToDrop: 0, bytesToFree: 0 }));
    const sync = syncsEveryCommit(this.#db.durability);
    let pending: VersionRef[] = [];
    await this.#walk(
      node,
      (primitive, key, versions) => {
        if (primitive === 'event') return;
        const d = byPrimitive[primitive];
        const planned = upTo(versions, start);
        for (const i of versionsToDrop(planned, checked, at, pins)) {
          const v = versions[i] as VersionInfo;
          d.versionsToDrop++;
          d.bytesToFree += v.size;
          if (drop) pending.push({ key, version: v.version });
        }
      },
      async () => {
        if (pending.length < DROP_BATCH) return;
        await this.#db.store.dropVersions(pending, { sync });
        pending = [];
      },
    );
    if (pending.length > 0) await this.#db.store.dropVersions(pending, { sync });
    return { ...sum(byPrimitive, ['versionsToDrop', 'bytesToFree']), byPrimitive };
  }

  /**
   * Visits every user item the branch holds versions of, in key order, a page at a time;
   * `afterPage` runs between pages.
   */
  async #walk(
    node: BranchNode,
    visit: (primitive: RetentionPrimitive, key: Uint8Array, versions: readonly VersionInfo[]) => void,
    afterPage?: () => Promise<void>,
  ): Promise<void> {
    const prefix = this.#db.tree.prefixOf(node);
    await this.#db.settled();
    let after: Uint8Array | undefined;
    for (;;) {
      const page = await this.#db.store.scanVersions(prefix, { limit: PAGE_KEYS, ...(after !== undefined ? { after } : {}) });
      for (const [key, versions] of page) {
        const primitive = primitiveOf(key, prefix.length);
        if (primitive !== undefined) visit(primitive, key, versions);
      }
      if (afterPage !== undefined) await afterPage();
      const last = page[page.length - 1];
      if (last === undefined || page.length < PAGE_KEYS) return;
      after = last[0];
    }
  }
}

export { checkPolicy, type RetentionPolicy };

/** The user primitive of a stored key (`space 0x00 tag userKey` after the branch prefix); undefined for internal records. */
function primitiveOf(key: Uint8Array, skip: number): RetentionPrimitive | undefined {
  const sep = key.indexOf(0, skip);
  if (sep < 0 || sep + 1 >= key.length) return undefined;
  if (sep - skip >= SYSTEM_SPACE.length && Buffer.compare(key.subarray(skip, skip + SYSTEM_SPACE.length), SYSTEM_SPACE) === 0) return undefined;
  const primitive = PRIMITIVE_OF[key[sep + 1] as number];
  // Collection configs are internal to retention: neither counted nor dropped.
  return primitive === 'collection' ? undefined : primitive;
}

/** The leading versions (oldest first) written at or before `ts`. */
function upTo(versions: readonly VersionInfo[], ts: number): readonly VersionInfo[] {
  let n = versions.length;
  while (n > 0 && (versions[n - 1] as VersionInfo).timestamp > ts) n--;
  return n === versions.length ? versions : versions.slice(0, n);
}

function perPrimitive<T>(make: () => T): Record<RetentionPrimitive, T> {
  return { kv: make(), json: make(), state: make(), event: make(), vector: make() };
}

/** The totals of `fields` over every primitive, in the order given. */
function sum<K extends string>(byPrimitive: Record<RetentionPrimitive, Record<K, number>>, fields: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const f of fields) {
    let n = 0;
    for (const p of RETENTION_PRIMITIVES) n += byPrimitive[p][f];
    out[f] = n;
  }
  return out;
}
