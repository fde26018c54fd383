import { err } from '@stratum/core';
import type { Engine } from '@stratum/engine';
import { COMMAND_META, type OutputFor } from './command-meta.js';
import type { Command, CommandType } from './commands/index.js';
import type { Handler, HandlerContext } from './handler.js';
import { handlers } from './handlers/index.js';
import { resolveDefaults, type Defaults } from './resolve.js';

/**
 * Runs one parsed command: the read-only guard, resolveDefaults, then its handler.
 * Stateless apart from the engine; sessions hold the defaults.
 */
export class Executor {
  readonly engine: Engine;

  constructor(engine: Engine) {
    this.engine = engine;
  }

  get readOnly(): boolean {
    return this.engine.db.readOnly;
  }

  execute<C extends Command>(cmd: C, defaults: Defaults, at: number): Promise<OutputFor<C['type']>> {
    if (this.readOnly && COMMAND_META[cmd.type].write) return Promise.reject(err.accessDenied(cmd.type));
    this.engine.db.noteCommand(at);
    const ctx: HandlerContext = { engine: this.engine, at };
    const handler = handlers[cmd.type as CommandType] as Handler<C['type']>;
    try {
      return handler(ctx, resolveDefaults(cmd, defaults) as never);
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

/**
 * Commands whose handlers make all their reads and writes before their first await (point
 * reads and writes; a read with `asOf` goes to storage, so it is not one): a pipelined server
 * may start the next command before one of these has finished. Any other command runs alone,
 * after everything before it, so answers always match request order.
 */
const POINT_COMMANDS: ReadonlySet<CommandType> = new Set<CommandType>([
  'KvPut', 'KvGet', 'KvDelete', 'KvBatchPut',
  'StateSet', 'StateGet', 'StateBatchSet', 'StateCas', 'StateInit', 'StateDelete',
  'JsonSet', 'JsonGet', 'JsonDelete', 'JsonBatchSet',
  'EventAppend', 'EventGet', 'EventBatchAppend', 'EventLen',
  'SpaceCreate', 'SpaceExists', 'Ping',
]);

export function runsAlone(cmd: Command): boolean {
  return !POINT_COMMANDS.has(cmd.type) || (cmd as { asOf?: number }).asOf !== undefined;
}
