import { TypeTag } from '@stratum/core';
import { BranchMerger } from './branch-merge.js';
import { BranchIndex } from './branches.js';
import { Bundles } from './bundles.js';
import { Retention } from './retention.js';
import { Database, type DatabaseOptions } from './database.js';
import { EventLog } from './event.js';
import { JsonStore } from './json.js';
import { KvStore } from './kv.js';
import { DATA_TAGS, Scope } from './scope.js';
import { SpaceIndex } from './spaces.js';
import { StateStore } from './state.js';
import { Transaction } from './transaction.js';
import { VectorStore } from './vector/vectors.js';

/** The database with its indexes and primitives: what the executor's handlers act on. */
export class Engine {
  readonly db: Database;
  readonly branches: BranchIndex;
  readonly spaces: SpaceIndex;
  readonly kv: KvStore;
  readonly json: JsonStore;
  readonly events: EventLog;
  readonly state: StateStore;
  readonly vectors: VectorStore;
  readonly merger: BranchMerger;
  readonly bundles: Bundles;
  readonly retention: Retention;

  private constructor(db: Database) {
    this.db = db;
    this.branches = new BranchIndex(db);
    this.spaces = new SpaceIndex(db, this.branches);
    this.kv = new KvStore(db, this.spaces);
    this.vectors = new VectorStore(db, this.spaces);
    this.json = new JsonStore(db, this.spaces);
    this.events = new EventLog(db, this.spaces);
    this.state = new StateStore(db, this.spaces);
    this.branches.onDelete((node) => this.vectors.dropBranch(node.id));
    // A merge copies records into the target: its loaded vector indexes are rebuilt on next use.
    this.bundles = new Bundles(db, this.branches, this.spaces);
    this.retention = new Retention(db, this.branches);
    this.merger = new BranchMerger(db, this.branches, this.spaces, this.events, (target) => this.vectors.dropBranch(target.id));
  }

  static async open(options: DatabaseOptions): Promise<Engine> {
    const db = await Database.open(options);
    const engine = new Engine(db);
    try {
      await engine.branches.load();
    } catch (e) {
      await db.close().catch(() => undefined);
      throw e;
    }
    return engine;
  }

  /** A checked (branch, space) for a data command. */
  scope(branch: string, space: string): Scope {
    return new Scope(this.branches, branch, space);
  }

  /** Begins a snapshot-isolated transaction on `branch` (not checked here: its commands and its commit check it). */
  begin(branch: string, at: number): Transaction {
    return new Transaction(this.db, this.spaces, this.branches, branch, at);
  }

  /** Oldest and newest timestamps of the live user items a branch sees; nulls when it has none. */
  async timeRange(branch: string): Promise<{ oldest: number | null; latest: number | null }> {
    let oldest: number | null = null;
    let latest: number | null = null;
    for (const space of await this.spaces.list(branch)) {
      const scope = this.scope(branch, space);
      for (const tag of DATA_TAGS) {
        for (const [, record] of await this.db.scan(scope.prefix(tag))) {
          if (oldest === null || record.timestamp < oldest) oldest = record.timestamp;
          if (latest === null || record.timestamp > latest) latest = record.timestamp;
        }
      }
    }
    return { oldest, latest };
  }

  /** Live user items (KV keys, documents, cells, events, vectors) of every branch and space. */
  async totalKeys(): Promise<number> {
    await this.db.settled();
    let total = 0;
    for (const branch of await this.branches.list()) {
      for (const space of await this.spaces.list(branch)) {
        const scope = this.scope(branch, space);
        for (const tag of DATA_TAGS) {
          if (tag === TypeTag.VectorConfig) continue;
          total += await this.db.count(scope.prefix(tag));
        }
      }
    }
    return total;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

