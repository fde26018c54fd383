import type { Command as Program } from 'commander';
import { isoTime, table } from '../format.js';
import { describe, renderList, renderScalar, type RunHuman } from './shared.js';

/** `stratum space list|create|delete|exists|info`. */
export function addSpaceCommands(program: Program, run: RunHuman): void {
  const space = program.command('space').description('Manage the spaces of the current branch');
  space.command('list').description(describe('SpaceList')).option('--json', 'print the output as JSON')
    .action((o, cmd: Program) => run(cmd, () => ({ type: 'SpaceList' }), renderList('space'), o));
  space.command('create <name>').description(describe('SpaceCreate')).option('--json', 'print the output as JSON')
    .action((name: string, o, cmd: Program) => run(cmd, () => ({ type: 'SpaceCreate', space: name }), () => `created ${name}`, o));
  space.command('delete <name>').description(describe('SpaceDelete')).option('--force', 'delete every item in it too')
    .option('--json', 'print the output as JSON')
    .action((name: string, o: { force?: boolean; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'SpaceDelete', space: name, force: o.force === true }), () => `deleted ${name}`, o));
  space.command('exists <name>').description(describe('SpaceExists')).option('--json', 'print the output as JSON')
    .action((name: string, o, cmd: Program) => run(cmd, () => ({ type: 'SpaceExists', space: name }), renderScalar, o));
  space.command('info <name>').description(describe('SpaceInfo')).option('--json', 'print the output as JSON')
    .action((name: string, o, cmd: Program) =>
      run(cmd, () => ({ type: 'SpaceInfo', space: name }), (out) => {
        const i = out as unknown as { name: string; createdAt: number; counts: Record<string, number> };
        return table(['space', 'created', ...Object.keys(i.counts)], [[i.name, isoTime(i.createdAt), ...Object.values(i.counts).map(String)]]);
      }, o));
}
