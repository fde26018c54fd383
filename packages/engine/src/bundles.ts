import { hasNegativeZero, namespacePrefix } from '@stratum/core';
import { readBundle, validateBundle, writeBundle, type BundleEntry, type BundleVersion } from '@stratum/durability';
import { encodeValue, type HistoryEntry, type VersionedRecord, type WriteOp } from '@stratum/storage';
import type { BranchNode } from './branch-tree.js';
import { branchExists, type BranchIndex } from './branches.js';
import type { Database } from './database.js';
import { latin1 } from './group-commit.js';
import type { SpaceIndex } from './spaces.js';

/** Keys per history page while exporting, and versions per storage batch while importing. */
const PAGE = 1000;
const IMPORT_BATCH = 5000;

export interface ExportResult {
  branch: string;
  path: string;
  entryCount: number;
  bundleSize: number;
}

export interface ImportResult {
  branch: string;
  transactionsApplied: number;
  keysWritten: number;
}

export interface ValidateResult {
  branch: string;
  formatVersion: number;
  entryCount: number;
  checksumsValid: boolean;
}

/**
 * Branch bundles: a branch with every space, primitive and internal record (space registry,
 * event logs and their indexes, vector collections), each item with its full history as the
 * branch sees it (a fork's includes its ancestors' versions up to the fork).
 */
export class Bundles {
  readonly #db: Database;
  readonly #branches: BranchIndex;
  readonly #spaces: SpaceIndex;

  constructor(db: Database, branches: BranchIndex, spaces: SpaceIndex) {
    this.#db = db;
    this.#branches = branches;
    this.#spaces = spaces;
  }

  async export(branch: string, path: string, at: number): Promise<ExportResult> {
    const node = this.#branches.require(branch);
    await this.#db.settled();
    const counts = await writeBundle(
      path,
      { branch, createdAt: this.#branches.createdAt(branch), exportedAt: at, spaces: await this.#spaces.list(branch), meta: {} },
      node.parent === undefined ? this.#rootEntries(node) : await this.#forkEntries(node),
    );
    return { branch, path, entryCount: counts.entries, bundleSize: counts.bytes };
  }

  /** A root branch's items straight from its history, a page at a time. */
  async *#rootEntries(node: BranchNode): AsyncGenerator<BundleEntry> {
    const prefix = this.#db.tree.prefixOf(node);
    let after: Uint8Array | undefined;
    for (;;) {
      const page = await this.#db.store.scanHistory(prefix, { limit: PAGE, ...(after !== undefined ? { after } : {}) });
      for (const [key, versions] of page) yield entryOf(key.subarray(prefix.length), versions);
      const last = page[page.length - 1];
      if (last === undefined || page.length < PAGE) return;
      after = last[0];
    }
  }

  /** A fork's items: each ancestor's versions up to its fork point, then the fork's own, merged by item. */
  async #forkEntries(node: BranchNode): Promise<BundleEntry[]> {
    const bySuffix = new Map<string, VersionedRecord[]>();
    const chain = this.#db.tree.chain(node);
    let cutoff = Infinity;
    const cutoffs = chain.map((n) => {
      const c = cutoff;
      cutoff = Math.min(cutoff, n.forkTimestamp);
      return c;
    });
    for (let i = chain.length - 1; i >= 0; i--) {
      const level = chain[i] as BranchNode;
      const prefix = this.#db.tree.prefixOf(level);
      const limit = cutoffs[i] as number;
      const page: HistoryEntry[] = await this.#db.store.scanHistory(prefix);
      for (const [key, versions] of page) {
        const suffix = latin1(key.subarray(prefix.length));
        const seen = bySuffix.get(suffix) ?? [];
        for (const v of versions) if (v.timestamp <= limit) seen.push(v);
        if (seen.length > 0) bySuffix.set(suffix, seen);
      }
    }
    return [...bySuffix.keys()].sort().map((suffix) => entryOf(Buffer.from(suffix, 'latin1'), bySuffix.get(suffix) as VersionedRecord[]));
  }

  /**
   * Recreates a branch from a bundle. The whole file is checked first, so a damaged bundle
   * changes nothing; the data goes in under a fresh storage id and the branch record comes
   * last, so the branch appears whole or not at all.
   */
  async import(path: string, at: number): Promise<ImportResult> {
    const checked = await validateBundle(path);
    const name = checked.header.branch;
    if (this.#branches.exists(name)) throw branchExists(name);
    const { entries } = await readBundle(path);
    const id = this.#branches.reserveId();
    const prefix = namespacePrefix(id);
    const versions = new Set<number>();
    let keys = 0;
    let maxVersion = 0;
    let maxTimestamp = 0;
    let batch: WriteOp[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const ops = batch;
      batch = [];
      await this.#db.store.write(ops, [], { sync: false });
    };
    try {
      for await (const entry of entries) {
        keys++;
        const key = Buffer.concat([prefix, entry.key]);
        for (const v of entry.versions) {
          versions.add(v.version);
          maxVersion = Math.max(maxVersion, v.version);
          maxTimestamp = Math.max(maxTimestamp, v.timestamp);
          batch.push(
            v.tombstone || v.payload === undefined
              ? { key, version: v.version, timestamp: v.timestamp, tombstone: true }
              : { key, version: v.version, timestamp: v.timestamp, payload: v.payload },
          );
        }
        if (batch.length >= IMPORT_BATCH) await flush();
      }
      await flush();
      // Later commits must come after every imported version, or they would sort before them.
      this.#db.advancePast(maxVersion, maxTimestamp);
      if (this.#branches.exists(name)) throw branchExists(name);
    } catch (e) {
      // The file changed since it was checked, storage failed, or the name was taken meanwhile:
      // nothing of the import may stay behind under its storage id.
      await this.#db.store.clear(prefix).catch(() => undefined);
      throw e;
    }
    await this.#branches.adoptImported(id, name, checked.header.createdAt, at);
    return { branch: name, transactionsApplied: versions.size, keysWritten: keys };
  }

  async validate(path: string): Promise<ValidateResult> {
    const checked = await validateBundle(path);
    return { branch: checked.header.branch, formatVersion: checked.header.formatVersion, entryCount: checked.entries, checksumsValid: true };
  }
}

function entryOf(key: Uint8Array, versions: readonly VersionedRecord[]): BundleEntry {
  return { key: Buffer.from(key), versions: versions.map(versionOf) };
}

function versionOf(r: VersionedRecord): BundleVersion {
  if (r.tombstone) return { version: r.version, timestamp: r.timestamp, tombstone: true };
  return { version: r.version, timestamp: r.timestamp, tombstone: false, payload: encodeValue(r.value, hasNegativeZero(r.value)) };
}
