import type { Output } from '@stratum/executor';
import type { Command as Program } from 'commander';
import { isoTime, showValue, table } from '../format.js';
import { describe, int, pick, renderList, valueArg, type RunHuman } from './shared.js';

interface Entry {
  value: unknown;
  version: number;
  timestamp: number;
  deleted?: true;
}

const renderCell = (cell: string) => (o: Output): string => {
  const v = (o as { value: Entry | null }).value;
  if (v === null) return `(no value for '${cell}')`;
  return table(['cell', 'value', 'counter', 'time'], [[cell, showValue(v.value), String(v.version), isoTime(v.timestamp)]]);
};

const renderHistory = (cell: string) => (o: Output): string => {
  const entries = (o as { value: Entry[] | null }).value;
  if (entries === null) return `(no history for '${cell}')`;
  return table(
    ['counter', 'time', 'value'],
    entries.map((e) => [String(e.version), isoTime(e.timestamp), e.deleted === true ? '(deleted)' : showValue(e.value)]),
  );
};

const renderCounter = (o: Output): string => `counter ${String((o as { value: number }).value)}`;

const renderCas = (expected: number | undefined) => (o: Output): string => {
  const v = (o as { value: number | null }).value;
  if (v !== null) return `counter ${v}`;
  return expected === undefined ? 'not written: the cell exists' : `not written: the cell's counter is not ${expected}`;
};

/** `--as-of` and `--expect` take a whole number; anything else is a usage error. */

/** `stratum state get|set|cas|init|del|list|history`. */
export function addStateCommands(program: Program, run: RunHuman): void {
  const state = program.command('state').description('Read and write state cells of the current space');
  state.command('get <cell>').description(describe('StateGet')).option('--as-of <us>', 'as of this moment (µs since the epoch)', int)
    .option('--json', 'print the output as JSON')
    .action((cell: string, o: { asOf?: number; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'StateGet', cell, ...pick(o, ['asOf']) }), renderCell(cell), o));
  state.command('set <cell> <value>').description(`${describe('StateSet')} VALUE is JSON, or plain text.`)
    .option('--json', 'print the output as JSON')
    .action((cell: string, value: string, o, cmd: Program) => run(cmd, () => ({ type: 'StateSet', cell, value: valueArg(value) }), renderCounter, o));
  state.command('cas <cell> <value>').description(`${describe('StateCas')} VALUE is JSON, or plain text.`)
    .option('--expect <counter>', 'the counter the cell must have (without it: the cell must not exist)', int)
    .option('--json', 'print the output as JSON')
    .action((cell: string, value: string, o: { expect?: number; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({
        type: 'StateCas', cell, value: valueArg(value), ...(o.expect === undefined ? {} : { expectedCounter: o.expect }),
      }), renderCas(o.expect), o));
  state.command('init <cell> <value>').description(`${describe('StateInit')} VALUE is JSON, or plain text.`)
    .option('--json', 'print the output as JSON')
    .action((cell: string, value: string, o, cmd: Program) => run(cmd, () => ({ type: 'StateInit', cell, value: valueArg(value) }), renderCounter, o));
  state.command('del <cell>').description(describe('StateDelete')).option('--json', 'print the output as JSON')
    .action((cell: string, o, cmd: Program) =>
      run(cmd, () => ({ type: 'StateDelete', cell }), (out) => ((out as { value: boolean }).value ? 'deleted' : 'not found'), o));
  state.command('list').description(describe('StateList')).option('--prefix <prefix>', 'only cells starting with this')
    .option('--as-of <us>', 'cells live at this moment (µs since the epoch)', int).option('--json', 'print the output as JSON')
    .action((o: { prefix?: string; asOf?: number; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'StateList', ...pick(o, ['prefix', 'asOf']) }), renderList('cell'), o));
  state.command('history <cell>').description(describe('StateGetv'))
    .option('--as-of <us>', 'only versions at or before this moment (µs since the epoch)', int).option('--json', 'print the output as JSON')
    .action((cell: string, o: { asOf?: number; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'StateGetv', cell, ...pick(o, ['asOf']) }), renderHistory(cell), o));
}
