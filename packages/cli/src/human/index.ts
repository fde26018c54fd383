import type { Command as Program } from 'commander';
import { addKvCommands } from './kv.js';
import type { RunHuman } from './shared.js';
import { addSpaceCommands } from './space.js';

export type { RunHuman } from './shared.js';

/** The commands for people: readable tables by default, `--json` for machines. One module per family. */
export function addHumanCommands(program: Program, run: RunHuman): void {
  addKvCommands(program, run);
  addSpaceCommands(program, run);
}
