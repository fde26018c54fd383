import { describe, expect, it } from 'vitest';
import { linesOf, runCli } from './helpers/run-cli.js';
import { expectVerifiedReplay, recordSession, replayPlain } from './helpers/record-replay.js';
import { tempDir } from './helpers/temp.js';

const at = (dir: string, ...args: string[]) => runCli(['--db', dir, ...args]);
const json = async (dir: string, ...args: string[]) => JSON.parse((await at(dir, ...args, '--json')).stdout) as unknown;
const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/;

describe('stratum event', () => {
  it('append/get/list/len print readable tables, and the output object with --json', async () => {
    const dir = await tempDir();
    const first = await at(dir, 'event', 'append', 'click', '{"x":1}');
    expect(first.code).toBe(0);
    expect(linesOf(first.stdout)).toEqual(['sequence 0']);
    expect(await json(dir, 'event', 'append', 'view', '{"page":"/"}')).toEqual({ type: 'Version', value: 1 });
    await at(dir, 'event', 'append', 'click', '{"x":2}');
    await at(dir, '--space', 'other', 'event', 'append', 'click', '{"x":9}');

    const [header, , row, ...rest] = linesOf((await at(dir, 'event', 'get', '1')).stdout);
    expect(header?.split(/\s+/)).toEqual(['sequence', 'payload', 'time']);
    expect(row).toMatch(new RegExp(`^1\\s+\\{"page":"/"\\}\\s+${TIME.source}$`));
    expect(rest).toEqual([]);
    expect(await json(dir, 'event', 'get', '0')).toEqual({
      type: 'MaybeVersioned', value: { value: { x: 1 }, version: 0, timestamp: expect.any(Number) },
    });
    expect(linesOf((await at(dir, 'event', 'get', '7')).stdout)).toEqual(['(no event 7)']);

    const list = linesOf((await at(dir, 'event', 'list', 'click')).stdout);
    expect(list).toHaveLength(4);
    expect(list[2]).toMatch(/^0\s+\{"x":1\}\s+/);
    expect(list[3]).toMatch(/^2\s+\{"x":2\}\s+/);
    const after = (await json(dir, 'event', 'list', 'click', '--after', '0', '--limit', '5')) as { value: { version: number }[] };
    expect(after.value.map((e) => e.version)).toEqual([2]);
    expect(await json(dir, 'event', 'list', 'click', '--limit', '0')).toEqual({ type: 'VersionedValues', value: [] });
    expect(linesOf((await at(dir, 'event', 'list', 'nothing')).stdout)).toEqual(["(no events of type 'nothing')"]);

    expect(linesOf((await at(dir, 'event', 'len')).stdout)).toEqual(['3']);
    expect(await json(dir, '--space', 'other', 'event', 'len')).toEqual({ type: 'Uint', value: 1 });
  });

  it('exits 1 with the error for a payload that is not an object, and changes nothing', async () => {
    const dir = await tempDir();
    const r = await at(dir, 'event', 'append', 'click', '5');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('payload must be a JSON object');
    expect(await json(dir, 'event', 'len')).toEqual({ type: 'Uint', value: 0 });
  });

  it.each([
    ['a sequence that is not a number', ['event', 'get', 'abc']],
    ['a negative --after', ['event', 'list', 'click', '--after', '-1']],
    ['a fractional --limit', ['event', 'list', 'click', '--limit', '1.5']],
    ['append without its payload', ['event', 'append', 'click']],
  ])('exits 2 with nothing on stdout for %s', async (_what, args) => {
    const r = await at(await tempDir(), ...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toBe('');
  });
});

describe('event commands over stdio and in replay', () => {
  it('answers pipelined appends in request order with consecutive sequences, each seen by the reads after it', async () => {
    const dir = await tempDir();
    const requests = [
      ...Array.from({ length: 200 }, (_, i) => ({ type: 'EventAppend', eventType: i % 2 === 0 ? 'even' : 'odd', payload: { i } })),
      { type: 'EventLen' },
      { type: 'EventGet', sequence: 199 },
      { type: 'EventGetByType', eventType: 'odd', afterSequence: 190 },
    ];
    const r = await runCli(['--db', dir, 'serve'], requests.map((q) => `${JSON.stringify(q)}\n`).join(''));
    expect(r.code).toBe(0);
    const outputs = linesOf(r.stdout).map((l) => JSON.parse(l).output);
    expect(outputs.slice(0, 200).map((o) => o.value)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(outputs[200]).toEqual({ type: 'Uint', value: 200 });
    expect(outputs[201].value).toMatchObject({ value: { i: 199 }, version: 199 });
    expect(outputs[202].value.map((e: { version: number }) => e.version)).toEqual([191, 193, 195, 197, 199]);
  });

  const session = [
    '{"type":"EventAppend","eventType":"click","payload":{"x":1}}',
    '{"id":"b","type":"EventBatchAppend","space":"audit","entries":[{"eventType":"login","payload":{"u":"ann"}},{"eventType":"","payload":{}}]}',
    '[{"type":"EventAppend","eventType":"click","payload":{"x":2}},{"type":"EventAppend","eventType":"click","payload":5}]',
    '{"type":"EventGet","sequence":1}',
    '{"type":"EventGetByType","eventType":"click","afterSequence":0,"limit":5}',
    '{"type":"EventGetByType","eventType":"click","asOf":0}',
    '{"type":"EventLen","space":"audit"}',
    '{"type":"SpaceInfo","space":"audit"}',
    '{"type":"Info"}',
  ];

  it('replays a recorded event session with --verify, and a plain log into --db', async () => {
    const { dir, log } = await recordSession(session);
    await expectVerifiedReplay(log);
    const db = await replayPlain(dir, session);
    expect(await json(db, 'event', 'len')).toEqual({ type: 'Uint', value: 2 });
    expect(((await json(db, 'event', 'list', 'click')) as { value: { value: unknown }[] }).value.map((e) => e.value)).toEqual([{ x: 1 }, { x: 2 }]);
    expect(((await json(db, '--space', 'audit', 'event', 'get', '0')) as { value: { value: unknown } }).value.value).toEqual({ u: 'ann' });
  });
});
