import { describe, expect, it } from 'vitest';
import { linesOf, runCli } from './helpers/run-cli.js';
import { expectVerifiedReplay, recordSession, replayPlain } from './helpers/record-replay.js';
import { tempDir } from './helpers/temp.js';

/** Runs `stratum --db <dir> <args>`. */
const at = (dir: string, ...args: string[]) => runCli(['--db', dir, ...args]);

/** The one JSON line a command printed, parsed. */
async function json(dir: string, ...args: string[]): Promise<any> {
  const r = await at(dir, ...args, '--json');
  expect(r.stderr).toBe('');
  const lines = linesOf(r.stdout);
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string);
}

describe('stratum state', () => {
  it('set/cas/init/get/list/history/del print readable output, and the output object with --json', async () => {
    const dir = await tempDir();
    expect(linesOf((await at(dir, 'state', 'set', 'lock', '"worker-1"')).stdout)).toEqual(['counter 1']);
    expect(linesOf((await at(dir, 'state', 'cas', 'lock', 'worker-2')).stdout)).toEqual(['not written: the cell exists']);
    expect(linesOf((await at(dir, 'state', 'cas', 'lock', 'worker-2', '--expect', '7')).stdout)).toEqual(["not written: the cell's counter is not 7"]);
    expect(linesOf((await at(dir, 'state', 'cas', 'lock', 'worker-2', '--expect', '1')).stdout)).toEqual(['counter 2']);
    expect(await json(dir, 'state', 'cas', 'lock', '3', '--expect', '1')).toEqual({ type: 'MaybeVersion', value: null });
    expect(await json(dir, 'state', 'init', 'lock', '0')).toEqual({ type: 'Version', value: 2 });
    expect(linesOf((await at(dir, 'state', 'init', 'fresh', '{"n":1}')).stdout)).toEqual(['counter 1']);

    const [header, rule, row, ...rest] = linesOf((await at(dir, 'state', 'get', 'lock')).stdout);
    expect(header?.split(/\s+/)).toEqual(['cell', 'value', 'counter', 'time']);
    expect(rule).toMatch(/^-+( +-+){3}$/);
    expect(row).toMatch(/^lock\s+"worker-2"\s+2\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(rest).toEqual([]);
    const got = await json(dir, 'state', 'get', 'lock');
    expect(got).toEqual({ type: 'MaybeVersioned', value: { value: 'worker-2', version: 2, timestamp: expect.any(Number) } });
    expect((await json(dir, 'state', 'get', 'lock', '--as-of', String(got.value.timestamp - 1))).value).toMatchObject({ value: 'worker-1', version: 1 });
    expect(linesOf((await at(dir, 'state', 'get', 'missing')).stdout)).toEqual(["(no value for 'missing')"]);

    expect(linesOf((await at(dir, 'state', 'list')).stdout)).toEqual(['cell', '-----', 'fresh', 'lock']);
    expect(await json(dir, 'state', 'list', '--prefix', 'l')).toEqual({ type: 'Keys', value: ['lock'] });
    expect(await json(dir, 'state', 'list', '--as-of', '0')).toEqual({ type: 'Keys', value: [] });

    expect(linesOf((await at(dir, 'state', 'del', 'lock')).stdout)).toEqual(['deleted']);
    expect(linesOf((await at(dir, 'state', 'del', 'lock')).stdout)).toEqual(['not found']);
    const history = linesOf((await at(dir, 'state', 'history', 'lock')).stdout);
    expect(history[0]?.split(/\s+/)).toEqual(['counter', 'time', 'value']);
    expect(history.slice(2).map((l) => l.split(/\s+/).filter((_, i) => i !== 1))).toEqual([
      ['0', '(deleted)'],
      ['2', '"worker-2"'],
      ['1', '"worker-1"'],
    ]);
    const h = await json(dir, 'state', 'history', 'lock', '--as-of', String(got.value.timestamp));
    expect(h.value.map((e: { version: number }) => e.version)).toEqual([2, 1]);
    expect(linesOf((await at(dir, 'state', 'history', 'never')).stdout)).toEqual(["(no history for 'never')"]);
  });

  it('acts in the --space given, which the write registers', async () => {
    const dir = await tempDir();
    expect((await at(dir, '--space', 'work', 'state', 'set', 'task', '1')).code).toBe(0);
    expect((await json(dir, '--space', 'work', 'state', 'get', 'task')).value).toMatchObject({ value: 1, version: 1 });
    expect((await json(dir, 'state', 'get', 'task')).value).toBeNull();
    expect((await json(dir, 'space', 'info', 'work')).counts).toMatchObject({ state: 1 });
  });

  it('answers a command error with exit 1, and a non-numeric --as-of or --expect with exit 2', async () => {
    const dir = await tempDir();
    const bad = await at(dir, 'state', 'set', '_strata/x', '1');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('InvalidInput');
    for (const args of [['state', 'get', 'c', '--as-of', 'soon'], ['state', 'cas', 'c', '1', '--expect', '-1']]) {
      const usage = await at(dir, ...args);
      expect(usage.code).toBe(2);
      expect(usage.stdout).toBe('');
    }
    expect((await json(dir, 'state', 'list')).value).toEqual([]);
  });
});

describe('state commands over stdio and in replay', () => {
  it('answers pipelined writes in request order, each seeing the ones before it', async () => {
    const dir = await tempDir();
    const requests = [
      { type: 'StateInit', cell: 'n', value: 0 },
      ...Array.from({ length: 100 }, (_, i) => ({ type: 'StateCas', cell: 'n', expectedCounter: i + 1, value: i + 1 })),
      { type: 'StateCas', cell: 'n', expectedCounter: 1, value: -1 },
      ...Array.from({ length: 50 }, (_, i) => ({ type: 'StateSet', cell: 's', value: i })),
      { type: 'StateGet', cell: 'n' },
    ];
    const r = await runCli(['--db', dir, 'serve'], requests.map((q) => `${JSON.stringify(q)}\n`).join(''));
    expect(r.code).toBe(0);
    const outputs = linesOf(r.stdout).map((l) => JSON.parse(l).output);
    expect(outputs[0]).toEqual({ type: 'Version', value: 1 });
    expect(outputs.slice(1, 101).map((o) => o.value)).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
    expect(outputs[101]).toEqual({ type: 'MaybeVersion', value: null });
    expect(outputs.slice(102, 152).map((o) => o.value)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(outputs[152].value).toMatchObject({ value: 100, version: 101 });
  });

  const session = [
    '{"type":"StateSet","cell":"lock","value":"w1"}',
    '{"type":"StateCas","cell":"lock","value":"w2"}',
    '{"type":"StateCas","cell":"lock","expectedCounter":1,"value":"w2"}',
    '{"id":"i","type":"StateInit","space":"jobs","cell":"queue","value":[]}',
    '[{"type":"StateBatchSet","entries":[{"cell":"a","value":1},{"cell":"a","value":2},{"cell":"","value":3}]},{"type":"StateDelete","cell":"lock"}]',
    '{"type":"StateGetv","cell":"lock"}',
    '{"type":"StateGet","cell":"a"}',
    '{"type":"StateGet","cell":"lock","asOf":0}',
    '{"type":"StateList"}',
    '{"type":"StateSet","cell":"","value":1}',
    '{"type":"StateCas","cell":"ghost","expectedCounter":3,"value":1}',
    '{"type":"SpaceInfo","space":"jobs"}',
  ];

  it('replays a recorded state session with --verify, and a plain log into --db', async () => {
    const { dir, log } = await recordSession(session);
    await expectVerifiedReplay(log);
    const db = await replayPlain(dir, session);
    expect((await json(db, 'state', 'get', 'a')).value).toMatchObject({ value: 2, version: 2 });
    expect((await json(db, 'state', 'history', 'lock')).value.map((e: { version: number }) => e.version)).toEqual([0, 2, 1]);
    expect((await json(db, '--space', 'jobs', 'state', 'list')).value).toEqual(['queue']);
  });
});
