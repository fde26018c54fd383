import type { Command as Program } from 'commander';
import { addBranchCommands } from './branch.js';
import { addEventCommands } from './event.js';
import { addJsonCommands } from './json.js';
import { addKvCommands } from './kv.js';
import { addRetentionCommands } from './retention.js';
import type { RunHuman } from './shared.js';
import { addSpaceCommands } from './space.js';
import { addStateCommands } from './state.js';
import { addVectorCommands } from './vector.js';

export type { RunHuman } from './shared.js';

/** The commands for people: readable tables by default, `--json` for machines. One module per family. */
export function addHumanCommands(program: Program, run: RunHuman): void {
  addKvCommands(program, run);
  addEventCommands(program, run);
  addJsonCommands(program, run);
  addSpaceCommands(program, run);
  addStateCommands(program, run);
  addVectorCommands(program, run);
  addBranchCommands(program, run);
  addRetentionCommands(program, run);
}
