import type { Command as Program } from 'commander';
import { describe, int, pick, renderList, renderScalar, renderVersioned, valueArg, type RunHuman } from './shared.js';

/** `stratum kv get|put|del|list`. */
export function addKvCommands(program: Program, run: RunHuman): void {
  const kv = program.command('kv').description('Read and write keys of the current space');
  kv.command('get <key>').description(describe('KvGet')).option('--json', 'print the output as JSON')
    .action((key: string, o, cmd: Program) => run(cmd, () => ({ type: 'KvGet', key }), renderVersioned(key), o));
  kv.command('put <key> <value>').description(`${describe('KvPut')} VALUE is JSON, or plain text.`)
    .option('--json', 'print the output as JSON')
    .action((key: string, value: string, o, cmd: Program) => run(cmd, () => ({ type: 'KvPut', key, value: valueArg(value) }), (out) => `version ${renderScalar(out)}`, o));
  kv.command('del <key>').description(describe('KvDelete')).option('--json', 'print the output as JSON')
    .action((key: string, o, cmd: Program) => run(cmd, () => ({ type: 'KvDelete', key }), (out) => ((out as { value: boolean }).value ? 'deleted' : 'not found'), o));
  kv.command('list').description(describe('KvList')).option('--prefix <prefix>', 'only keys starting with this')
    .option('--cursor <key>', 'start after this key (with --limit)').option('--limit <n>', 'at most this many keys', int)
    .option('--json', 'print the output as JSON')
    .action((o: { prefix?: string; cursor?: string; limit?: number; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'KvList', ...pick(o, ['prefix', 'cursor', 'limit']) }), renderList('key'), o));
}
