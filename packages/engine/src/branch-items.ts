import { SYSTEM_SPACE_PREFIX, TypeTag, namespacePrefix, unescapeUserKey, valueEquals, type Value } from '@stratum/core';
import type { VersionedRecord } from '@stratum/storage';
import type { BranchNode } from './branch-tree.js';
import type { Database } from './database.js';
import { latin1 } from './group-commit.js';

export type Primitive = 'kv' | 'json' | 'state' | 'event' | 'vector' | 'collection';

/** A user item, named as BranchDiff and BranchMerge report it. */
export interface ItemRef {
  readonly space: string;
  readonly primitive: Primitive;
  readonly key: string;
  readonly tag: number;
  /** The storage key without the branch id (latin1): the same item in every branch. */
  readonly suffix: string;
}

/** The user primitive each data tag stores (collections are vector configs). */
export const PRIMITIVE_OF: Partial<Record<number, Primitive>> = {
  [TypeTag.Kv]: 'kv',
  [TypeTag.Json]: 'json',
  [TypeTag.State]: 'state',
  [TypeTag.Event]: 'event',
  [TypeTag.Vector]: 'vector',
  [TypeTag.VectorConfig]: 'collection',
};

/** The user item a key suffix (space 0x00 tag userKey) names; undefined for internal records and hidden spaces. */
export function itemOf(suffix: string): ItemRef | undefined {
  const bytes = Buffer.from(suffix, 'latin1');
  const sep = bytes.indexOf(0);
  if (sep < 0 || sep + 1 >= bytes.length) return undefined;
  const space = bytes.subarray(0, sep).toString('utf8');
  const tag = bytes[sep + 1] as number;
  const primitive = PRIMITIVE_OF[tag];
  if (primitive === undefined || space.startsWith(SYSTEM_SPACE_PREFIX)) return undefined;
  const user = Buffer.from(unescapeUserKey(bytes.subarray(sep + 2)));
  const key = primitive === 'event' ? String(user.readBigUInt64BE(0)) : user.toString('utf8');
  return { space, primitive, key, tag, suffix };
}

/** The key of an item in a branch. */
export function keyIn(db: Database, node: BranchNode, suffix: string): Buffer {
  return Buffer.concat([db.tree.prefixOf(node), Buffer.from(suffix, 'latin1')]);
}

/** What a user sees of a record: counters and timestamps are bookkeeping, not the item's value. */
function userValue(tag: number, value: unknown): unknown {
  if (tag === TypeTag.State || tag === TypeTag.Json) return (value as { value: unknown }).value;
  if (tag === TypeTag.Vector) {
    const v = value as { embedding: Uint8Array; metadata: unknown };
    return [v.embedding, v.metadata];
  }
  return value;
}

/** Whether two records (undefined: absent) hold the same user value. */
export function sameItem(tag: number, a: VersionedRecord | undefined, b: VersionedRecord | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return valueEquals(userValue(tag, a.value) as Value, userValue(tag, b.value) as Value);
}

/** The nearest branch both `a` and `b` descend from (either may be it), or undefined. */
export function commonAncestor(db: Database, a: BranchNode, b: BranchNode): BranchNode | undefined {
  const above = new Set(db.tree.chain(a));
  return db.tree.chain(b).find((n) => above.has(n));
}

/**
 * The suffixes of every item that may differ between `a` and `b` (optionally in one space). With
 * a common ancestor these are the records the branches below it hold of their own: each change
 * of either side, and each change of the ancestor after a fork (pushed down into the fork), left
 * one there. Without one, every item either side sees.
 */
export async function candidateItems(db: Database, a: BranchNode, b: BranchNode, space?: string): Promise<Set<string>> {
  const out = new Set<string>();
  const top = commonAncestor(db, a, b);
  const scanOwn = async (node: BranchNode, view: boolean): Promise<void> => {
    const prefix = space === undefined ? db.tree.prefixOf(node) : namespacePrefix(node.id, space);
    const skip = db.tree.prefixOf(node).length;
    const entries = view ? await db.scan(prefix) : await ownRecords(db, prefix);
    for (const [key] of entries) out.add(latin1(key.subarray(skip)));
  };
  if (top === undefined) {
    await scanOwn(a, true);
    await scanOwn(b, true);
    return out;
  }
  for (const start of [a, b]) {
    for (let n: BranchNode | undefined = start; n !== undefined && n !== top; n = n.parent) await scanOwn(n, false);
  }
  return out;
}

/** A branch's own latest records under `prefix`, kept tombstones included. */
async function ownRecords(db: Database, prefix: Uint8Array) {
  await db.settled();
  return db.store.scan(prefix, { tombstones: true });
}

/** Entries sorted by primitive, then by the item's stored key (events by sequence). */
export function byPrimitiveThenKey(a: ItemRef, b: ItemRef): number {
  if (a.primitive !== b.primitive) return a.primitive < b.primitive ? -1 : 1;
  return a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0;
}
