import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandLogWriter, parseDurability, readCommandLog, syncsEveryCommit, type LogLine } from '../src/index.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function lines(path: string): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for await (const l of readCommandLog(path)) out.push(l);
  return out;
}

describe('command log', () => {
  it('writes recorded entries in order with increasing seq, and reads them back', async () => {
    dir = await mkdtemp(join(tmpdir(), 'stratum-log-'));
    const path = join(dir, 'log.jsonl');
    const w = await CommandLogWriter.open(path);
    w.append(100, '{"type":"Ping"}', '{"ok":true,"output":{"type":"Pong","version":"1"}}');
    w.append(101, '"not json"', '{"ok":false,"error":{"code":"ParseError","message":"x"}}');
    await w.close();
    const read = await lines(path);
    expect(read.map((l) => l.kind)).toEqual(['entry', 'entry']);
    expect(read[0]).toMatchObject({ kind: 'entry', line: 1, entry: { seq: 0, ts: 100, request: { type: 'Ping' } } });
    expect(read[1]).toMatchObject({ kind: 'entry', entry: { seq: 1, ts: 101, request: 'not json' } });
  });

  it('reads plain requests, skips blank lines, keeps a bad middle line as a request and reports a torn last line', async () => {
    dir = await mkdtemp(join(tmpdir(), 'stratum-log-'));
    const path = join(dir, 'log.jsonl');
    await writeFile(path, '{"type":"Ping"}\r\n\n{oops\n{"type":"Info"}\n{"seq":0,"ts":1,"req');
    const read = await lines(path);
    expect(read).toEqual([
      { kind: 'request', line: 1, request: { type: 'Ping' } },
      { kind: 'request', line: 3, request: '{oops' },
      { kind: 'request', line: 4, request: { type: 'Info' } },
      { kind: 'torn', line: 5, text: '{"seq":0,"ts":1,"req' },
    ]);
    expect(await readFile(path, 'utf8')).toContain('{oops');
  });
});

describe('durability modes', () => {
  it('parses the three modes and refuses others with InvalidInput', () => {
    expect(parseDurability('cache')).toBe('cache');
    expect(parseDurability('always')).toBe('always');
    expect(syncsEveryCommit('always')).toBe(true);
    expect(syncsEveryCommit('standard')).toBe(false);
    expect(() => parseDurability('fast')).toThrow(expect.objectContaining({ code: 'InvalidInput' }));
  });
});
