import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { linesOf, runCli, type CliResult } from './run-cli.js';
import { tempDir } from './temp.js';

const text = (lines: readonly string[]): string => lines.map((l) => `${l}\n`).join('');

/** Serves `session` with `--log` on a fresh database; checks the server exits 0 and logs one entry per line. */
export async function recordSession(session: readonly string[]): Promise<{ dir: string; log: string; served: CliResult }> {
  const dir = await tempDir();
  const log = join(dir, 'session.log');
  const served = await runCli(['--db', join(dir, 'db'), 'serve', '--log', log], text(session));
  expect(served.code).toBe(0);
  expect(linesOf(await readFile(log, 'utf8'))).toHaveLength(session.length);
  return { dir, log, served };
}

/** Replays a recorded log with `--verify` and checks every response matched. */
export async function expectVerifiedReplay(log: string): Promise<void> {
  const verified = await runCli(['replay', log, '--verify']);
  expect(verified.stderr).toBe('');
  expect(verified.code).toBe(0);
}

/** Replays `session` as a plain request log into a new database under `dir`; returns that database's directory. */
export async function replayPlain(dir: string, session: readonly string[]): Promise<string> {
  const plain = join(dir, 'plain.log');
  await writeFile(plain, text(session));
  const db = join(dir, 'replayed');
  expect((await runCli(['--db', db, 'replay', plain])).code).toBe(0);
  return db;
}
