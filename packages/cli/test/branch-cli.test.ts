import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectVerifiedReplay, recordSession } from './helpers/record-replay.js';
import { linesOf, runCli } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp.js';

/** Runs `stratum --db <dir> <args>`. */
const at = (dir: string, ...args: string[]) => runCli(['--db', dir, ...args]);

/** The lines a command printed, checking it succeeded quietly. */
async function out(dir: string, ...args: string[]): Promise<string[]> {
  const r = await at(dir, ...args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return linesOf(r.stdout);
}

/** The one JSON line a command printed with --json, parsed. */
async function json(dir: string, ...args: string[]): Promise<any> {
  const lines = await out(dir, ...args, '--json');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string);
}

const words = (line: string | undefined) => line?.trim().split(/\s{2,}/);
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('stratum branch', () => {
  it('create/get/list/fork/delete print tables and messages, and the output object with --json', async () => {
    const dir = await tempDir();
    expect(await out(dir, 'branch', 'create', 'feature')).toEqual([expect.stringMatching(/^created feature \(version \d+\)$/)]);
    const generated = await json(dir, 'branch', 'create');
    expect(generated).toMatchObject({ type: 'BranchWithVersion', info: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), parentId: null, forkVersion: null } });
    expect(await out(dir, 'branch', 'fork', 'exp', '--source', 'feature')).toEqual([expect.stringMatching(/^forked feature into exp at version \d+ \(spaces: default\)$/)]);

    const [header, rule, ...rows] = await out(dir, 'branch', 'list');
    expect(words(header)).toEqual(['branch', 'parent', 'fork version', 'created']);
    expect(rule).toMatch(/^-+( +-+){3}$/);
    expect(rows.map((r) => words(r)?.slice(0, 2))).toEqual([[generated.info.id, '-'], ['default', '-'], ['exp', 'feature'], ['feature', '-']]);
    expect(words(rows[2])?.[3]).toMatch(TIME);
    expect((await json(dir, 'branch', 'list', '--offset', '1', '--limit', '2')).value.map((b: any) => b.info.id)).toEqual(['default', 'exp']);

    const got = await json(dir, 'branch', 'get', 'exp');
    expect(got).toEqual({ type: 'MaybeBranchInfo', value: { info: { id: 'exp', status: 'active', createdAt: expect.any(Number), updatedAt: expect.any(Number), parentId: 'feature', forkVersion: expect.any(Number) }, version: expect.any(Number), timestamp: expect.any(Number) } });
    expect((await out(dir, 'branch', 'get', 'exp'))[2]).toMatch(new RegExp(`^exp\\s+feature\\s+${got.value.info.forkVersion}\\s+\\d{4}-`));
    expect(await out(dir, 'branch', 'get', 'nope')).toEqual(["(no branch 'nope')"]);
    expect(await json(dir, 'branch', 'get', 'nope')).toEqual({ type: 'MaybeBranchInfo', value: null });

    expect(await out(dir, 'branch', 'delete', 'exp')).toEqual(['deleted exp']);
    expect(await json(dir, 'branch', 'delete', 'feature')).toEqual({ type: 'Unit' });
    expect((await json(dir, 'branch', 'list')).value.map((b: any) => b.info.id)).toEqual([generated.info.id, 'default']);
  });

  it('forks the --branch of the session, diffs, and merges into it', async () => {
    const dir = await tempDir();
    await out(dir, 'kv', 'put', 'a', '1');
    await out(dir, '--space', 'work', 'kv', 'put', 'w', '1');
    await out(dir, 'branch', 'create', 'main');
    await out(dir, '--branch', 'main', 'kv', 'put', 'm', '"main"');
    expect(await out(dir, '--branch', 'main', 'branch', 'fork', 'exp')).toEqual([expect.stringMatching(/^forked main into exp /)]);
    await out(dir, '--branch', 'exp', 'kv', 'put', 'm', '"exp"');
    await out(dir, '--branch', 'exp', 'kv', 'put', 'n', '2');
    await out(dir, '--branch', 'exp', '--space', 'work', 'kv', 'put', 'w', '3');

    expect((await out(dir, 'branch', 'diff', 'main', 'exp')).map(words)).toEqual([
      ['space', 'change', 'primitive', 'key'],
      ['-------', '--------', '---------', '---'],
      ['default', 'added', 'kv', 'n'],
      ['default', 'modified', 'kv', 'm'],
      ['work', 'added', 'kv', 'w'],
      ['2 added, 0 removed, 1 modified'],
    ]);
    expect((await json(dir, 'branch', 'diff', 'main', 'exp', '--in-space', 'work')).spaces).toEqual([{ space: 'work', added: [{ primitive: 'kv', key: 'w' }], removed: [], modified: [] }]);
    expect(await out(dir, 'branch', 'diff', 'main', 'main')).toEqual(['(no differences)']);

    expect(await out(dir, '--branch', 'main', 'branch', 'merge', 'exp')).toEqual(['merged exp into main: 3 applied, 0 deleted, 0 conflicts (spaces: default, work)']);
    expect((await json(dir, '--branch', 'main', 'kv', 'get', 'm')).value.value).toBe('exp');
    expect((await json(dir, 'kv', 'get', 'm')).value).toBeNull();
    expect(await out(dir, '--branch', 'main', 'branch', 'merge', 'exp')).toEqual(['merged exp into main: 0 applied, 0 deleted, 0 conflicts (nothing to merge)']);

    await out(dir, '--branch', 'main', 'kv', 'put', 'm', '"main again"');
    await out(dir, '--branch', 'exp', 'kv', 'put', 'm', '"exp again"');
    const conflict = await at(dir, 'branch', 'merge', 'exp', '--target', 'main');
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/^Conflict: /);
    expect((await json(dir, '--branch', 'main', 'kv', 'get', 'm')).value.value).toBe('main again');
    expect(await out(dir, 'branch', 'merge', 'exp', '--target', 'main', '--strategy', 'last_writer_wins')).toEqual([
      'merged exp into main: 1 applied, 0 deleted, 1 conflicts (spaces: default)',
      'conflicts resolved for exp:',
      'space    primitive  key',
      '-------  ---------  ---',
      'default  kv         m',
    ]);
    expect(await json(dir, 'branch', 'merge', 'exp', '--target', 'main')).toEqual({
      type: 'BranchMerged', source: 'exp', target: 'main', keysApplied: 0, keysDeleted: 0, conflicts: [], spacesMerged: [],
    });
  });

  it('exports, validates and imports bundles; a damaged one is refused', async () => {
    const dir = await tempDir();
    const db = join(dir, 'db');
    await out(db, 'branch', 'create', 'proj');
    await out(db, '--branch', 'proj', '--space', 'notes', 'kv', 'put', 'k', '{"n":1}');
    const file = join(dir, 'proj.bundle');
    expect(await out(db, 'branch', 'export', 'proj', file)).toEqual([expect.stringMatching(new RegExp(`^exported proj to ${file} \\(\\d+ entries, \\d+ bytes\\)$`))]);
    expect(await out(db, 'branch', 'validate', file)).toEqual([expect.stringMatching(/^valid bundle of proj \(format \d+, \d+ entries\)$/)]);
    const exists = await at(db, 'branch', 'export', 'proj', file, '--json');
    expect(exists.code).toBe(1);
    expect(JSON.parse(exists.stderr)).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
    expect((await at(db, 'branch', 'import', file)).stderr).toMatch(/^BranchExists: /);
    await out(db, 'branch', 'delete', 'proj');
    expect(await out(db, 'branch', 'import', file)).toEqual([expect.stringMatching(/^imported proj \(\d+ items written in \d+ transactions\)$/)]);
    expect((await json(db, '--branch', 'proj', '--space', 'notes', 'kv', 'get', 'k')).value.value).toEqual({ n: 1 });

    const bytes = await readFile(file);
    await writeFile(join(dir, 'cut.bundle'), bytes.subarray(0, bytes.length - 5));
    for (const command of ['validate', 'import']) {
      const r = await at(db, 'branch', command, join(dir, 'cut.bundle'));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^InvalidInput: /);
    }
    expect((await json(db, 'branch', 'validate', file)).value).toMatchObject({ branch: 'proj', checksumsValid: true });
  });

  it('exits 1 with the error for a command error and 2 for a usage error', async () => {
    const dir = await tempDir();
    await out(dir, 'branch', 'create', 'feature');
    for (const [args, error] of [
      [['branch', 'create', 'feature'], 'BranchExists'],
      [['branch', 'create', ''], 'InvalidInput'],
      [['branch', 'delete', 'default'], 'ConstraintViolation'],
      [['branch', 'delete', 'nope'], 'BranchNotFound'],
      [['branch', 'fork', 'x', '--source', 'nope'], 'BranchNotFound'],
      [['branch', 'diff', 'default', 'nope'], 'BranchNotFound'],
      [['branch', 'merge', 'nope'], 'BranchNotFound'],
      [['branch', 'validate', join(dir, 'absent.bundle')], 'Io'],
    ] as const) {
      const r = await at(dir, ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^${error}: `));
    }
    for (const args of [
      ['branch', 'merge', 'feature', '--strategy', 'ours'],
      ['branch', 'list', '--limit', '-1'],
      ['branch', 'list', '--offset', 'two'],
      ['branch', 'get'],
      ['branch', 'fork'],
      ['branch', 'diff', 'default'],
      ['branch', 'export', 'feature'],
      ['--branch', 'nope', 'branch', 'fork', 'x'],
    ]) {
      expect((await at(dir, ...args)).code, args.join(' ')).toBe(2);
    }
    expect((await json(dir, 'branch', 'list')).value.map((b: any) => b.info.id)).toEqual(['default', 'feature']);
  });
});

describe('stratum replay of branch commands', () => {
  const session = [
    '{"type":"KvPut","key":"a","value":1}',
    '{"type":"BranchCreate"}',
    '{"type":"BranchFork","destination":"exp"}',
    '{"type":"KvPut","branch":"exp","space":"notes","key":"n","value":"x"}',
    '{"type":"EventAppend","branch":"exp","eventType":"e","payload":{"i":1}}',
    '{"type":"BranchDiff","branchA":"default","branchB":"exp"}',
    '{"type":"BranchMerge","source":"exp","strategy":"strict"}',
    '{"type":"BranchList"}',
    '{"type":"BranchGet","branch":"exp"}',
    '{"type":"TimeRange","branch":"exp"}',
    '{"type":"BranchDelete","branch":"exp"}',
    '{"type":"BranchCreate","branch":"exp"}',
    '{"type":"KvList","branch":"exp"}',
  ];

  it('replays a recorded session (generated names included) with --verify', async () => {
    const { log, served } = await recordSession(session);
    const responses = linesOf(served.stdout).map((l) => JSON.parse(l));
    expect(responses.every((r) => r.ok)).toBe(true);
    expect(responses[1].output.info.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(responses[6].output).toMatchObject({ source: 'exp', target: 'default', spacesMerged: ['default', 'notes'] });
    expect(responses[12].output).toEqual({ type: 'Keys', value: [] });
    await expectVerifiedReplay(log);
  });
});
