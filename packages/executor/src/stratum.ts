import { DEFAULT_BRANCH, DEFAULT_SPACE, err, systemClock, validateSpaceName, type Clock, type IdSource } from '@stratum/core';
import { parseDurability, type DurabilityMode } from '@stratum/durability';
import { Engine } from '@stratum/engine';
import { openStore } from '@stratum/storage';
import type { OutputFor } from './command-meta.js';
import type { Command } from './commands/index.js';
import { Executor } from './executor.js';
import { checkCommand } from './parse.js';
import { Session } from './session.js';

export interface OpenOptions {
  /**
   * `standard` (default): an acknowledged write survives a process crash; `always`: it is synced
   * to disk before it is acknowledged; `cache`: memory only, as `Stratum.cache()` (`dir` is not used).
   */
  readonly durability?: DurabilityMode;
  /** Refuse every write command with AccessDenied. */
  readonly readOnly?: boolean;
  readonly clock?: Clock;
  readonly ids?: IdSource | 'seeded-by-first-command';
}

export interface CacheOptions {
  /** Refuse every write command with AccessDenied. */
  readonly readOnly?: boolean;
  readonly clock?: Clock;
  readonly ids?: IdSource | 'seeded-by-first-command';
}

interface Shared {
  readonly engine: Engine;
  readonly executor: Executor;
  handles: number;
}

/**
 * An embedded Stratum database handle with a current branch and space.
 *
 * @example
 * const db = await Stratum.open('./data');
 * await db.setSpace('conversations');
 * await db.kvPut('msg_001', { role: 'user', text: 'hi' });
 * const msg = await db.kvGet('msg_001'); // { value, version, timestamp }
 * await db.close();
 */
export class Stratum {
  readonly #shared: Shared;
  readonly #session: Session;
  /** Views made by `inSpace` share their parent's lifetime and cannot close the database. */
  readonly #owner: boolean;
  #closed = false;

  private constructor(shared: Shared, session: Session, owner: boolean) {
    this.#shared = shared;
    this.#session = session;
    this.#owner = owner;
  }

  /** Opens (creating if needed) the database in `dir`. One process owns a database at a time. */
  static async open(dir: string, options: OpenOptions = {}): Promise<Stratum> {
    // Checked at run time too: an unknown mode from untyped code must not open anything.
    const durability = options.durability === undefined ? 'standard' : parseDurability(options.durability);
    if (durability === 'cache') return Stratum.cache(options);
    // The store creates the directory, and reports a failure to do so as an Io error.
    return Stratum.#start(await openStore({ dir }), durability, options);
  }

  /** An in-memory database: no files, nothing survives the process. */
  static async cache(options: CacheOptions = {}): Promise<Stratum> {
    return Stratum.#start(await openStore({ memory: true }), 'cache', options);
  }

  static async #start(
    store: Awaited<ReturnType<typeof openStore>>,
    durability: DurabilityMode,
    options: OpenOptions | CacheOptions,
  ): Promise<Stratum> {
    const readOnly = options.readOnly === true;
    let engine: Engine;
    try {
      engine = await Engine.open({
        store,
        durability,
        readOnly,
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.ids ? { ids: options.ids } : {}),
      });
    } catch (e) {
      // A database that failed to open must not stay locked for the rest of the process.
      await store.close().catch(() => undefined);
      throw e;
    }
    const executor = new Executor(engine);
    const shared: Shared = { engine, executor, handles: 1 };
    return new Stratum(shared, new Session(executor, {}, options.clock ?? systemClock), true);
  }

  get currentBranch(): string {
    return this.#session.defaults.branch;
  }

  get currentSpace(): string {
    return this.#session.defaults.space;
  }

  get readOnly(): boolean {
    return this.#shared.executor.readOnly;
  }

  /** The engine under this handle, for tools that work below the command layer. */
  get engine(): Engine {
    return this.#shared.engine;
  }

  /** Runs any command; the result type is that command's output. Fields it omits use this handle's branch and space. */
  execute<C extends Command>(command: C): Promise<OutputFor<C['type']>> {
    // Not async: returning the session's promise from an async function would cost two more microtask turns.
    try {
      this.#open();
      return this.#session.execute(checkCommand(command) as C);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Switches this handle to `name`, creating the space if it is missing (only switching when read-only). */
  async setSpace(name: string): Promise<void> {
    this.#open();
    if (name !== DEFAULT_SPACE) validateSpaceName(name);
    // Not a command: it must not anchor the session's clock-derived figures (uptime, generated names).
    if (!this.readOnly) await this.#shared.engine.spaces.create(this.currentBranch, name, this.#session.clock());
    this.#session.setDefaults({ space: name });
  }

  /** Switches this handle to `name` without registering it (a write there will). */
  useSpace(name: string): void {
    this.#open();
    if (name !== DEFAULT_SPACE) validateSpaceName(name);
    this.#session.setDefaults({ space: name });
  }

  /** Switches this handle to an existing branch; the current space is kept. */
  async setBranch(name: string): Promise<void> {
    this.#open();
    if (!this.#shared.engine.branches.exists(name)) throw err.branchNotFound(name);
    this.#session.setDefaults({ branch: name });
  }

  async listSpaces(): Promise<string[]> {
    return (await this.execute({ type: 'SpaceList' })).value;
  }

  async spaceExists(name: string): Promise<boolean> {
    return (await this.execute({ type: 'SpaceExists', space: name })).value;
  }

  /** Deletes an empty space (ConstraintViolation when it holds data, or for `default`). */
  async deleteSpace(name: string): Promise<void> {
    await this.execute({ type: 'SpaceDelete', space: name, force: false });
  }

  /** Deletes a space and every item in it. */
  async deleteSpaceForce(name: string): Promise<void> {
    await this.execute({ type: 'SpaceDelete', space: name, force: true });
  }

  /** Runs `fn` with a view of this database bound to space `name`; this handle does not switch. */
  async inSpace<T>(name: string, fn: (view: Stratum) => Promise<T> | T): Promise<T> {
    this.#open();
    if (name !== DEFAULT_SPACE) validateSpaceName(name);
    const session = new Session(this.#shared.executor, { branch: this.currentBranch, space: name }, this.#session.clock);
    return fn(new Stratum(this.#shared, session, false));
  }

  /** An independent handle on the same database, starting on branch and space `default`. */
  newHandle(): Stratum {
    this.#open();
    this.#shared.handles++;
    const session = new Session(this.#shared.executor, { branch: DEFAULT_BRANCH, space: DEFAULT_SPACE }, this.#session.clock);
    return new Stratum(this.#shared, session, true);
  }

  /** A new session on this database starting at this handle's branch and space (one per stdio connection). */
  session(): Session {
    this.#open();
    return new Session(this.#shared.executor, this.#session.defaults, this.#session.clock);
  }

  /** Closes this handle; the database closes with the last handle. */
  async close(): Promise<void> {
    if (this.#closed || !this.#owner) return;
    this.#closed = true;
    this.#session.close();
    if (--this.#shared.handles === 0) await this.#shared.engine.close();
  }

  #open(): void {
    if (this.#closed) throw err.io('this Stratum handle is closed');
  }
}
