import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMMAND_TYPES } from '@stratum/executor';
import { describe, expect, it } from 'vitest';
import { linesOf, runCli } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp.js';

/** Runs `stratum --db <dir> <args>`. */
const at = (dir: string, ...args: string[]) => runCli(['--db', dir, ...args]);

/** The one line a command printed, parsed. */
function onlyLine(stdout: string): any {
  const lines = linesOf(stdout);
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string);
}

describe('stratum exec', () => {
  it('prints one response line and exits 0 on success', async () => {
    const dir = await tempDir();
    const r = await at(dir, 'exec', '{"id":"p","type":"Ping"}');
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(onlyLine(r.stdout)).toEqual({ id: 'p', ok: true, output: { type: 'Pong', version: expect.any(String) } });
    expect(r.stderr).toBe('');
  });

  it('exits 1 with the error response on a command error', async () => {
    const dir = await tempDir();
    const invalid = await at(dir, 'exec', '{"id":3,"type":"KvGet","key":""}');
    expect(invalid.code).toBe(1);
    expect(onlyLine(invalid.stdout)).toMatchObject({ id: 3, ok: false, error: { code: 'InvalidInput' } });
    const notJson = await at(dir, 'exec', 'not json');
    expect(notJson.code).toBe(1);
    expect(onlyLine(notJson.stdout)).toMatchObject({ ok: false, error: { code: 'ParseError' } });
    const notObject = await at(dir, 'exec', '42');
    expect(notObject.code).toBe(1);
    expect(onlyLine(notObject.stdout)).toMatchObject({ ok: false, error: { code: 'InvalidCommand', details: { path: '' } } });
    const missing = await at(dir, 'exec', '{"type":"SpaceInfo","space":"nope"}');
    expect(missing.code).toBe(1);
    expect(onlyLine(missing.stdout)).toMatchObject({ ok: false, error: { code: 'SpaceNotFound', details: { space: 'nope' } } });
  });

  it('runs an array as a batch: one line holding one response per command', async () => {
    const dir = await tempDir();
    const ok = await at(dir, 'exec', '[{"type":"KvPut","key":"a","value":1},{"type":"KvGet","key":"a"}]');
    expect(ok.code).toBe(0);
    const [put, get] = onlyLine(ok.stdout);
    expect(put).toEqual({ ok: true, output: { type: 'Version', value: 1 } });
    expect(get.output.value).toMatchObject({ value: 1, version: 1 });
    const mixed = await at(dir, 'exec', '[{"type":"KvPut","key":"b","value":2},{"type":"KvPut","key":"","value":3}]');
    expect(mixed.code).toBe(1);
    expect(onlyLine(mixed.stdout).map((r: { ok: boolean }) => r.ok)).toEqual([true, false]);
  });

  it('keeps what one process wrote for the next one on the same --db', async () => {
    const dir = await tempDir();
    expect((await at(dir, 'exec', '{"type":"KvPut","space":"notes","key":"k","value":{"n":[1,2]}}')).code).toBe(0);
    const read = await at(dir, 'exec', '{"type":"KvGet","space":"notes","key":"k"}');
    expect(onlyLine(read.stdout).output.value).toMatchObject({ value: { n: [1, 2] }, version: 1 });
  });

  it('refuses writes with --read-only (exit 1, AccessDenied)', async () => {
    const dir = await tempDir();
    await at(dir, 'exec', '{"type":"KvPut","key":"a","value":1}');
    const r = await at(dir, '--read-only', 'exec', '{"type":"KvPut","key":"a","value":2}');
    expect(r.code).toBe(1);
    expect(onlyLine(r.stdout)).toMatchObject({ ok: false, error: { code: 'AccessDenied', details: { command: 'KvPut' } } });
    const read = await at(dir, '--read-only', 'exec', '{"type":"KvGet","key":"a"}');
    expect(read.code).toBe(0);
    expect(onlyLine(read.stdout).output.value.value).toBe(1);
  });

  it.each([
    ['an unknown subcommand', ['frobnicate']],
    ['an unknown global option', ['--frob', 'exec', '{"type":"Ping"}']],
    ['an unknown option of exec', ['exec', '--frob', '{"type":"Ping"}']],
    ['exec without its argument', ['exec']],
    ['exec with two arguments', ['exec', '{"type":"Ping"}', 'extra']],
    ['an unknown kv subcommand', ['kv', 'frob']],
    ['an unknown --durability', ['--durability', 'sometimes', 'exec', '{"type":"Ping"}']],
    ['an unknown schema name', ['schema', 'nope']],
  ])('exits 2 with nothing on stdout for %s', async (_what, args) => {
    const dir = await tempDir();
    const r = await at(dir, ...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toBe('');
  });
});

describe('stratum kv', () => {
  it('put/get/del/list print readable tables, and the output object with --json', async () => {
    const dir = await tempDir();
    const put = await at(dir, 'kv', 'put', 'greeting', '"hello"');
    expect(put.code).toBe(0);
    expect(linesOf(put.stdout)).toEqual(['version 1']);
    expect(onlyLine((await at(dir, 'kv', 'put', 'n', '42', '--json')).stdout)).toEqual({ type: 'Version', value: 2 });
    // A value that is not JSON is stored as text; JSON is stored as its value.
    await at(dir, 'kv', 'put', 'text', 'hello world');
    await at(dir, 'kv', 'put', 'obj', '{"b":[1,2]}');

    const get = await at(dir, 'kv', 'get', 'greeting');
    expect(get.code).toBe(0);
    const [header, rule, row, ...rest] = linesOf(get.stdout);
    expect(header?.split(/\s+/)).toEqual(['key', 'value', 'version', 'time']);
    expect(rule).toMatch(/^-+( +-+){3}$/);
    expect(row).toMatch(/^greeting\s+"hello"\s+1\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(rest).toEqual([]);

    const json = onlyLine((await at(dir, 'kv', 'get', 'n', '--json')).stdout);
    expect(json).toEqual({ type: 'MaybeVersioned', value: { value: 42, version: 2, timestamp: expect.any(Number) } });
    expect(onlyLine((await at(dir, 'kv', 'get', 'text', '--json')).stdout).value.value).toBe('hello world');
    expect(onlyLine((await at(dir, 'kv', 'get', 'obj', '--json')).stdout).value.value).toEqual({ b: [1, 2] });

    const missing = await at(dir, 'kv', 'get', 'missing');
    expect(missing.code).toBe(0);
    expect(linesOf(missing.stdout)).toHaveLength(1);
    expect(missing.stdout).toContain('missing');
    expect(onlyLine((await at(dir, 'kv', 'get', 'missing', '--json')).stdout)).toEqual({ type: 'MaybeVersioned', value: null });

    const list = await at(dir, 'kv', 'list');
    expect(linesOf(list.stdout)).toEqual(['key', '--------', 'greeting', 'n', 'obj', 'text']);
    expect(onlyLine((await at(dir, 'kv', 'list', '--json')).stdout)).toEqual({ type: 'Keys', value: ['greeting', 'n', 'obj', 'text'] });
    expect(onlyLine((await at(dir, 'kv', 'list', '--prefix', 'g', '--json')).stdout)).toEqual({ type: 'Keys', value: ['greeting'] });
    expect(onlyLine((await at(dir, 'kv', 'list', '--cursor', 'n', '--limit', '1', '--json')).stdout)).toEqual({ type: 'Keys', value: ['obj'] });

    const del = await at(dir, 'kv', 'del', 'greeting');
    expect(del.code).toBe(0);
    expect(linesOf(del.stdout)).toEqual(['deleted']);
    const again = await at(dir, 'kv', 'del', 'greeting');
    expect(again.code).toBe(0);
    expect(linesOf(again.stdout)).toEqual(['not found']);
    expect(onlyLine((await at(dir, 'kv', 'del', 'n', '--json')).stdout)).toEqual({ type: 'Bool', value: true });
    expect(onlyLine((await at(dir, 'kv', 'list', '--json')).stdout)).toEqual({ type: 'Keys', value: ['obj', 'text'] });
    const empty = await at(dir, 'kv', 'list', '--prefix', 'zzz');
    expect(empty.code).toBe(0);
    expect(linesOf(empty.stdout)).toHaveLength(1);
    expect(empty.stdout).not.toContain('obj');
  });

  it('acts in the --space given, which the write registers', async () => {
    const dir = await tempDir();
    expect((await at(dir, '--space', 'work', 'kv', 'put', 'task', '1')).code).toBe(0);
    expect(onlyLine((await at(dir, '--space', 'work', 'kv', 'get', 'task', '--json')).stdout).value.value).toBe(1);
    expect(onlyLine((await at(dir, 'kv', 'get', 'task', '--json')).stdout).value).toBeNull();
    expect(onlyLine((await at(dir, 'space', 'list', '--json')).stdout).value).toEqual(['default', 'work']);
  });

  it('reports a command error on stderr with exit code 1 and prints nothing on stdout', async () => {
    const dir = await tempDir();
    const plain = await at(dir, 'kv', 'get', '');
    expect(plain.code).toBe(1);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toContain('InvalidInput');
    const json = await at(dir, 'kv', 'put', '_strata/x', '1', '--json');
    expect(json.code).toBe(1);
    expect(json.stdout).toBe('');
    expect(JSON.parse(json.stderr)).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
  });
});

describe('stratum space', () => {
  it('create/list/exists/info/delete print readable output, and the output object with --json', async () => {
    const dir = await tempDir();
    const create = await at(dir, 'space', 'create', 'alpha');
    expect(create.code).toBe(0);
    expect(linesOf(create.stdout)).toHaveLength(1);
    expect(create.stdout).toContain('alpha');
    expect(onlyLine((await at(dir, 'space', 'create', 'beta', '--json')).stdout)).toEqual({ type: 'Unit' });

    expect(linesOf((await at(dir, 'space', 'list')).stdout)).toEqual(['space', '-------', 'alpha', 'beta', 'default']);
    expect(onlyLine((await at(dir, 'space', 'list', '--json')).stdout)).toEqual({ type: 'SpaceList', value: ['alpha', 'beta', 'default'] });

    expect(linesOf((await at(dir, 'space', 'exists', 'alpha')).stdout)).toEqual(['true']);
    expect(linesOf((await at(dir, 'space', 'exists', 'gamma')).stdout)).toEqual(['false']);
    expect(onlyLine((await at(dir, 'space', 'exists', 'alpha', '--json')).stdout)).toEqual({ type: 'Bool', value: true });

    await at(dir, '--space', 'alpha', 'kv', 'put', 'k', '1');
    const info = await at(dir, 'space', 'info', 'alpha');
    expect(info.code).toBe(0);
    const [header, , row] = linesOf(info.stdout);
    expect(header?.split(/\s+/)).toEqual(['space', 'created', 'kv', 'json', 'state', 'events', 'collections', 'vectors']);
    expect(row?.split(/\s+/)).toEqual(['alpha', expect.stringMatching(/^\d{4}-\d\d-\d\dT/), '1', '0', '0', '0', '0', '0']);
    expect(onlyLine((await at(dir, 'space', 'info', 'alpha', '--json')).stdout)).toEqual({
      type: 'SpaceInfo',
      name: 'alpha',
      createdAt: expect.any(Number),
      counts: { kv: 1, json: 0, state: 0, events: 0, collections: 0, vectors: 0 },
    });

    const notEmpty = await at(dir, 'space', 'delete', 'alpha');
    expect(notEmpty.code).toBe(1);
    expect(notEmpty.stdout).toBe('');
    expect(notEmpty.stderr).toContain('ConstraintViolation');
    const forced = await at(dir, 'space', 'delete', 'alpha', '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('alpha');
    expect(onlyLine((await at(dir, 'space', 'delete', 'beta', '--json')).stdout)).toEqual({ type: 'Unit' });
    expect(onlyLine((await at(dir, 'space', 'list', '--json')).stdout).value).toEqual(['default']);
  });

  it('answers errors with exit code 1: SpaceNotFound, an invalid name, the default space', async () => {
    const dir = await tempDir();
    const info = await at(dir, 'space', 'info', 'nope', '--json');
    expect(info.code).toBe(1);
    expect(JSON.parse(info.stderr)).toMatchObject({ error: { code: 'SpaceNotFound', details: { space: 'nope' } } });
    const bad = await at(dir, 'space', 'create', 'Bad');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('InvalidInput');
    const dflt = await at(dir, 'space', 'delete', 'default', '--force');
    expect(dflt.code).toBe(1);
    expect(dflt.stderr).toContain('ConstraintViolation');
  });
});

describe('stratum schema', () => {
  it('prints the command schema as JSON covering every command, and the output and error schemas', async () => {
    const r = await runCli(['schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as { oneOf: { $ref: string }[]; $defs: Record<string, unknown> };
    expect(schema.oneOf.map((s) => s.$ref).sort()).toEqual(COMMAND_TYPES.map((t) => `#/$defs/${t}`).sort());
    for (const t of COMMAND_TYPES) expect(schema.$defs[t]).toBeDefined();
    for (const name of ['output', 'error']) {
      const other = await runCli(['schema', name]);
      expect(other.code).toBe(0);
      expect(typeof JSON.parse(other.stdout)).toBe('object');
    }
  });
});

describe('stratum replay', () => {
  const session = [
    '{"type":"KvPut","key":"a","value":1}',
    '{"id":"g","type":"KvGet","key":"a"}',
    '{"type":"KvPut","space":"notes","key":"n","value":{"$bytes":"AAE="}}',
    '{"type":"SpaceCreate","space":"empty"}',
    '[{"type":"KvPut","key":"b","value":2.5},{"type":"KvDelete","key":"a"}]',
    '{"type":"KvGetv","key":"a"}',
    '{"type":"KvGet","key":"","id":9}',
    'not json',
    '{"type":"SpaceInfo","space":"notes"}',
    '{"type":"KvList","asOf":0}',
    '{"type":"Info"}',
  ];

  /** Serves `session` with `--log` and answers the log file's path and its lines. */
  async function record(): Promise<{ log: string; lines: string[] }> {
    const dir = await tempDir();
    const log = join(dir, 'session.log');
    const served = await runCli(['--db', join(dir, 'db'), 'serve', '--log', log], session.map((l) => `${l}\n`).join(''));
    expect(served.code).toBe(0);
    expect(linesOf(served.stdout)).toHaveLength(session.length);
    const lines = linesOf(await readFile(log, 'utf8'));
    expect(lines).toHaveLength(session.length);
    return { log, lines };
  }

  it('replays a recorded session with --verify: every response matches, exit 0', async () => {
    const { log } = await record();
    const r = await runCli(['replay', log, '--verify']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(String(session.length));
  });

  it('stops at an altered recorded response with exit 1, printing both lines', async () => {
    const { log, lines } = await record();
    const entry = JSON.parse(lines[3] as string);
    const recorded = JSON.stringify(entry.response);
    entry.response = { ok: true, output: { type: 'Version', value: 999 } };
    const altered = JSON.stringify(entry.response);
    lines[3] = JSON.stringify(entry);
    await writeFile(log, lines.map((l) => `${l}\n`).join(''));
    const r = await runCli(['replay', log, '--verify']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(altered);
    expect(r.stdout).toContain(recorded);
  });

  it('reports a torn last line on stderr and skips it (exit 0)', async () => {
    const { log, lines } = await record();
    const next = JSON.stringify({ seq: lines.length, ts: 1, request: { type: 'KvPut', key: 'z', value: 1 }, response: { ok: true } });
    await appendFile(log, next.slice(0, Math.floor(next.length / 2)));
    const r = await runCli(['replay', log, '--verify']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`line ${lines.length + 1}`);
    expect(r.stdout).toContain(String(session.length));
  });

  it('executes a log of plain requests into --db, where the data stays', async () => {
    const dir = await tempDir();
    const log = join(dir, 'plain.log');
    await writeFile(
      log,
      [
        '{"type":"KvPut","key":"p","value":"v"}',
        '{"type":"KvPut","space":"sp","key":"q","value":2}',
        '{"type":"KvPut","key":"gone","value":0}',
        '{"type":"KvDelete","key":"gone"}',
        '',
      ].join('\n'),
    );
    const db = join(dir, 'db');
    const r = await runCli(['--db', db, 'replay', log]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4');
    expect(onlyLine((await at(db, 'kv', 'get', 'p', '--json')).stdout).value).toMatchObject({ value: 'v', version: 1 });
    expect(onlyLine((await at(db, 'kv', 'list', '--json')).stdout).value).toEqual(['p']);
    expect(onlyLine((await at(db, '--space', 'sp', 'kv', 'list', '--json')).stdout).value).toEqual(['q']);
    expect(onlyLine((await at(db, 'space', 'list', '--json')).stdout).value).toEqual(['default', 'sp']);
  });
});
