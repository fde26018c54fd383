import type { Output } from '@stratum/executor';
import { InvalidArgumentError, type Command as Program } from 'commander';
import { isoTime, table } from '../format.js';
import { describe, int, pick, type RunHuman } from './shared.js';

interface BranchInfo {
  id: string;
  createdAt: number;
  parentId: string | null;
  forkVersion: number | null;
}

interface DiffEntry {
  primitive: string;
  key: string;
}

type Strategy = 'strict' | 'last_writer_wins';

function strategy(text: string): Strategy {
  if (text !== 'strict' && text !== 'last_writer_wins') throw new InvalidArgumentError('expected strict or last_writer_wins.');
  return text;
}

const BRANCH_COLUMNS = ['branch', 'parent', 'fork version', 'created'];
const branchRow = (i: BranchInfo): string[] => [i.id, i.parentId ?? '-', i.forkVersion === null ? '-' : String(i.forkVersion), isoTime(i.createdAt)];

const renderList = (o: Output): string => table(BRANCH_COLUMNS, (o as { value: { info: BranchInfo }[] }).value.map((b) => branchRow(b.info)));

const renderGet = (name: string) => (o: Output): string => {
  const b = (o as { value: { info: BranchInfo } | null }).value;
  return b === null ? `(no branch '${name}')` : table(BRANCH_COLUMNS, [branchRow(b.info)]);
};

function renderDiff(o: Output): string {
  const d = o as unknown as { spaces: { space: string; added: DiffEntry[]; removed: DiffEntry[]; modified: DiffEntry[] }[]; summary: Record<string, number> };
  const rows = d.spaces.flatMap((s) =>
    (['added', 'removed', 'modified'] as const).flatMap((change) => s[change].map((e) => [s.space, change, e.primitive, e.key])),
  );
  const total = `${d.summary['added']} added, ${d.summary['removed']} removed, ${d.summary['modified']} modified`;
  return rows.length === 0 ? '(no differences)' : `${table(['space', 'change', 'primitive', 'key'], rows)}\n${total}`;
}

function renderMerge(o: Output): string {
  const m = o as unknown as { source: string; target: string; keysApplied: number; keysDeleted: number; conflicts: { space: string; primitive: string; key: string }[]; spacesMerged: string[] };
  const spaces = m.spacesMerged.length === 0 ? 'nothing to merge' : `spaces: ${m.spacesMerged.join(', ')}`;
  const head = `merged ${m.source} into ${m.target}: ${m.keysApplied} applied, ${m.keysDeleted} deleted, ${m.conflicts.length} conflicts (${spaces})`;
  if (m.conflicts.length === 0) return head;
  return `${head}\nconflicts resolved for ${m.source}:\n${table(['space', 'primitive', 'key'], m.conflicts.map((c) => [c.space, c.primitive, c.key]))}`;
}

/** The session's branch (`--branch`), where a fork starts and a merge lands unless told otherwise. */
const sessionBranch = (cmd: Program): string => (cmd.optsWithGlobals() as { branch?: string }).branch ?? 'default';

/** `stratum branch list|create|get|delete|fork|diff|merge|export|import|validate`. */
export function addBranchCommands(program: Program, run: RunHuman): void {
  const branch = program.command('branch').description('Create, fork, compare, merge and move branches');
  branch.command('list').description(describe('BranchList'))
    .option('--limit <n>', 'at most this many branches', int).option('--offset <n>', 'skip this many branches first', int)
    .option('--json', 'print the output as JSON')
    .action((o: { limit?: number; offset?: number; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'BranchList', ...pick(o, ['limit', 'offset']) }), renderList, o));
  branch.command('create [name]').description(describe('BranchCreate')).option('--json', 'print the output as JSON')
    .action((name: string | undefined, o, cmd: Program) =>
      run(cmd, () => ({ type: 'BranchCreate', ...(name === undefined ? {} : { branch: name }) }), (out) => {
        const c = out as unknown as { info: BranchInfo; version: number };
        return `created ${c.info.id} (version ${c.version})`;
      }, o));
  branch.command('get <name>').description(describe('BranchGet')).option('--json', 'print the output as JSON')
    .action((name: string, o, cmd: Program) => run(cmd, () => ({ type: 'BranchGet', branch: name }), renderGet(name), o));
  branch.command('delete <name>').description(describe('BranchDelete')).option('--json', 'print the output as JSON')
    .action((name: string, o, cmd: Program) => run(cmd, () => ({ type: 'BranchDelete', branch: name }), () => `deleted ${name}`, o));
  branch.command('fork <destination>').description(describe('BranchFork'))
    .option('--source <branch>', 'branch to fork (default: --branch, else default)').option('--json', 'print the output as JSON')
    .action((destination: string, o: { source?: string; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'BranchFork', source: o.source ?? sessionBranch(cmd), destination }), (out) => {
        const f = out as unknown as { source: string; destination: string; forkVersion: number; spaces: string[] };
        return `forked ${f.source} into ${f.destination} at version ${f.forkVersion} (spaces: ${f.spaces.join(', ')})`;
      }, o));
  branch.command('diff <branchA> <branchB>').description(describe('BranchDiff'))
    .option('--in-space <space>', 'compare only this space').option('--json', 'print the output as JSON')
    .action((branchA: string, branchB: string, o: { inSpace?: string; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'BranchDiff', branchA, branchB, ...(o.inSpace === undefined ? {} : { space: o.inSpace }) }), renderDiff, o));
  branch.command('merge <source>').description(describe('BranchMerge'))
    .option('--target <branch>', 'branch that receives the changes (default: --branch, else default)')
    .option('--strategy <strategy>', 'strict (fail on conflicts) or last_writer_wins (the source wins)', strategy, 'strict' as Strategy)
    .option('--json', 'print the output as JSON')
    .action((source: string, o: { target?: string; strategy: Strategy; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'BranchMerge', source, target: o.target ?? sessionBranch(cmd), strategy: o.strategy }), renderMerge, o));
  branch.command('export <branch> <file>').description(describe('BranchExport')).option('--json', 'print the output as JSON')
    .action((name: string, path: string, o, cmd: Program) =>
      run(cmd, () => ({ type: 'BranchExport', branch: name, path }), (out) => {
        const e = (out as { value: { branch: string; path: string; entryCount: number; bundleSize: number } }).value;
        return `exported ${e.branch} to ${e.path} (${e.entryCount} entries, ${e.bundleSize} bytes)`;
      }, o));
  branch.command('import <file>').description(describe('BranchImport')).option('--json', 'print the output as JSON')
    .action((path: string, o, cmd: Program) =>
      run(cmd, () => ({ type: 'BranchImport', path }), (out) => {
        const i = (out as { value: { branch: string; transactionsApplied: number; keysWritten: number } }).value;
        return `imported ${i.branch} (${i.keysWritten} items written in ${i.transactionsApplied} transactions)`;
      }, o));
  branch.command('validate <file>').description(describe('BranchBundleValidate')).option('--json', 'print the output as JSON')
    .action((path: string, o, cmd: Program) =>
      run(cmd, () => ({ type: 'BranchBundleValidate', path }), (out) => {
        const v = (out as { value: { branch: string; formatVersion: number; entryCount: number; checksumsValid: boolean } }).value;
        return `${v.checksumsValid ? 'valid' : 'damaged'} bundle of ${v.branch} (format ${v.formatVersion}, ${v.entryCount} entries)`;
      }, o));
}
