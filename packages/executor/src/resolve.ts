import { COMMAND_META } from './command-meta.js';
import type { Command, CommandType } from './commands/index.js';

type Scope<T extends CommandType> = (typeof COMMAND_META)[T]['scope'];

/** A command after resolveDefaults: `branch` (and `space`) are present wherever they say where it acts. */
export type Resolved<C extends Command> = C &
  (Scope<C['type']> extends 'data'
    ? { branch: string; space: string }
    : Scope<C['type']> extends 'branch'
      ? { branch: string }
      : unknown);

/** Where a session acts when a command does not say. */
export interface Defaults {
  readonly branch: string;
  readonly space: string;
}

/**
 * Fills `branch` and `space` from the session's defaults, only for the fields that say where a
 * command acts (the meta table's `scope`); an empty string is a value, not an absence.
 * Fills them in place: commands reach it as the fresh copies `parseRequest` and `checkCommand`
 * return, and copying every command again costs a hot path more than anything else it does.
 */
export function resolveDefaults<C extends Command>(cmd: C, defaults: Defaults): Resolved<C> {
  const scope = COMMAND_META[cmd.type].scope;
  if (scope === 'none') return cmd as Resolved<C>;
  const c = cmd as { branch?: string; space?: string };
  c.branch ??= defaults.branch;
  if (scope === 'data') c.space ??= defaults.space;
  return cmd as Resolved<C>;
}
