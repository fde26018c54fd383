import type { Output } from '@stratum/executor';
import type { Command as Program } from 'commander';
import { isoTime, showValue, table } from '../format.js';
import { describe, int, pick, valueArg, type RunHuman } from './shared.js';

interface Entry {
  value: unknown;
  version: number;
  timestamp: number;
  deleted?: true;
}

/** A page of `list` when no --limit is given. */
const DEFAULT_LIMIT = 100;

const renderValue = (key: string, path: string) => (o: Output): string => {
  const v = (o as { value: Entry | null }).value;
  if (v === null) return `(no value at '${path}' of '${key}')`;
  return table(['key', 'path', 'value', 'version', 'time'], [[key, path, showValue(v.value), String(v.version), isoTime(v.timestamp)]]);
};

const renderHistory = (key: string) => (o: Output): string => {
  const entries = (o as { value: Entry[] | null }).value;
  if (entries === null) return `(no history for '${key}')`;
  return table(
    ['version', 'time', 'document'],
    entries.map((e) => [String(e.version), isoTime(e.timestamp), e.deleted === true ? '(deleted)' : showValue(e.value)]),
  );
};

const renderPage = (o: Output): string => {
  const { keys, cursor } = o as { keys: string[]; cursor: string | null };
  const body = keys.length === 0 ? '(no documents)' : table(['key'], keys.map((k) => [k]));
  return cursor === null ? body : `${body}\n(more: --cursor ${JSON.stringify(cursor)})`;
};

/** Whole numbers only; anything else is a usage error. */

/** `stratum json get|set|del|list|history`. */
export function addJsonCommands(program: Program, run: RunHuman): void {
  const json = program.command('json').description('Read and write JSON documents of the current space');
  json.command('get <key> [path]').description(`${describe('JsonGet')} PATH defaults to "$", the whole document.`)
    .option('--as-of <us>', 'as of this moment (µs since the epoch)', int).option('--json', 'print the output as JSON')
    .action((key: string, path: string | undefined, o: { asOf?: number; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'JsonGet', key, path: path ?? '$', ...pick(o, ['asOf']) }), renderValue(key, path ?? '$'), o));
  json.command('set <key> <path> <value>').description(`${describe('JsonSet')} VALUE is JSON, or plain text.`)
    .option('--json', 'print the output as JSON')
    .action((key: string, path: string, value: string, o, cmd: Program) =>
      run(cmd, () => ({ type: 'JsonSet', key, path, value: valueArg(value) }), (out) => `version ${String((out as { value: number }).value)}`, o));
  json.command('del <key> [path]').description(`${describe('JsonDelete')} PATH defaults to "$", the whole document.`)
    .option('--json', 'print the output as JSON')
    .action((key: string, path: string | undefined, o, cmd: Program) =>
      run(cmd, () => ({ type: 'JsonDelete', key, path: path ?? '$' }), (out) => ((out as { value: number }).value === 1 ? 'deleted' : 'nothing to delete'), o));
  json.command('list').description(describe('JsonList')).option('--prefix <prefix>', 'only keys starting with this')
    .option('--cursor <key>', 'start after this key').option('--limit <n>', `at most this many keys (default ${DEFAULT_LIMIT})`, int)
    .option('--as-of <us>', 'documents live at this moment (µs since the epoch)', int).option('--json', 'print the output as JSON')
    .action((o: { prefix?: string; cursor?: string; limit?: number; asOf?: number; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'JsonList', limit: o.limit ?? DEFAULT_LIMIT, ...pick(o, ['prefix', 'cursor', 'asOf']) }), renderPage, o));
  json.command('history <key>').description(describe('JsonGetv'))
    .option('--as-of <us>', 'only versions at or before this moment (µs since the epoch)', int).option('--json', 'print the output as JSON')
    .action((key: string, o: { asOf?: number; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'JsonGetv', key, ...pick(o, ['asOf']) }), renderHistory(key), o));
}
