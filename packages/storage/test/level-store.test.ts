import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StratumError } from '@stratum/core';
import { LevelStore, openStore, type Store } from '../src/index.js';
import { key, put, rejection } from './store-fixtures.js';
import { storeSuite } from './store-suite.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'stratum-storage-'));

storeSuite(
  'level',
  async () => {
    const dir = await tempDir();
    let current: Store = await LevelStore.open(dir);
    return {
      store: current,
      reopen: async () => (current = await LevelStore.open(dir)),
      cleanup: async () => {
        await current.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
  { durable: true },
);

describe('LevelStore.open', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a database held by another handle with Io', async () => {
    const first = await LevelStore.open(dir);
    try {
      const error = await rejection(LevelStore.open(dir));
      expect(error).toBeInstanceOf(StratumError);
      expect((error as StratumError).code).toBe('Io');
      expect((error as StratumError).details).toEqual({ reason: 'database is in use by another process', path: dir });
    } finally {
      await first.close();
    }
  });

  it('refuses a database held by another process with Io', async () => {
    // The child holds the database until its stdin closes.
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { ClassicLevel } from 'classic-level';
         const db = new ClassicLevel(process.argv[1]);
         await db.open();
         process.stdout.write('open\\n');
         process.stdin.on('end', () => db.close());
         process.stdin.resume();`,
        dir,
      ],
      { cwd: new URL('..', import.meta.url), stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      await once(holder.stdout, 'data');
      const error = await rejection(LevelStore.open(dir));
      expect(error).toBeInstanceOf(StratumError);
      expect((error as StratumError).code).toBe('Io');
      expect((error as StratumError).details).toMatchObject({ reason: 'database is in use by another process' });
    } finally {
      holder.stdin.end();
      await once(holder, 'exit');
    }
  });

  it('opens the database again once the holder has closed it', async () => {
    const first = await LevelStore.open(dir);
    await first.write([put('k', 'v', 1, 10)], [], { sync: true });
    await first.close();
    const second = await LevelStore.open(dir);
    expect(second.get(key('k'))?.value).toBe('v');
    await second.close();
  });

  it('fails with Io when the location is not a directory', async () => {
    const file = join(dir, 'file');
    await writeFile(file, 'x');
    const error = await rejection(LevelStore.open(join(file, 'db')));
    expect(error).toBeInstanceOf(StratumError);
    expect((error as StratumError).code).toBe('Io');
  });

  it('creates missing directories, through openStore', async () => {
    const store = await openStore({ dir: join(dir, 'nested', 'db') });
    expect(store.kind).toBe('level');
    await store.write([put('k', 1, 1, 10)], [], { sync: false });
    expect(await store.count(key('k'))).toBe(1);
    await store.close();
  });
});
