import { StratumError, err, itemKey } from '@stratum/core';
import type { VersionedRecord } from '@stratum/storage';
import { byPrimitiveThenKey, candidateItems, commonAncestor, itemOf, keyIn, sameItem, type ItemRef, type Primitive } from './branch-items.js';
import type { BranchNode } from './branch-tree.js';
import { MERGE_PREFIX, compareBytes, type BranchIndex } from './branches.js';
import type { Database, Write } from './database.js';
import { eventLogKey } from './event-keys.js';
import type { EventLog } from './event.js';
import { latin1 } from './group-commit.js';
import { mergedEvents, withRange, type KnownEvents } from './merge-events.js';
import { hasNegativeZero, mergedRecord } from './merge-records.js';
import { Scope } from './scope.js';
import { collectionPrefix } from './vector/records.js';
import type { SpaceIndex } from './spaces.js';

export interface DiffEntry {
  primitive: Primitive;
  key: string;
}

export interface SpaceDiff {
  space: string;
  added: DiffEntry[];
  removed: DiffEntry[];
  modified: DiffEntry[];
}

export interface BranchDiff {
  branchA: string;
  branchB: string;
  spaces: SpaceDiff[];
  summary: { added: number; removed: number; modified: number };
}

export interface MergeResult {
  source: string;
  target: string;
  keysApplied: number;
  keysDeleted: number;
  conflicts: { space: string; primitive: string; key: string }[];
  spacesMerged: string[];
}

export type MergeStrategy = 'strict' | 'last_writer_wins';

/** Where a merge compares from: a branch as of a moment; undefined when the two share no history. */
interface Base {
  readonly node: BranchNode;
  readonly timestamp: number;
}

const entryOf = (item: ItemRef): DiffEntry => ({ primitive: item.primitive, key: item.key });

/** Branch diff and three-way merge over the fork tree. */
export class BranchMerger {
  readonly #db: Database;
  readonly #branches: BranchIndex;
  readonly #spaces: SpaceIndex;
  readonly #events: EventLog;
  readonly #onMerged: (target: BranchNode) => void;

  constructor(db: Database, branches: BranchIndex, spaces: SpaceIndex, events: EventLog, onMerged: (target: BranchNode) => void) {
    this.#db = db;
    this.#branches = branches;
    this.#spaces = spaces;
    this.#events = events;
    this.#onMerged = onMerged;
  }

