import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { SMOKE, VALUE, elapsedSeconds, keys, log, median, tempDir, type Row } from './harness.js';
import { CLI, chunks } from './piped.js';

const SIZES = SMOKE ? { ops: 2_000, rounds: 1 } : { ops: 100_000, rounds: 3 };
const VALUE_JSON = JSON.stringify(VALUE);

async function writeLog(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  for (const chunk of chunks(keys('replay', n).map((k) => `{"type":"KvPut","key":"${k}","value":${VALUE_JSON}}`))) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

/** Wall-clock seconds of `stratum replay FILE` into a fresh database, from spawn to exit. */
async function replayOnce(file: string, expected: number): Promise<number> {
  const db = await tempDir('replay-db');
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, '--db', db, 'replay', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  const [code] = (await once(child, 'close')) as [number | null];
  const seconds = elapsedSeconds(start);
  if (code !== 0 || !stdout.includes(`replayed ${expected} commands`)) {
    throw new Error(`replay exited with code ${String(code)}: ${stdout.trim()}`);
  }
  return seconds;
}

/**
 * `stratum replay` of a log of plain KvPut request lines. A child process start-up (node, module
 * loading, database open and close) is timed apart on a one-line log and taken off, so the figure
 * is the replay rate itself; the wall-clock rate is reported beside it.
 */
export async function replayBench(): Promise<Row[]> {
  const dir = await tempDir('replay');
  const file = join(dir, 'kv.log');
  const one = join(dir, 'one.log');
  await writeLog(file, SIZES.ops);
  await writeLog(one, 1);
  await replayOnce(one, 1);
  const startups: number[] = [];
  const walls: number[] = [];
  for (let r = 0; r < SIZES.rounds; r++) {
    startups.push(await replayOnce(one, 1));
    walls.push(await replayOnce(file, SIZES.ops));
  }
  const startup = median(startups);
  const wall = median(walls);
  const net = SIZES.ops / Math.max(wall - startup, 1e-9);
  log(`replay: wall ${walls.map((s) => `${s.toFixed(2)}s`).join(' ')} | start-up ${startups.map((s) => `${(s * 1000).toFixed(0)}ms`).join(' ')}`);
  return [
    {
      name: `replay, ${SIZES.ops.toLocaleString('en-US')}-command KV log`,
      stratum: net,
      rawLabel: 'n/a',
      note: `start-up ${(startup * 1000).toFixed(0)} ms taken off; ${Math.round(SIZES.ops / wall).toLocaleString('en-US')}/s wall-clock with it`,
    },
  ];
}
