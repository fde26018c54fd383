import type { BranchNode } from './branch-tree.js';
import { MERGE_PREFIX } from './branches.js';
import type { Database } from './database.js';

/**
 * The times at which something still reads `node`'s own history, ascending: retention keeps,
 * for every item, the version that was newest at each of them.
 *
 * - Every fork below `node` (forks of forks, and deleted branches kept for their forks, included)
 *   reads `node`'s history as of the earliest fork point on its way up: its time-travel and
 *   history reads fall through to it, and a merge with it uses it as the merge base.
 * - A recorded merge makes its source's view at the merge time the next merge's base; when that
 *   view falls through to `node`, it reads `node` as of that time (or an earlier fork point).
 * - An open transaction reads committed data as of its snapshot.
 */
export async function readPins(db: Database, node: BranchNode): Promise<number[]> {
  const pins = new Set<number>();
  const below = (parent: BranchNode, bound: number): void => {
    for (const child of parent.children) {
      const at = Math.min(bound, child.forkTimestamp);
      pins.add(at);
      below(child, at);
    }
  };
  below(node, Infinity);
  for (const [, record] of await db.scan(MERGE_PREFIX)) {
    const source = db.tree.byId((record.value as { source: string }).source);
    const at = source === undefined ? undefined : viewOf(source, node, record.timestamp);
    if (at !== undefined) pins.add(at);
  }
  for (const at of db.openSnapshotTimes()) pins.add(at);
  return [...pins].sort((a, b) => a - b);
}

/** The time at which `from`'s view as of `ts` reads `node`'s own history; undefined when it never reaches it. */
function viewOf(from: BranchNode, node: BranchNode, ts: number): number | undefined {
  let t = ts;
  for (let n: BranchNode | undefined = from; n !== undefined; n = n.parent) {
    if (n === node) return t;
    t = Math.min(t, n.forkTimestamp);
  }
  return undefined;
}
