import { DEFAULT_BRANCH } from '@stratum/core';

/**
 * One branch as the storage layer sees it. Data lives under the branch's storage `id` (not its
 * name), so a deleted name can be re-created empty while a fork still reads the old data.
 */
export interface BranchNode {
  readonly id: string;
  /** The name users see; a deleted branch kept for its forks has none. */
  name: string | undefined;
  readonly parent: BranchNode | undefined;
  /** The commit that made the fork: the parent's data at or before it is the fork's starting view. */
  readonly forkVersion: number;
  readonly forkTimestamp: number;
  readonly children: Set<BranchNode>;
  /** The id bytes and 0x00 that start every key of the branch (kept after removal, so late readers still work). */
  readonly prefix: Buffer;
}

const SEP = 0x00;

/**
 * The fork tree: which branch each stored key belongs to and where reads fall through.
 *
 * Copy-on-write invariant: a fork's view of a key it has no record of is its parent's current
 * view of that key. The database keeps it true by copying the parent's record into each fork
 * that lacks one just before the parent changes the key (a "push-down"); reads then never need
 * the parent's history, and writes to a branch without forks pay nothing.
 */
export class BranchTree {
  readonly #byId = new Map<string, BranchNode>();
  /** Branches that have a parent; zero means every read is a plain read. */
  #forks = 0;

  constructor() {
    this.add(DEFAULT_BRANCH, DEFAULT_BRANCH, undefined, 0, 0);
  }

  get hasForks(): boolean {
    return this.#forks > 0;
  }

  add(id: string, name: string | undefined, parent: BranchNode | undefined, forkVersion: number, forkTimestamp: number): BranchNode {
    const prefix = Buffer.concat([Buffer.from(id, 'utf8'), Buffer.of(SEP)]);
    const node: BranchNode = { id, name, parent, forkVersion, forkTimestamp, children: new Set(), prefix };
    this.#byId.set(id, node);
    if (parent !== undefined) {
      parent.children.add(node);
      this.#forks++;
    }
    return node;
  }

  remove(node: BranchNode): void {
    this.#byId.delete(node.id);
    if (node.parent !== undefined) {
      node.parent.children.delete(node);
      this.#forks--;
    }
  }

  byId(id: string): BranchNode | undefined {
    return this.#byId.get(id);
  }

  /** The branch a stored key belongs to (keys start with the branch id and a 0x00). */
  nodeOfKey(key: Uint8Array): BranchNode | undefined {
    const end = key.indexOf(SEP);
    if (end <= 0) return undefined;
    return this.#byId.get(Buffer.from(key.buffer, key.byteOffset, end).toString('utf8'));
  }

  /** `key` of branch `from` moved to branch `to`: the same space, primitive and item. */
  rekey(key: Uint8Array, from: BranchNode, to: BranchNode): Buffer {
    const out = Buffer.allocUnsafe(to.prefix.length + key.length - from.prefix.length);
    out.set(to.prefix, 0);
    out.set(key.subarray(from.prefix.length), to.prefix.length);
    return out;
  }

  /** The id prefix of a branch's keys (the branch id and 0x00). */
  prefixOf(node: BranchNode): Buffer {
    return node.prefix;
  }

  /** Whether `node` is still in the tree (not dropped with its data). */
  has(node: BranchNode): boolean {
    return this.#byId.get(node.id) === node;
  }

  /** `node` and its ancestors, nearest first. */
  chain(node: BranchNode): BranchNode[] {
    const out: BranchNode[] = [];
    for (let n: BranchNode | undefined = node; n !== undefined; n = n.parent) out.push(n);
    return out;
  }
}
