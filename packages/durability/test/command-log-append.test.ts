import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandLogWriter, readCommandLog, type LogLine } from '../src/index.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function read(path: string): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for await (const l of readCommandLog(path)) out.push(l);
  return out;
}

const ENTRY = '{"seq":0,"ts":5,"request":{"type":"Ping"},"response":{"ok":true,"output":{"type":"Pong","version":"1"}}}';

describe('appending to a command log', () => {
  it.each([
    ['a missing file', undefined, false, ''],
    ['an empty file', '', false, ''],
    ['a log of whole lines', `${ENTRY}\n`, false, `${ENTRY}\n`],
    ['a log whose last line a crash cut short', `${ENTRY}\n{"seq":1,"ts":6,"requ`, true, `${ENTRY}\n{"seq":1,"ts":6,"requ\n`],
  ])('%s: appended entries start on a line of their own', async (_what, before, torn, kept) => {
    dir = await mkdtemp(join(tmpdir(), 'stratum-log-'));
    const path = join(dir, 'log.jsonl');
    if (before !== undefined) await writeFile(path, before);
    const w = await CommandLogWriter.open(path);
    expect(w.tornTail).toBe(torn);
    w.append(7, '{"type":"Info"}', '{"ok":true}');
    await w.close();
    const text = await readFile(path, 'utf8');
    expect(text.startsWith(kept)).toBe(true);
    const lines = await read(path);
    // The new entry reads back whole; the cut-short line stays, now an ordinary bad line.
    expect(lines.at(-1)).toMatchObject({ kind: 'entry', entry: { seq: 0, ts: 7, request: { type: 'Info' } } });
    expect(lines.map((l) => l.kind)).toEqual([...(kept.includes(ENTRY) ? ['entry'] : []), ...(torn ? ['request'] : []), 'entry']);
  });
});
