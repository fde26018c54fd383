import { DEFAULT_BRANCH, DEFAULT_SPACE, systemClock, type Clock } from '@stratum/core';
import type { OutputFor } from './command-meta.js';
import type { Command } from './commands/index.js';
import type { Executor } from './executor.js';
import type { TxnSlot } from './handler.js';
import { parseRequest, type ParsedRequest } from './parse.js';
import type { Defaults } from './resolve.js';
import { errorResponse, okResponse, type Response } from './wire.js';

/**
 * A session: the unit that holds the default branch and space of a connection or handle.
 * Each stdio connection is one; every `Stratum` handle owns one.
 */
export class Session {
  readonly executor: Executor;
  readonly clock: Clock;
  #defaults: Defaults;
  /** The open transaction, if any (protocol §6.10). */
  readonly #txn: TxnSlot = { current: undefined };
  /** While a transaction is open its commands run one after another, so they see each other in request order. */
  #inOrder: Promise<unknown> = Promise.resolve();
  /** Commands waiting in `#inOrder`: while any is, later ones queue behind it. */
  #queued = 0;

  constructor(executor: Executor, defaults: Partial<Defaults> = {}, clock: Clock = systemClock) {
    this.executor = executor;
    this.clock = clock;
    this.#defaults = { branch: defaults.branch ?? DEFAULT_BRANCH, space: defaults.space ?? DEFAULT_SPACE };
  }

  get defaults(): Defaults {
    return this.#defaults;
  }

  setDefaults(defaults: Partial<Defaults>): void {
    this.#defaults = { ...this.#defaults, ...defaults };
  }

  /** Runs a typed command; `at` is its clock reading (replay passes the recorded one). */
  execute<C extends Command>(cmd: C, at: number = this.clock()): Promise<OutputFor<C['type']>> {
    if (this.#queued === 0 && this.#txn.current === undefined && cmd.type !== 'TxnBegin') {
      return this.executor.execute(cmd, this.#defaults, at, this.#txn);
    }
    this.#queued++;
    const run = this.#inOrder.then(() => this.executor.execute(cmd, this.#defaults, at, this.#txn));
    this.#inOrder = run.catch(() => undefined).then(() => this.#queued--);
    return run;
  }

  /** Whether a transaction is open in this session. */
  get inTransaction(): boolean {
    return this.#txn.current !== undefined;
  }

  /** Ends the session: an open transaction is rolled back. */
  close(): void {
    const tx = this.#txn.current;
    this.#txn.current = undefined;
    if (tx !== undefined && tx.status === 'active') tx.rollback();
  }

  /** Answers one request object (already parsed from JSON, or parsed here): never rejects. */
  respond(request: unknown, at: number = this.clock()): Promise<Response> {
    return this.respondParsed(parseRequest(request), at);
  }

  /** Answers a request that went through `parseRequest`: never rejects. */
  async respondParsed(parsed: ParsedRequest, at: number = this.clock()): Promise<Response> {
    if ('error' in parsed) return errorResponse(parsed.id, parsed.error);
    try {
      return okResponse(parsed.id, await this.execute(parsed.command, at));
    } catch (e) {
      return errorResponse(parsed.id, e);
    }
  }
}
