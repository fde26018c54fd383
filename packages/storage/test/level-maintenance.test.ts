import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StratumError } from '@stratum/core';
import { LevelStore } from '../src/index.js';
import { key, put, rejection } from './store-fixtures.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stratum-maint-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('LevelStore.compact', () => {
  it('gives back the space of cleared data', async () => {
    const store = await LevelStore.open(await tempDir());
    // Random bytes do not compress, so the sizes below are the data's own.
    for (let batch = 0; batch < 8; batch++) {
      const ops = Array.from({ length: 250 }, (_, i) => put(`big/${batch}/${i}`, randomBytes(1000), 1, 10));
      await store.write(ops, [], { sync: false });
    }
    await store.write([put('keep', 'me', 2, 20)], [], { sync: false });
    await store.compact();
    const full = await store.diskSize();
    expect(full).toBeGreaterThan(2 * 2000 * 1000);
    await store.clear(key('big/'));
    await store.compact();
    const after = await store.diskSize();
    expect(after).toBeLessThan(full / 4);
    expect(store.get(key('keep'))?.value).toBe('me');
    expect(await store.count(key('big/'))).toBe(0);
    await store.close();
  });
});

describe('LevelStore.open on a damaged directory', () => {
  it('refuses data files without CURRENT instead of starting an empty database over them', async () => {
    const dir = await tempDir();
    const store = await LevelStore.open(dir);
    await store.write([put('k', 'v', 1, 10)], [], { sync: true });
    await store.close();
    await unlink(join(dir, 'CURRENT'));
    const files = (await readdir(dir)).sort();
    const error = await rejection(LevelStore.open(dir));
    expect(error).toBeInstanceOf(StratumError);
    expect((error as StratumError).code).toBe('Io');
    expect((error as StratumError).message).toMatch(/CURRENT file is missing/);
    expect((await readdir(dir)).sort()).toEqual(files);
  });
});
