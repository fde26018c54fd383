import { createHash, randomBytes } from 'node:crypto';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_VERSION, Stratum, checkDirectory, type Command } from '../src/index.js';
import { tempDir } from './helpers.js';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: 'ok' }),
    (e: { code?: string; message?: string; details?: unknown }) => ({ code: e.code, message: e.message, details: e.details }),
  );

/** What a reader can observe of the database: keys, one history, the counts. */
async function state(db: Stratum): Promise<unknown> {
  const info = await db.info();
  return { keys: await db.kvList(), history: await db.kvGetv('k'), totalKeys: info.totalKeys, spaceCount: info.spaceCount };
}

async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    if ((await stat(join(dir, name))).isFile()) out[name] = createHash('sha256').update(await readFile(join(dir, name))).digest('hex');
  }
  return out;
}

describe('Ping, Info, Flush, Compact through the handle', () => {
  it.each([
    ['standard', (dir: string) => Stratum.open(dir)],
    ['always', (dir: string) => Stratum.open(dir, { durability: 'always' })],
    ['cache', () => Stratum.cache()],
  ] as const)('%s: answers ping and info, flushes and compacts, and keeps the data', async (mode, open) => {
    const db = await open(await tempDir());
    expect(await db.ping()).toBe(ENGINE_VERSION);
    await db.kvPut('k', 1);
    await db.kvPut('k', 2);
    await db.kvDelete('k');
    await db.kvPut('other', 'x');
    const before = await state(db);
    await db.flush();
    await db.compact();
    expect(await state(db)).toEqual(before);
    const info = await db.info();
    expect(info).toMatchObject({ version: ENGINE_VERSION, durability: mode, branchCount: 1, spaceCount: 1, totalKeys: 1 });
    expect(await db.diskSize()).toSatisfy((n: number) => (mode === 'cache' ? n === 0 : n > 0));
    await db.close();
  });

  it('Flush syncs the store (the engine waits for queued writes first)', async () => {
    // `always` runs no background sync that could call flush too.
    const db = await Stratum.open(await tempDir(), { durability: 'always' });
    const store = db.engine.db.store;
    let syncs = 0;
    const flush = store.flush.bind(store);
    store.flush = () => {
      syncs++;
      return flush();
    };
    await db.kvPut('k', 1);
    expect(await db.execute({ type: 'Flush' })).toEqual({ type: 'Unit' });
    expect(syncs).toBe(1);
    await db.close();
  });

  it('compact gives back space after deletes and keeps every read, history and as-of answer', async () => {
    const dir = await tempDir();
    const db = await Stratum.open(dir);
    const value = () => randomBytes(300).toString('base64');
    const keys = Array.from({ length: 3000 }, (_, i) => `key-${String(i).padStart(5, '0')}`);
    for (let i = 0; i < keys.length; i += 500) await db.kvBatchPut(keys.slice(i, i + 500).map((key) => ({ key, value: value() })));
    const midway = (await db.kvGet('key-00000'))?.timestamp as number;
    await Promise.all(keys.filter((_, i) => i % 2 === 0).map((k) => db.kvDelete(k)));
    const view = async () => ({
      keys: await db.kvList(),
      history: await db.kvGetv('key-00000'),
      asOf: await db.kvGet('key-00000', { asOf: midway }),
    });
    const before = await view();
    await db.flush();
    const sizeBefore = await db.diskSize();
    await db.compact();
    expect(await view()).toEqual(before);
    expect(await db.diskSize()).toBeLessThan(sizeBefore);
    expect(before.keys).toHaveLength(1500);
    await db.close();
  });
});

