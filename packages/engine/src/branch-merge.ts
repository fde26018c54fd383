import { StratumError, err, itemKey } from '@stratum/core';
import type { VersionedRecord } from '@stratum/storage';
import { byPrimitiveThenKey, candidateItems, commonAncestor, itemOf, keyIn, sameItem, type ItemRef, type Primitive } from './branch-items.js';
import type { BranchNode } from './branch-tree.js';
import { MERGE_PREFIX, compareBytes, type BranchIndex } from './branches.js';
import type { Database, Write } from './database.js';
import { eventKey, eventLogKey } from './event-keys.js';
import { latin1 } from './group-commit.js';
import { hasNegativeZero, mergedRecord } from './merge-records.js';
import { Scope } from './scope.js';
import { collectionPrefix } from './vector/records.js';
import type { EventLog, EventRecord } from './event.js';
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
      const before = this.#db.version;
      const plan = await this.#plan(source, target);
      // A commit while the plan was read may have changed either side: read again.
      if (this.#db.version !== before) continue;
      const conflicts = plan.conflicts.sort(byPrimitiveThenKey);
      if (strategy === 'strict' && conflicts.length > 0) {
        const reason = `Merge conflict: ${conflicts.length} item(s) changed on both '${sourceName}' and '${targetName}'`;
        throw new StratumError('Conflict', reason, { reason, conflicts: conflicts.length });
      }
      const spacesMerged = [...plan.spaces].sort(compareBytes);
      const writes = [...plan.writes];
      for (const space of spacesMerged) writes.push(...this.#spaces.registration(this.#scope(targetName, space)));
      writes.push({ key: mergeKey(source, target), value: { source: source.id } });
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
    const base = this.#base(source, target);
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
    for (const space of eventSpaces) {
      const appended = await this.#eventWrites(source, target, space, base);
      if (appended.count > 0) {
        writes.push(...appended.writes);
        applied += appended.count;
        spaces.add(space);
      }
    }
    return { writes, conflicts, spaces, applied, deleted };
  }

  /** The source's events since the base, appended after the target's with the target's next sequences. */
  async #eventWrites(source: BranchNode, target: BranchNode, space: string, base: Base | undefined): Promise<{ writes: Write[]; count: number }> {
    const sourceScope = this.#scope(source.name as string, space);
    const targetScope = this.#scope(target.name as string, space);
    let from = 0;
    if (base !== undefined) {
      const log = live(await this.#db.getAsOf(eventLogKey(sourceScope), base.timestamp));
      from = log === undefined ? 0 : (log.value as { next: number }).next;
    }
    const to = this.#events.len(sourceScope);
    const first = this.#events.len(targetScope);
    let next = first;
    const writes: Write[] = [];
    for (let seq = from; seq < to; seq++) {
      const record = this.#db.read(eventKey(sourceScope, seq))?.value as EventRecord | undefined;
      if (record === undefined) continue;
      writes.push(...this.#events.eventWrites(targetScope, next++, record.type, record.payload, hasNegativeZero(record.payload)));
    }
    if (writes.length > 0) writes.push(this.#events.logWrite(targetScope, next));
    return { writes, count: next - first };
  }

  /** The latest recorded merge between the two, else their fork point, else none. */
  #base(source: BranchNode, target: BranchNode): Base | undefined {
    const recorded = this.#db.read(mergeKey(source, target));
    if (recorded !== undefined) {
      const id = (recorded.value as { source: string }).source;
      const node = this.#db.tree.byId(id);
      if (node !== undefined) return { node, timestamp: recorded.timestamp };
    }
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