  /** The items that differ between two branches' current data, per space. */
  async diff(branchA: string, branchB: string, space?: string): Promise<BranchDiff> {
    const a = this.#branches.require(branchA);
    const b = this.#branches.require(branchB);
    const bySpace = new Map<string, { added: ItemRef[]; removed: ItemRef[]; modified: ItemRef[] }>();
    for (const suffix of await candidateItems(this.#db, a, b, space)) {
      const item = itemOf(suffix);
      if (item === undefined) continue;
      const ra = this.#db.read(keyIn(this.#db, a, suffix));
      const rb = this.#db.read(keyIn(this.#db, b, suffix));
      if (sameItem(item.tag, ra, rb)) continue;
      let lists = bySpace.get(item.space);
      if (lists === undefined) bySpace.set(item.space, (lists = { added: [], removed: [], modified: [] }));
      (ra === undefined ? lists.added : rb === undefined ? lists.removed : lists.modified).push(item);
    }
    const summary = { added: 0, removed: 0, modified: 0 };
    const spaces = [...bySpace.keys()].sort(compareBytes).map((name) => {
      const l = bySpace.get(name) as { added: ItemRef[]; removed: ItemRef[]; modified: ItemRef[] };
      summary.added += l.added.length;
      summary.removed += l.removed.length;
      summary.modified += l.modified.length;
      const sorted = (items: ItemRef[]) => items.sort(byPrimitiveThenKey).map(entryOf);
      return { space: name, added: sorted(l.added), removed: sorted(l.removed), modified: sorted(l.modified) };
    });
    return { branchA, branchB, spaces, summary };
  }

  /**
   * Applies the changes `source` made since the merge base to `target`, in one commit: items
   * changed only on the source are copied, items changed on both sides to different values are
   * conflicts, and the source's new events are appended to the target's logs.
   */
  async merge(sourceName: string, targetName: string, strategy: MergeStrategy, at: number): Promise<MergeResult> {
    const source = this.#branches.require(sourceName);
    const target = this.#branches.require(targetName);
    if (source === target) throw err.invalidInput('Cannot merge a branch into itself', { source: sourceName, target: targetName });
    for (;;) {
      const before = [this.#db.branchVersion(source.id), this.#db.branchVersion(target.id)];
      const plan = await this.#plan(source, target);
      // Either branch deleted (perhaps re-created) while the plan was read: nothing to merge.
      if (this.#branches.lookup(sourceName) !== source) throw err.branchNotFound(sourceName);
      if (this.#branches.lookup(targetName) !== target) throw err.branchNotFound(targetName);
      // A commit to either side while the plan was read may have changed it: read again.
      if (this.#db.branchVersion(source.id) !== before[0] || this.#db.branchVersion(target.id) !== before[1]) continue;
      const conflicts = plan.conflicts.sort(byPrimitiveThenKey);
      if (strategy === 'strict' && conflicts.length > 0) {
        const reason = `Merge conflict: ${conflicts.length} item(s) changed on both '${sourceName}' and '${targetName}'`;
        throw new StratumError('Conflict', reason, { reason, conflicts: conflicts.length });
      }
      const spacesMerged = [...plan.spaces].sort(compareBytes);
      const writes = [...plan.writes];
      for (const space of spacesMerged) writes.push(...this.#spaces.registration(this.#scope(targetName, space)));
      writes.push({ key: mergeKey(source, target), value: { source: source.id, events: plan.known } });
      const c = this.#db.commit(writes, at);
      this.#onMerged(target);
      await c.done;
      return {
        source: sourceName,
        target: targetName,
        keysApplied: plan.applied,
        keysDeleted: plan.deleted,
        conflicts: conflicts.map((i) => ({ space: i.space, primitive: i.primitive, key: i.key })),
        spacesMerged,
      };
    }
  }

  #scope(branch: string, space: string): Scope {
    return new Scope(this.#branches, branch, space);
  }

  async #plan(source: BranchNode, target: BranchNode) {
    const db = this.#db;
    const recorded = this.#recorded(source, target);
    const fork = this.#forkBase(source, target);
    const base = recorded?.base ?? fork;
    const writes: Write[] = [];
    const conflicts: ItemRef[] = [];
    const spaces = new Set<string>();
    const eventSpaces = new Set<string>();
    const planned = new Set<string>();
    const replaced: ItemRef[] = [];
    let applied = 0;
    let deleted = 0;
    for (const suffix of await candidateItems(db, source, target)) {
      const item = itemOf(suffix);
      if (item === undefined) continue;
      if (item.primitive === 'event') {
        eventSpaces.add(item.space);
        continue;
      }
      const fromBase = base === undefined ? undefined : live(await db.getAsOf(keyIn(db, base.node, suffix), base.timestamp));
      const fromSource = db.read(keyIn(db, source, suffix));
      if (sameItem(item.tag, fromSource, fromBase)) continue;
      const fromTarget = db.read(keyIn(db, target, suffix));
      if (sameItem(item.tag, fromTarget, fromSource)) continue;
      if (!sameItem(item.tag, fromTarget, fromBase)) conflicts.push(item);
      const key = keyIn(db, target, suffix);
      planned.add(suffix);
      if (item.primitive === 'collection') replaced.push(item);
      if (fromSource === undefined) {
        writes.push({ key, tombstone: true });
        deleted++;
      } else {
        const value = mergedRecord(item.tag, fromSource.value, fromTarget);
        writes.push({ key, value, negativeZero: hasNegativeZero(value) });
        applied++;
      }
      spaces.add(item.space);
    }
    // A collection the source deleted or re-created replaces the target's: no vector of the
    // target's collection that the source lacks may outlive it (it could have another dimension).
    for (const item of replaced) {
      const prefix = collectionPrefix(this.#scope(target.name as string, item.space), item.key);
      const skip = db.tree.prefixOf(target).length;
      for (const [key] of await db.scan(prefix)) {
        const suffix = latin1(key.subarray(skip));
        if (planned.has(suffix) || db.read(keyIn(db, source, suffix)) !== undefined) continue;
        writes.push({ key, tombstone: true });
        deleted++;
      }
    }
    const known: KnownEvents = structuredClone(recorded?.known ?? {});
    for (const space of eventSpaces) {
      const sourceScope = this.#scope(source.name as string, space);
      const targetScope = this.#scope(target.name as string, space);
      const shared = fork === undefined ? 0 : await this.#logLength(fork, eventLogKey(sourceScope).subarray(source.prefix.length));
      const appended = mergedEvents(db, this.#events, sourceScope, targetScope, shared, known[source.id]?.[space]);
      (known[source.id] ??= {})[space] = withRange(known[source.id]?.[space], ...appended.sent);
      (known[target.id] ??= {})[space] = withRange(known[target.id]?.[space], ...appended.received);
      if (appended.count > 0) {
        writes.push(...appended.writes);
        applied += appended.count;
        spaces.add(space);
      }
    }
    return { writes, conflicts, spaces, applied, deleted, known };
  }

  /** The length of a log (given by its key without the branch id) in a branch as of a moment. */
  async #logLength(at: Base, logSuffix: Uint8Array): Promise<number> {
    const log = live(await this.#db.getAsOf(Buffer.concat([at.node.prefix, logSuffix]), at.timestamp));
    return log === undefined ? 0 : (log.value as { next: number }).next;
  }

  /** The latest recorded merge between the two: the base it sets and what it knows of their logs. */
  #recorded(source: BranchNode, target: BranchNode): { base: Base | undefined; known: KnownEvents } | undefined {
    const record = this.#db.read(mergeKey(source, target));
    if (record === undefined) return undefined;
    const value = record.value as { source: string; events?: KnownEvents };
    const node = this.#db.tree.byId(value.source);
    return { base: node === undefined ? undefined : { node, timestamp: record.timestamp }, known: value.events ?? {} };
  }

  /** The nearest point of the fork tree both branches share: their common ancestor as of the first fork off it. */
  #forkBase(source: BranchNode, target: BranchNode): Base | undefined {
    const top = commonAncestor(this.#db, source, target);
    if (top === undefined) return undefined;
    let timestamp = Infinity;
    for (const start of [source, target]) {
      let n = start;
      while (n !== top && n.parent !== undefined && n.parent !== top) n = n.parent;
      if (n !== top) timestamp = Math.min(timestamp, n.forkTimestamp);
    }
    return { node: top, timestamp };
  }
}

/** The one record of the latest merge between two branches, whichever way it went. */
function mergeKey(a: BranchNode, b: BranchNode): Buffer {
  const [x, y] = [a.id, b.id].sort();
  return itemKey(MERGE_PREFIX, `${x}/${y}`);
}

const live = (r: VersionedRecord | undefined): VersionedRecord | undefined => (r === undefined || r.tombstone ? undefined : r);
