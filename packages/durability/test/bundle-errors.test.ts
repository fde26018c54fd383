import { readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBundle, validateBundle, writeBundle, type BundleEntry } from '../src/index.js';
import { HEADER, readAll, rejection, smallEntries, tempDirs } from './bundle-fixtures.js';

const tempDir = tempDirs();

/** A small bundle cut into many frames (frame target 8 bytes), so frame boundaries are plentiful. */
async function smallBundle(): Promise<{ dir: string; bytes: Buffer }> {
  const dir = await tempDir();
  const path = join(dir, 'good');
  await writeBundle(path, HEADER, smallEntries(), { frameBytes: 8 });
  return { dir, bytes: await readFile(path) };
}

/** The error of validating and of fully reading `bytes`; both must be the same InvalidInput. */
async function bothReject(path: string, bytes: Buffer): Promise<string> {
  await writeFile(path, bytes);
  const v = await rejection(validateBundle(path));
  const r = await rejection(readAll(path));
  expect(v).toMatchObject({ code: 'InvalidInput', details: { path } });
  expect(r).toMatchObject({ code: 'InvalidInput', message: v.message });
  return v.message;
}

/** Offsets at which a frame ends, found by walking the frame heads. */
function frameEnds(bytes: Buffer): number[] {
  const ends: number[] = [];
  for (let at = 12; at < bytes.length; ) {
    at += 5 + bytes.readUInt32LE(at + 1) + 4;
    ends.push(at);
  }
  return ends;
}

describe('damaged bundles', () => {
  it('rejects every truncation of a bundle, saying it is truncated', async () => {
    const { dir, bytes } = await smallBundle();
    const ends = frameEnds(bytes);
    expect(ends.length).toBeGreaterThan(4);
    expect(ends.at(-1)).toBe(bytes.length);
    const path = join(dir, 'cut');
    for (let n = 0; n < bytes.length; n++) {
      const message = await bothReject(path, bytes.subarray(0, n));
      expect(message, `prefix of ${n} bytes`).toMatch(/^bundle is truncated/);
    }
  });

  it('rejects every single-byte change of a bundle', async () => {
    const { dir, bytes } = await smallBundle();
    const path = join(dir, 'flipped');
    for (let i = 0; i < bytes.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = Buffer.from(bytes);
        bad[i]! ^= mask;
        await bothReject(path, bad);
      }
    }
  });

  it('rejects a frame dropped, duplicated or moved whole', async () => {
    const { dir, bytes } = await smallBundle();
    const ends = frameEnds(bytes);
    const [a, b, c] = [ends[0]!, ends[1]!, ends[2]!]; // header end, frame 1 end, frame 2 end
    const frame1 = bytes.subarray(a, b);
    const frame2 = bytes.subarray(b, c);
    const cases: [string, Buffer, RegExp][] = [
      ['dropped', Buffer.concat([bytes.subarray(0, a), bytes.subarray(b)]), /checksum mismatch over the whole bundle/],
      ['duplicated', Buffer.concat([bytes.subarray(0, b), frame1, bytes.subarray(b)]), /checksum mismatch over the whole bundle/],
      ['swapped', Buffer.concat([bytes.subarray(0, a), frame2, frame1, bytes.subarray(c)]), /checksum mismatch over the whole bundle/],
      ['trailer only', Buffer.concat([bytes.subarray(0, a), bytes.subarray(ends.at(-2)!)]), /checksum mismatch over the whole bundle/],
    ];
    for (const [name, bad, message] of cases) expect(await bothReject(join(dir, name), bad), name).toMatch(message);
  });

  it.each([
    ['wrong magic bytes', (b: Buffer) => Buffer.concat([Buffer.from('PK\x03\x04'), b.subarray(4)]), 'not a Stratum bundle (wrong magic bytes)'],
    ['a text file', () => Buffer.from('{"branch":"x"}\n'), 'not a Stratum bundle (wrong magic bytes)'],
    ['an empty file', () => Buffer.alloc(0), 'bundle is truncated in the preamble'],
    [
      'a future format version',
      (b: Buffer) => Buffer.concat([b.subarray(0, 8), Buffer.from([2, 0, 0, 0]), b.subarray(12)]),
      'unsupported bundle format version 2 (this Stratum reads version 1)',
    ],
    ['one byte appended', (b: Buffer) => Buffer.concat([b, Buffer.of(0)]), 'bundle has unexpected data after its trailer'],
    ['a second trailer appended', (b: Buffer) => Buffer.concat([b, b.subarray(frameEnds(b).at(-2)!)]), 'bundle has unexpected data after its trailer'],
  ])('rejects %s', async (_name, damage, message) => {
    const { dir, bytes } = await smallBundle();
    expect(await bothReject(join(dir, 'bad'), damage(bytes))).toBe(message);
  });

  it('fails readBundle itself, before any entry, when the preamble or header is bad', async () => {
    const { dir, bytes } = await smallBundle();
    const path = join(dir, 'bad');
    await writeFile(path, Buffer.concat([Buffer.from('XXXX'), bytes.subarray(4)]));
    expect(await rejection(readBundle(path))).toMatchObject({ code: 'InvalidInput', message: 'not a Stratum bundle (wrong magic bytes)' });
  });
});

