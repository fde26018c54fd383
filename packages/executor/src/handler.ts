import type { Engine, Transaction } from '@stratum/engine';
import type { OutputFor } from './command-meta.js';
import type { CommandOf, CommandType } from './commands/index.js';
import type { Resolved } from './resolve.js';

/** What a handler may use: the engine and the clock reading of the command it answers. */
export interface HandlerContext {
  readonly engine: Engine;
  /** The command's clock reading (µs); commits are stamped from it so replay is exact. */
  readonly at: number;
  /** The session's open transaction, for data commands that run inside it. */
  readonly tx?: Transaction | undefined;
  /** The session's transaction slot, for transaction control; absent outside a session. */
  readonly txn?: TxnSlot | undefined;
}

/** Where a session keeps its open transaction. */
export interface TxnSlot {
  current: Transaction | undefined;
}

export type Handler<T extends CommandType> = (ctx: HandlerContext, cmd: Resolved<CommandOf<T>>) => Promise<OutputFor<T>>;

/** A total map from command types to handlers: a missing entry fails to compile. */
export type HandlerMap<K extends CommandType> = { readonly [T in K]: Handler<T> };
