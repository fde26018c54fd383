import { createHash } from 'node:crypto';
import { readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp.js';

/** A database with one key, closed cleanly. */
async function database(): Promise<string> {
  const dir = join(await tempDir(), 'db');
  expect((await runCli(['--db', dir, 'kv', 'put', 'k', '1'])).code).toBe(0);
  return dir;
}

/** LevelDB's data files (its info log, rotated on every open attempt, left out) with a hash of each. */
async function dataFiles(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    if (name === 'LOG' || name === 'LOG.old' || name === 'LOCK') continue;
    out[name] = createHash('sha256').update(await readFile(join(dir, name))).digest('hex');
  }
  return out;
}

const manifestOf = async (dir: string) => join(dir, (await readdir(dir)).find((n) => n.startsWith('MANIFEST-')) as string);

describe('opening a database that cannot be opened', () => {
  it.each([
    ['CURRENT names a manifest that does not exist', (dir: string) => writeFile(join(dir, 'CURRENT'), 'MANIFEST-999999\n'), /cannot open database: .*MANIFEST-999999/],
    ['a damaged manifest', async (dir: string) => writeFile(await manifestOf(dir), Buffer.alloc(64, 0x5a)), /cannot open database: Corruption/],
    ['a CURRENT file without its newline', (dir: string) => writeFile(join(dir, 'CURRENT'), 'MANIFEST'), /cannot open database: Corruption: CURRENT file does not end with newline/],
    ['data files whose CURRENT is gone', (dir: string) => unlink(join(dir, 'CURRENT')), /CURRENT file is missing but data files remain/],
  ])('%s: an Io error naming the cause, exit 1, no stack trace, the files kept', async (_what, damage, cause) => {
    const dir = await database();
    await damage(dir);
    const files = await dataFiles(dir);
    for (const args of [['exec', '{"type":"Ping"}'], ['kv', 'get', 'k'], ['serve']]) {
      const r = await runCli(['--db', dir, ...args], '{"type":"Ping"}\n');
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^stratum: I\/O error: [^\n]*\n$/);
      expect(r.stderr).toMatch(cause);
    }
    // Never an empty database in its place: the files are as the damage left them.
    expect(await dataFiles(dir)).toEqual(files);
  });

  it('a --db path under a regular file: Io naming the directory, exit 1', async () => {
    const file = join(await tempDir(), 'file');
    await writeFile(file, 'x');
    const r = await runCli(['--db', join(file, 'db'), 'exec', '{"type":"Ping"}']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^stratum: I\/O error: cannot create database directory .*file\/db: ENOTDIR[^\n]*\n$/);
  });
});
