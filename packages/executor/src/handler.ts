import type { Engine } from '@stratum/engine';
import type { OutputFor } from './command-meta.js';
import type { CommandOf, CommandType } from './commands/index.js';
import type { Resolved } from './resolve.js';

/** What a handler may use: the engine and the clock reading of the command it answers. */
export interface HandlerContext {
  readonly engine: Engine;
  /** The command's clock reading (µs); commits are stamped from it so replay is exact. */
  readonly at: number;
}

export type Handler<T extends CommandType> = (ctx: HandlerContext, cmd: Resolved<CommandOf<T>>) => Promise<OutputFor<T>>;

/** A total map from command types to handlers: a missing entry fails to compile. */
export type HandlerMap<K extends CommandType> = { readonly [T in K]: Handler<T> };
