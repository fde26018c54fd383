import { err } from '@stratum/core';
import type { Engine } from '@stratum/engine';
import { COMMAND_META, type OutputFor } from './command-meta.js';
import type { Command, CommandType } from './commands/index.js';
import type { Handler, HandlerContext, TxnSlot } from './handler.js';
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

  /** Runs `cmd`; `txn` is the session's transaction slot, whose open transaction data commands run in. */
  execute<C extends Command>(cmd: C, defaults: Defaults, at: number, txn?: TxnSlot): Promise<OutputFor<C['type']>> {
    const meta = COMMAND_META[cmd.type];
    if (this.readOnly && meta.write) return Promise.reject(err.accessDenied(cmd.type));
    const tx = txn?.current;
    if (tx !== undefined) {
      const refusal = refuseInTransaction(cmd, meta.txn, tx.branch);
      if (refusal !== undefined) return Promise.reject(refusal);
    }
    this.engine.db.noteCommand(at);
    const ctx: HandlerContext = { engine: this.engine, at, tx: meta.txn === 'data' ? tx : undefined, txn };
    const handler = handlers[cmd.type as CommandType] as Handler<C['type']>;
    try {
      return handler(ctx, resolveDefaults(cmd, defaults) as never);
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

/**
 * Routes a command inside an open transaction (protocol §6.10): data commands act on the
 * transaction's branch (filled in when the command names none), others that write are refused.
 */
function refuseInTransaction(cmd: Command, mode: string, branch: string): Error | undefined {
  if (mode === 'reject') return err.invalidInput(`${cmd.type} is not allowed inside a transaction`, { command: cmd.type });
  if (mode !== 'data') return undefined;
  const c = cmd as { branch?: string };
  if (c.branch === undefined) c.branch = branch;
  else if (c.branch !== branch) {
    return err.invalidInput(`the transaction is bound to branch '${branch}'; ${cmd.type} names '${c.branch}'`, { branch: c.branch });
  }
  return undefined;
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
