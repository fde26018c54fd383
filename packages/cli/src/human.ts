import { parseJson, valueFromJson, stringifyJson, type Value } from '@stratum/core';
import { COMMAND_SCHEMAS, type Command, type Output } from '@stratum/executor';
import type { Command as Program } from 'commander';
import { isoTime, showValue, table } from './format.js';

/** Opens the database for `cmd`'s options, runs the built command, prints its output (table or `--json`). */
export type RunHuman = (cmd: Program, build: () => Command, render: (output: Output) => string, opts: { json?: boolean }) => Promise<void>;

const describe = (type: keyof typeof COMMAND_SCHEMAS): string => COMMAND_SCHEMAS[type].description ?? type;

/** A value typed on the command line: JSON when it parses as JSON, else the text itself. */
export function valueArg(text: string): Value {
  try {
    return valueFromJson(parseJson(text), '/value');
  } catch {
    return text;
  }
}

function renderVersioned(key: string) {
  return (o: Output): string => {
    const v = (o as { value: { value: unknown; version: number; timestamp: number } | null }).value;
    if (v === null) return `(no value for '${key}')`;
    return table(['key', 'value', 'version', 'time'], [[key, showValue(v.value), String(v.version), isoTime(v.timestamp)]]);
  };
}

const renderList = (title: string) => (o: Output): string => {
  const items = (o as { value: string[] }).value;
  return items.length === 0 ? `(no ${title})` : table([title], items.map((k) => [k]));
};

const renderScalar = (o: Output): string => ('value' in o ? showValue(o.value) : o.type === 'Unit' ? 'ok' : stringifyJson(o));

/** `stratum kv …` and `stratum space …`: readable tables by default, `--json` for machines. */
export function addHumanCommands(program: Program, run: RunHuman): void {
  const kv = program.command('kv').description('Read and write keys of the current space');
  kv.command('get <key>').description(describe('KvGet')).option('--json', 'print the output as JSON')
    .action((key: string, o, cmd: Program) => run(cmd, () => ({ type: 'KvGet', key }), renderVersioned(key), o));
  kv.command('put <key> <value>').description(`${describe('KvPut')} VALUE is JSON, or plain text.`)
    .option('--json', 'print the output as JSON')
    .action((key: string, value: string, o, cmd: Program) => run(cmd, () => ({ type: 'KvPut', key, value: valueArg(value) }), (out) => `version ${renderScalar(out)}`, o));
  kv.command('del <key>').description(describe('KvDelete')).option('--json', 'print the output as JSON')
    .action((key: string, o, cmd: Program) => run(cmd, () => ({ type: 'KvDelete', key }), (out) => ((out as { value: boolean }).value ? 'deleted' : 'not found'), o));
  kv.command('list').description(describe('KvList')).option('--prefix <prefix>', 'only keys starting with this')
    .option('--cursor <key>', 'start after this key (with --limit)').option('--limit <n>', 'at most this many keys', Number)
    .option('--json', 'print the output as JSON')
    .action((o: { prefix?: string; cursor?: string; limit?: number; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'KvList', ...pick(o, ['prefix', 'cursor', 'limit']) }), renderList('key'), o));

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

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

