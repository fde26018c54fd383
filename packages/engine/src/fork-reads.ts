import type { ScanEntry, ScanOptions, Store, VersionedRecord } from '@stratum/storage';
import type { BranchNode, BranchTree } from './branch-tree.js';
import { latin1 } from './group-commit.js';

/** One branch of a fork chain, with the prefix a scan asks it for. */
interface Level {
  readonly node: BranchNode;
  readonly prefix: Buffer;
  /** Bytes of the branch id and its separator: what to skip to compare keys across branches. */
  readonly skip: number;
}

/** The smallest page a merged scan asks each branch for. */
const MIN_CHUNK = 64;

/**
 * Reads of a fork: its own records first, then its parent's (as of the fork for history, its
 * current view otherwise: see BranchTree), its grandparent's, and so on. A record a branch holds
 * of its own, kept tombstones included, hides what its ancestors hold.
 */
export class ForkReads {
  readonly #store: Store;
  readonly #tree: BranchTree;

  constructor(store: Store, tree: BranchTree) {
    this.#store = store;
    this.#tree = tree;
  }

  #levels(node: BranchNode, key: Uint8Array): Level[] {
    return this.#tree.chain(node).map((n) => ({
      node: n,
      prefix: n === node ? Buffer.from(key) : this.#tree.rekey(key, node, n),
      skip: this.#tree.prefixOf(n).length,
    }));
  }

  /** The newest version at or before `ts` in the fork's view (possibly a tombstone). */
  async getAsOf(node: BranchNode, key: Uint8Array, ts: number): Promise<VersionedRecord | undefined> {
    let n = node;
    let k: Uint8Array = key;
    let t = ts;
    for (;;) {
      const record = await this.#store.getAsOf(k, t);
      if (record !== undefined || n.parent === undefined) return record;
      t = Math.min(t, n.forkTimestamp);
      k = this.#tree.rekey(k, n, n.parent);
      n = n.parent;
    }
  }

  /** Every version the fork sees, newest first: its own, then each ancestor's up to the fork. */
  async history(node: BranchNode, key: Uint8Array, limit?: number): Promise<VersionedRecord[]> {
    const out: VersionedRecord[] = [];
    let n = node;
    let k: Uint8Array = key;
    let before = Infinity;
    for (;;) {
      for (const r of await this.#store.history(k)) if (r.timestamp <= before) out.push(r);
      if (n.parent === undefined || (limit !== undefined && out.length >= limit)) break;
      before = Math.min(before, n.forkTimestamp);
      k = this.#tree.rekey(k, n, n.parent);
      n = n.parent;
    }
    return limit === undefined ? out : out.slice(0, limit);
  }

  /**
   * The fork's live records under `prefix`, ascending. Each branch of the chain is read a page at
   * a time; keys are final up to the smallest last key of the pages that came back full.
   */
  async scan(node: BranchNode, prefix: Uint8Array, options: ScanOptions = {}): Promise<ScanEntry[]> {
    const levels = this.#levels(node, prefix);
    const { limit } = options;
    const out: ScanEntry[] = [];
    if (limit !== undefined && limit <= 0) return out;
    let after: Uint8Array | undefined = options.after;
    for (;;) {
      const chunk = limit === undefined ? undefined : Math.max(MIN_CHUNK, limit - out.length);
      const pages = await Promise.all(
        levels.map((level) => {
          const from = after === undefined ? undefined : level.node === node ? after : this.#tree.rekey(after, node, level.node);
          return this.#store.scan(level.prefix, {
            ...(from !== undefined ? { after: from } : {}),
            ...(chunk !== undefined ? { limit: chunk } : {}),
            tombstones: level.node.parent !== undefined,
          });
        }),
      );
      let bound: string | undefined;
      pages.forEach((page, i) => {
        const last = page[page.length - 1];
        if (chunk === undefined || last === undefined || page.length < chunk) return;
        const suffix = latin1(last[0].subarray((levels[i] as Level).skip));
        if (bound === undefined || suffix < bound) bound = suffix;
      });
      const merged = mergeLevels(levels, pages, bound);
      const ownSkip = (levels[0] as Level).skip;
      for (const [suffix, record] of merged) {
        if (record.tombstone) continue;
        out.push([Buffer.concat([(levels[0] as Level).prefix.subarray(0, ownSkip), Buffer.from(suffix, 'latin1')]), record]);
        if (limit !== undefined && out.length >= limit) return out;
      }
      if (bound === undefined) return out;
      after = Buffer.concat([(levels[0] as Level).prefix.subarray(0, ownSkip), Buffer.from(bound, 'latin1')]);
    }
  }

  /** The fork's live records under `prefix` as of `ts`, ascending. */
  async scanAsOf(node: BranchNode, prefix: Uint8Array, ts: number): Promise<ScanEntry[]> {
    const levels = this.#levels(node, prefix);
    let t = ts;
    const pages: ScanEntry[][] = [];
    for (const level of levels) {
      pages.push(await this.#store.scanAsOf(level.prefix, t, { tombstones: level.node.parent !== undefined }));
      t = Math.min(t, level.node.forkTimestamp);
    }
    const ownSkip = (levels[0] as Level).skip;
    const head = (levels[0] as Level).prefix.subarray(0, ownSkip);
    const out: ScanEntry[] = [];
    for (const [suffix, record] of mergeLevels(levels, pages, undefined)) {
      if (!record.tombstone) out.push([Buffer.concat([head, Buffer.from(suffix, 'latin1')]), record]);
    }
    return out;
  }
}

/** Records by key suffix (after the branch id), nearest branch first, sorted, up to `bound` inclusive. */
function mergeLevels(levels: readonly Level[], pages: readonly ScanEntry[][], bound: string | undefined): [string, VersionedRecord][] {
  const bySuffix = new Map<string, VersionedRecord>();
  pages.forEach((page, i) => {
    const skip = (levels[i] as Level).skip;
    for (const [key, record] of page) {
      const suffix = latin1(key.subarray(skip));
      if (bound !== undefined && suffix > bound) break;
      if (!bySuffix.has(suffix)) bySuffix.set(suffix, record);
    }
  });
  // latin1 strings compare as their bytes do.
  return [...bySuffix].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