describe('bundle paths', () => {
  it('refuses to overwrite an existing file and leaves it intact', async () => {
    const dir = await tempDir();
    const path = join(dir, 'taken');
    await writeFile(path, 'precious');
    const e = await rejection(writeBundle(path, HEADER, smallEntries()));
    expect(e).toMatchObject({ code: 'InvalidInput', message: 'bundle file already exists', details: { path } });
    expect(await readFile(path, 'utf8')).toBe('precious');
  });

  it('refuses a symlink at the target path, even a dangling one, and writes nothing through it', async () => {
    const dir = await tempDir();
    const link = join(dir, 'link');
    await symlink(join(dir, 'elsewhere'), link);
    expect(await rejection(writeBundle(link, HEADER, smallEntries()))).toMatchObject({ code: 'InvalidInput' });
    expect((await readdir(dir)).sort()).toEqual(['link']);
  });

  it('fails with Io naming the path when the parent directory is missing, and creates no directory', async () => {
    const dir = await tempDir();
    const path = join(dir, 'missing', 'deeper', 'b.bundle');
    const e = await rejection(writeBundle(path, HEADER, smallEntries()));
    expect(e).toMatchObject({ code: 'Io', details: { path } });
    expect(e.message).toContain(path);
    expect(e.message).toContain('ENOENT');
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes the partial file when the entry source fails, and passes its error on', async () => {
    const dir = await tempDir();
    const path = join(dir, 'partial');
    const boom = new Error('source failed');
    async function* source(): AsyncGenerator<BundleEntry> {
      for (let i = 0; i < 50_000; i++) {
        if (i === 40_000) throw boom;
        yield { key: Uint8Array.of(i & 0xff, i >> 8), versions: [{ version: i, timestamp: i, tombstone: false, payload: new Uint8Array(100) }] };
      }
    }
    expect(await rejection(writeBundle(path, HEADER, source()))).toBe(boom);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses an entry whose numbers cannot be stored, leaving no file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'bad-number');
    const entries = [{ key: Uint8Array.of(1), versions: [{ version: -1, timestamp: 0, tombstone: true }] }];
    expect(await rejection(writeBundle(path, HEADER, entries))).toMatchObject({ code: 'Internal' });
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    ['a missing file', (dir: string) => join(dir, 'nope'), 'Io', /ENOENT/],
    ['a directory', (dir: string) => dir, 'Io', /directory/],
    ['an empty path', () => '', 'InvalidInput', /^bundle path must not be empty$/],
    ['a path with a NUL byte', (dir: string) => join(dir, 'a\0b'), 'InvalidInput', /^bundle path is not a valid file name$/],
  ])('reading %s fails with %s', async (_name, pathOf, code, message) => {
    const dir = await tempDir();
    const path = pathOf(dir);
    for (const p of [validateBundle(path), readBundle(path)]) {
      const e = await rejection(p);
      expect(e).toMatchObject({ code, details: { path } });
      expect(e.message).toMatch(message);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses an empty or NUL-containing target path with InvalidInput', async () => {
    const dir = await tempDir();
    for (const path of ['', join(dir, 'a\0b')]) {
      expect(await rejection(writeBundle(path, HEADER, smallEntries()))).toMatchObject({ code: 'InvalidInput' });
    }
    expect(await readdir(dir)).toEqual([]);
  });
});
