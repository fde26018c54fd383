import { TypeTag, tagPrefix } from '@stratum/core';
import { BranchIndex } from './branches.js';
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

  private constructor(db: Database) {
    this.db = db;
    this.branches = new BranchIndex(db);
    this.spaces = new SpaceIndex(db, this.branches);
    this.kv = new KvStore(db, this.spaces);
    this.vectors = new VectorStore(db, this.spaces);
    this.json = new JsonStore(db, this.spaces);
    this.events = new EventLog(db, this.spaces);
    this.state = new StateStore(db, this.spaces);
  }

  static async open(options: DatabaseOptions): Promise<Engine> {
    return new Engine(await Database.open(options));
  }

  /** A checked (branch, space) for a data command. */
  scope(branch: string, space: string): Scope {
    return new Scope(this.branches, branch, space);
  }

  /** Begins a snapshot-isolated transaction on `branch` (not checked here: its commands and its commit check it). */
  begin(branch: string, at: number): Transaction {
    return new Transaction(this.db, this.spaces, this.branches, branch, at);
  }

  /** Live user items (KV keys, documents, cells, events, vectors) of every branch and space. */
  async totalKeys(): Promise<number> {
    await this.db.settled();
    let total = 0;
    for (const branch of await this.branches.list()) {
      for (const space of await this.spaces.list(branch)) {
        for (const tag of DATA_TAGS) {
          if (tag === TypeTag.VectorConfig) continue;
          total += await this.db.store.count(tagPrefix(branch, space, tag));
        }
      }
    }
    return total;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