describe('Flush and Compact refused', () => {
  const cases: [string, { readOnly?: boolean; inTxn?: boolean }, Command | Record<string, unknown>, string][] = [
    ['Flush with a field', {}, { type: 'Flush', wait: true }, 'InvalidCommand'],
    ['Compact with a space', {}, { type: 'Compact', space: 'default' }, 'InvalidCommand'],
    ['Flush on a read-only handle', { readOnly: true }, { type: 'Flush' }, 'AccessDenied'],
    ['Compact on a read-only handle', { readOnly: true }, { type: 'Compact' }, 'AccessDenied'],
    ['Flush inside a transaction', { inTxn: true }, { type: 'Flush' }, 'InvalidInput'],
    ['Compact inside a transaction', { inTxn: true }, { type: 'Compact' }, 'InvalidInput'],
  ];
  it.each(cases)('%s: %s, nothing changes', async (_what, how, command, code) => {
    const dir = await tempDir();
    const writer = await Stratum.open(dir);
    await writer.kvPut('k', 1);
    await writer.close();
    const db = await Stratum.open(dir, how.readOnly ? { readOnly: true } : {});
    if (how.inTxn) await db.execute({ type: 'TxnBegin' });
    const before = await state(db);
    const files = await fingerprint(dir);
    expect((await failure(db.execute(command as Command))).code).toBe(code);
    expect(await state(db)).toEqual(before);
    if (how.inTxn) expect((await db.execute({ type: 'TxnIsActive' })).value).toBe(true);
    if (how.readOnly) expect(await fingerprint(dir)).toEqual(files);
    await db.close();
  });
});

describe('Stratum.open', () => {
  const held: Stratum[] = [];
  it('opens in the durability mode asked for, reported by Info; cache touches no directory', async () => {
    const dir = await tempDir();
    const always = await Stratum.open(join(dir, 'a'), { durability: 'always' });
    expect((await always.info()).durability).toBe('always');
    await always.close();
    const cache = await Stratum.open(join(dir, 'c'), { durability: 'cache' });
    expect((await cache.info()).durability).toBe('cache');
    await cache.close();
    expect(await readdir(dir)).toEqual(['a']);
  });

  it.each([
    ['an unknown durability mode', async (dir: string) => Stratum.open(join(dir, 'db'), { durability: 'sometimes' as 'always' }), 'InvalidInput', /Unknown durability mode/],
    ['a path under a file', async (dir: string) => {
      await writeFile(join(dir, 'file'), 'x');
      return Stratum.open(join(dir, 'file', 'db'));
    }, 'Io', /cannot create database directory/],
    ['a database this process already holds', async (dir: string) => {
      held.push(await Stratum.open(join(dir, 'db')));
      return Stratum.open(join(dir, 'db'));
    }, 'Io', /in use by another process/],
  ] as const)('refuses %s with a clear error', async (_what, open, code, message) => {
    const dir = await tempDir();
    const result = await failure(open(dir));
    expect(result.code).toBe(code);
    expect(result.message).toMatch(message);
    // The holder keeps working.
    for (const db of held.splice(0)) {
      await db.kvPut('k', 1);
      await db.close();
    }
  });
});

describe('checkDirectory', () => {
  it('reports a clean database without changing a byte of it', async () => {
    const dir = await tempDir();
    const db = await Stratum.open(dir);
    await db.kvPut('k', 1);
    await db.execute({ type: 'EventAppend', space: 'log', eventType: 'e', payload: { n: 1 } });
    await db.close();
    const files = await fingerprint(dir);
    const report = await checkDirectory(dir);
    expect(report).toMatchObject({ ok: true, problemCount: 0, path: dir, counts: { branches: 1 } });
    expect(report.diskSize).toBeGreaterThan(0);
    expect(await fingerprint(dir)).toEqual(files);
  });

  it('refuses a database an open handle holds, with Io naming the cause', async () => {
    const dir = await tempDir();
    const db = await Stratum.open(dir);
    const result = await failure(checkDirectory(dir));
    expect(result.code).toBe('Io');
    expect(result.details).toMatchObject({ reason: 'database is in use by another process', path: dir });
    await db.kvPut('still', 'working');
    await db.close();
  });
});
