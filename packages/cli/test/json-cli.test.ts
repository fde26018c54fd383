import { describe, expect, it } from 'vitest';
import { linesOf, runCli } from './helpers/run-cli.js';
import { recordSession } from './helpers/record-replay.js';
import { tempDir } from './helpers/temp.js';

/** Runs `stratum --db <dir> <args>`. */
const at = (dir: string, ...args: string[]) => runCli(['--db', dir, ...args]);

/** The one line a command printed, parsed. */
function onlyLine(stdout: string): any {
  const lines = linesOf(stdout);
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string);
}

describe('stratum json', () => {
  it('sets, gets, lists, deletes and shows history, as tables or --json', async () => {
    const dir = await tempDir();
    expect((await at(dir, 'json', 'set', 'cfg', '$', '{"debug":true}')).stdout).toBe('version 1\n');
    expect(onlyLine((await at(dir, 'json', 'set', 'cfg', 'limits.items[0]', '10', '--json')).stdout)).toEqual({ type: 'Version', value: 2 });
    await at(dir, 'json', 'set', 'note', '$', 'plain text');

    const get = await at(dir, 'json', 'get', 'cfg');
    expect(get.code).toBe(0);
    expect(linesOf(get.stdout)[0]?.split(/\s+/)).toEqual(['key', 'path', 'value', 'version', 'time']);
    expect(linesOf(get.stdout)[2]).toMatch(/^cfg\s+\$\s+\{"debug":true,"limits":\{"items":\[10\]\}\}\s+2\s/);
    expect(onlyLine((await at(dir, 'json', 'get', 'cfg', 'limits', '--json')).stdout).value).toMatchObject({ value: { items: [10] }, version: 2 });
    expect(onlyLine((await at(dir, 'json', 'get', 'note', '--json')).stdout).value.value).toBe('plain text');
    expect((await at(dir, 'json', 'get', 'cfg', 'nope')).stdout).toBe("(no value at 'nope' of 'cfg')\n");

    expect(onlyLine((await at(dir, 'json', 'list', '--json')).stdout)).toEqual({ type: 'JsonListResult', keys: ['cfg', 'note'], cursor: null });
    const page = await at(dir, 'json', 'list', '--limit', '1');
    expect(linesOf(page.stdout)).toEqual(['key', '---', 'cfg', '(more: --cursor "cfg")']);
    expect(onlyLine((await at(dir, 'json', 'list', '--cursor', 'cfg', '--limit', '1', '--json')).stdout).keys).toEqual(['note']);

    expect((await at(dir, 'json', 'del', 'cfg', 'nope')).stdout).toBe('nothing to delete\n');
    expect((await at(dir, 'json', 'del', 'cfg', 'debug')).stdout).toBe('deleted\n');
    expect(onlyLine((await at(dir, 'json', 'del', 'note', '--json')).stdout)).toEqual({ type: 'Uint', value: 1 });

    const history = await at(dir, 'json', 'history', 'note');
    expect(linesOf(history.stdout).map((l) => l.split(/\s+/)[0])).toEqual(['version', '-------', '0', '1']);
    expect(linesOf(history.stdout)[2]).toMatch(/\(deleted\)$/);
    const versions = onlyLine((await at(dir, 'json', 'history', 'cfg', '--json')).stdout).value.map((e: { version: number }) => e.version);
    expect(versions).toEqual([3, 2, 1]);
  });

  it('exits 1 on a command error and 2 on a usage error', async () => {
    const dir = await tempDir();
    const bad = await at(dir, 'json', 'get', 'cfg', 'a..b');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^InvalidInput: Invalid JSON path 'a\.\.b'/);
    expect((await at(dir, 'json', 'list', '--limit', 'x')).code).toBe(2);
    expect((await at(dir, 'json', 'set', 'k', '$')).code).toBe(2);
    expect(onlyLine((await at(dir, 'json', 'list', '--json')).stdout).keys).toEqual([]);
  });
});

describe('JSON documents in a recorded session', () => {
  const session = [
    '{"type":"JsonSet","key":"cfg","path":"$","value":{"debug":true}}',
    '{"type":"JsonSet","space":"notes","key":"cfg","path":"limits.items[0]","value":10}',
    '[{"type":"JsonSet","key":"cfg","path":"n","value":{"$f64":"-0.0"}},{"type":"JsonGet","key":"cfg","path":"$"}]',
    '{"type":"JsonBatchSet","entries":[{"key":"b","path":"$","value":{"$bytes":"AAE="}},{"key":"cfg","path":"debug.x","value":1}]}',
    '{"type":"JsonDelete","key":"cfg","path":"debug"}',
    '{"type":"JsonDelete","key":"b","path":"$"}',
    '{"type":"JsonGet","key":"cfg","path":"a..b"}',
    '{"type":"JsonGetv","key":"b"}',
    '{"type":"JsonList","limit":1}',
    '{"type":"SpaceInfo","space":"notes"}',
    '{"type":"Info"}',
  ];

  it('replays with --verify: every response, errors and timestamps included, matches', async () => {
    const { dir, log, served } = await recordSession(session);
    const responses = linesOf(served.stdout).map((l) => JSON.parse(l));
    expect(responses[3]).toMatchObject({ ok: true, output: { value: [{ version: 1 }, { error: { code: 'InvalidInput' } }] } });
    expect(responses[7]).toMatchObject({ ok: true, output: { value: [{ deleted: true }, { value: { $bytes: 'AAE=' } }] } });
    const r = await runCli(['replay', log, '--verify']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
