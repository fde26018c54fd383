import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawLevel } from './helpers/raw-level.js';
import { runCli } from './helpers/run-cli.js';
import { ServeProcess } from './helpers/serve-process.js';
import { tempDir } from './helpers/temp.js';

const SESSION = [
  { type: 'KvPut', key: 'a', value: 1 },
  { type: 'KvPut', key: 'a', value: 2 },
  { type: 'KvPut', key: 'b', value: 'x' },
  { type: 'KvDelete', key: 'b' },
  { type: 'KvBatchPut', space: 'notes', entries: [{ key: 'n1', value: 1 }, { key: 'n2', value: 2 }] },
  { type: 'EventAppend', space: 'ev', eventType: 'said', payload: { n: 1 } },
  { type: 'EventAppend', space: 'ev', eventType: 'did', payload: { n: 2 } },
  { type: 'StateSet', space: 'st', cell: 'c', value: 1 },
  { type: 'JsonSet', space: 'js', key: 'doc', path: '$', value: { a: [1, 2] } },
  { type: 'VectorCreateCollection', space: 'vs', collection: 'c', dimension: 3, metric: 'cosine' },
  { type: 'VectorUpsert', space: 'vs', collection: 'c', key: 'v', vector: [1, 0, 0] },
  { type: 'BranchFork', destination: 'f' },
  { type: 'KvPut', key: 'a', value: 3 },
  { type: 'KvDelete', branch: 'f', key: 'a' },
];

/** A database holding something of every primitive and a fork, closed cleanly. */
async function sampleDb(): Promise<string> {
  const dir = join(await tempDir(), 'db');
  const served = await runCli(['--db', dir, 'serve'], SESSION.map((r) => `${JSON.stringify(r)}\n`).join(''));
  expect(served.code).toBe(0);
  expect(served.stdout.split('\n').filter((l) => l !== '').every((l) => (JSON.parse(l) as { ok: boolean }).ok)).toBe(true);
  return dir;
}

async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    if ((await stat(join(dir, name))).isFile()) out[name] = createHash('sha256').update(await readFile(join(dir, name))).digest('hex');
  }
  return out;
}

/** The latest-record key of default/default KV `key`, as the raw script writes it. */
const kvLatest = (key: string) => `key('L' + 'default\\0default\\0\\x01${key}')`;

describe('stratum check', () => {
  it('reports a clean database (exit 0) without changing a byte of it; --json gives the report as one object', async () => {
    const dir = await sampleDb();
    const files = await fingerprint(dir);
    const human = await runCli(['check', dir]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^.*: \d+ keys, \d+ versions, 2 branches, .* on disk; clock lease at version 14\nNo problems found\.\n$/);
    const json = await runCli(['--db', dir, 'check', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, problemCount: 0, problems: [], path: dir, counts: { branches: 2 } });
    expect(await fingerprint(dir)).toEqual(files);
  });

  it.each([
    ['a latest record that does not decode', `await db.put(${kvLatest('a')}, Buffer.concat([Buffer.alloc(17), Buffer.from([0xff, 0xff])]));`, 'undecodable-record', 'default/default kv "a"'],
    ['a live key whose latest record is gone', `await db.del(${kvLatest('a')});`, 'latest-missing', 'default/default kv "a"'],
    [
      'an event whose type index entry is gone',
      `const start = key('L' + 'default\\0ev\\0\\x08');
       const [[k]] = await db.iterator({ gte: start, lt: key('L' + 'default\\0ev\\0\\x09'), limit: 1 }).all();
       await db.del(k);
       await db.clear({ gte: Buffer.concat([key('H'), k.subarray(1), Buffer.of(0)]), lt: Buffer.concat([key('H'), k.subarray(1), Buffer.of(1)]) });`,
      'index-missing',
      'default/ev event #',
    ],
  ])('finds %s: exit 1, the problem named with where it is, and the files left as they were', async (_what, damage, kind, where) => {
    const dir = await sampleDb();
    await rawLevel(dir, damage);
    const files = await fingerprint(dir);
    const json = await runCli(['check', dir, '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { ok: boolean; problems: { kind: string; where?: string }[] };
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind)).toEqual([kind]);
    expect(report.problems[0]?.where).toContain(where);
    const human = await runCli(['check', dir]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`1 problem found:\n  ${kind}: ${where}`);
    expect(await fingerprint(dir)).toEqual(files);
  });

  it('refuses a database a running server holds (exit 2, Io naming the cause); the server keeps serving', async () => {
    const dir = await sampleDb();
    const server = ServeProcess.start(['--db', dir]);
    expect((await server.ask({ type: 'Ping' })).ok).toBe(true);
    const human = await runCli(['check', dir]);
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/^stratum: I\/O error: database is in use by another process\n$/);
    const json = await runCli(['check', dir, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'Io', details: { reason: 'database is in use by another process', path: dir } } });
    expect((await server.ask({ type: 'KvPut', key: 'after', value: 1 })).ok).toBe(true);
    expect(await server.close()).toBe(0);
  });

  it('refuses a directory without a database (exit 2) and creates nothing', async () => {
    const dir = join(await tempDir(), 'nothing');
    const r = await runCli(['check', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no database here/);
    expect(await readdir(dir).catch(() => 'missing')).toBe('missing');
  });
});
