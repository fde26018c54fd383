import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterEach, describe, expect, it } from 'vitest';
import { StratumError } from '@stratum/core';
import { LevelAudit, LevelStore, snapshotLevelDir, type StoredKey } from '../src/index.js';
import { historyKey, spaced, LATEST, HISTORY, META } from '../src/level-layout.js';
import { del, key, put, rejection } from './store-fixtures.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stratum-audit-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A database with a live key, an overwritten key, a deleted key and a meta entry. */
async function sample(): Promise<string> {
  const dir = await tempDir();
  const store = await LevelStore.open(dir);
  await store.write([put('a', 1, 1, 10), put('b', 'x', 1, 10)], [{ name: 'clock', value: { version: 10_003, timestamp: 1_000_030 } }], { sync: false });
  await store.write([put('a', 2, 2, 20)], [], { sync: false });
  await store.write([del('b', 3, 30)], [], { sync: false });
  await store.close();
  return dir;
}

/** Every file of `dir` with a hash of its bytes. */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    if ((await stat(join(dir, name))).isFile()) out[name] = createHash('sha256').update(await readFile(join(dir, name))).digest('hex');
  }
  return out;
}

/** Runs `fn` on a raw classic-level handle of the database (to damage it on purpose). */
async function raw(dir: string, fn: (db: ClassicLevel<Uint8Array, Uint8Array>) => Promise<void>): Promise<void> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  await fn(db);
  await db.close();
}

async function audit(dir: string): Promise<{ keys: StoredKey[]; problems: string[]; meta: ReadonlyMap<string, unknown> }> {
  const snapshot = await snapshotLevelDir(dir);
  try {
    const a = await LevelAudit.open(snapshot.dir);
    const keys: StoredKey[] = [];
    for await (const k of a.keys()) keys.push(k);
    await a.close();
    return { keys, problems: a.problems.map((p) => p.kind), meta: a.meta };
  } finally {
    await snapshot.remove();
  }
}

describe('snapshotLevelDir and LevelAudit', () => {
  it('walk every key with its latest record and versions, and leave the files byte for byte unchanged', async () => {
    const dir = await sample();
    const before = await fingerprint(dir);
    const { keys, problems, meta } = await audit(dir);
    expect(await fingerprint(dir)).toEqual(before);
    expect(problems).toEqual([]);
    expect(meta.get('clock')).toEqual({ version: 10_003, timestamp: 1_000_030 });
    expect(keys.map((k) => [k.key.toString(), k.latest?.value, k.history.map((r) => r.version), k.latestIsNewest, k.damaged])).toEqual([
      ['a', 2, [1, 2], true, false],
      ['b', undefined, [1, 3], false, false],
    ]);
  });

  it('walks only the keys under a prefix when given one', async () => {
    const dir = await sample();
    const snapshot = await snapshotLevelDir(dir);
    const a = await LevelAudit.open(snapshot.dir);
    const seen: string[] = [];
    for await (const k of a.keys(key('b'))) seen.push(k.key.toString());
    await a.close();
    await snapshot.remove();
    expect(seen).toEqual(['b']);
  });

  it.each([
    ['a latest record that is not cbor', [[spaced(LATEST, key('a')), Buffer.concat([Buffer.alloc(17), Buffer.of(0xff, 0xff)])]], ['undecodable-record']],
    ['a version shorter than its header', [[historyKey(key('a'), 2), Buffer.of(0, 1)]], ['undecodable-record']],
    ['a record with unknown flags', [[spaced(LATEST, key('a')), Buffer.concat([Buffer.of(0x80), Buffer.alloc(16)])]], ['undecodable-record']],
    ['a version stored under another version number', [[historyKey(key('c'), 7), Buffer.concat([Buffer.of(1), Buffer.alloc(16)])]], ['version-mismatch']],
    ['a history key without its separator', [[Buffer.concat([Buffer.of(HISTORY), Buffer.from('zz123456789')]), Buffer.of(1)]], ['malformed-key']],
    ['a meta entry that is not cbor', [[spaced(META, key('clock')), Buffer.of(0xff, 0xff)]], ['undecodable-meta']],
    ['a key outside every keyspace', [[Buffer.from('Zstray'), Buffer.of(1)]], ['stray-key']],
  ] as const)('reports %s', async (_what, entries, expected) => {
    const dir = await sample();
    await raw(dir, async (db) => {
      for (const [k, v] of entries) await db.put(k, v);
    });
    const { problems, keys } = await audit(dir);
    expect(problems).toEqual(expected);
    // The walk goes on past the damage: every other key is still seen.
    expect(keys.map((k) => k.key.toString())).toEqual(expect.arrayContaining(['b']));
  });

  it('reports a latest record that differs from the newest version', async () => {
    const dir = await sample();
    const store = await LevelStore.open(dir);
    await store.write([{ ...put('a', 3, 4, 40), latestOnly: true }], [], { sync: false });
    await store.close();
    const a = (await audit(dir)).keys.find((k) => k.key.toString() === 'a');
    expect([a?.latest?.value, a?.latestIsNewest, a?.history.length]).toEqual([3, false, 2]);
  });

  it.each([
    ['a directory without a database', async () => tempDir()],
    ['a missing directory', async () => join(await tempDir(), 'nothing')],
  ])('refuses %s with Io and creates nothing', async (_what, where) => {
    const dir = await where();
    const error = await rejection(snapshotLevelDir(dir));
    expect(error).toBeInstanceOf(StratumError);
    expect((error as StratumError).code).toBe('Io');
    expect((error as StratumError).message).toMatch(/no database here/);
    expect(await readdir(dir).catch(() => 'missing')).toEqual(dir.endsWith('nothing') ? 'missing' : []);
  });

  it('refuses a database another handle holds open, naming the cause', async () => {
    const dir = await sample();
    const holder = await LevelStore.open(dir);
    try {
      const error = await rejection(snapshotLevelDir(dir));
      expect((error as StratumError).code).toBe('Io');
      expect((error as StratumError).details).toMatchObject({ reason: 'database is in use by another process', pid: process.pid });
    } finally {
      await holder.close();
    }
  });
});
