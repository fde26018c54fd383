import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT_VERSION, readBundle, validateBundle, writeBundle, type BundleEntry } from '../src/index.js';
import { HEADER, hex, readAll, smallEntries, tempDirs } from './bundle-fixtures.js';

const tempDir = tempDirs();

/** Many entries of every shape; `big` payloads exceed one frame's target size on their own. */
function mixedEntries(n: number): BundleEntry[] {
  const out: BundleEntry[] = [];
  for (let i = 0; i < n; i++) {
    const key = Uint8Array.of(i % 3 === 0 ? 0x00 : 0xff, (i >> 8) & 0xff, i & 0xff, 0x00, 0xff);
    const payload = i % 500 === 7 ? new Uint8Array(1_500_000).fill(i & 0xff) : new Uint8Array(i % 50).fill(0xab);
    out.push({
      key,
      versions: [
        { version: i * 3 + 1, timestamp: 1_700_000_000_000_000 + i, tombstone: false, payload },
        ...(i % 4 === 0 ? [{ version: i * 3 + 2, timestamp: 1_700_000_000_000_001 + i, tombstone: true }] : []),
        ...(i % 5 === 0 ? [{ version: Number.MAX_SAFE_INTEGER - i, timestamp: Number.MAX_SAFE_INTEGER, tombstone: false, payload: new Uint8Array(0) }] : []),
      ],
    });
  }
  return out;
}

describe('bundle round trip', () => {
  it('reads back the header and every entry, version and payload exactly, across several frames', async () => {
    const path = join(await tempDir(), 'branch.bundle');
    const entries = mixedEntries(3000);
    const versions = entries.reduce((n, e) => n + e.versions.length, 0);
    const written = await writeBundle(path, HEADER, entries);
    expect(written).toEqual({ entries: 3000, versions, bytes: (await stat(path)).size });

    const read = await readAll(path);
    expect(read.header).toEqual({ formatVersion: BUNDLE_FORMAT_VERSION, ...HEADER });
    expect(read.entries).toEqual(hex(entries));
    // Absent and empty payloads stay distinct.
    expect(read.entries[1]!.versions[0]!.payload).toBe('ab');
    expect('payload' in read.entries[0]!.versions[1]!).toBe(false);
    expect(read.entries[0]!.versions[2]!.payload).toBe('');

    const frames: number[] = [];
    for await (const batch of (await readBundle(path)).batches) frames.push(batch.length);
    expect(frames.length).toBeGreaterThan(3);
    expect(frames.reduce((a, b) => a + b, 0)).toBe(3000);

    expect(await validateBundle(path)).toEqual({ header: read.header, ...written });
  });

  it('writes the path exactly as given, with no extension added and nothing beside it', async () => {
    const dir = await tempDir();
    const path = join(dir, 'no-extension');
    await writeBundle(path, HEADER, smallEntries());
    expect(await readdir(dir)).toEqual(['no-extension']);
  });

  it('round-trips an empty branch', async () => {
    const path = join(await tempDir(), 'empty');
    const header = { branch: 'default', createdAt: 0, exportedAt: 0, spaces: [], meta: {} };
    expect(await writeBundle(path, header, [])).toMatchObject({ entries: 0, versions: 0 });
    expect(await readAll(path)).toEqual({ header: { formatVersion: 1, ...header }, entries: [] });
    expect(await validateBundle(path)).toMatchObject({ entries: 0, versions: 0 });
  });

  it('round-trips arbitrary entries at any frame size', async () => {
    const dir = await tempDir();
    const version = fc.record(
      {
        version: fc.maxSafeNat(),
        timestamp: fc.maxSafeNat(),
        tombstone: fc.boolean(),
        payload: fc.uint8Array({ maxLength: 40 }),
      },
      { requiredKeys: ['version', 'timestamp', 'tombstone'] },
    );
    const entry = fc.record({ key: fc.uint8Array({ maxLength: 20 }), versions: fc.array(version, { maxLength: 4 }) });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 30 }), fc.integer({ min: 1, max: 300 }), async (entries, frameBytes) => {
        const path = join(dir, `p${n++}`);
        await writeBundle(path, HEADER, entries, { frameBytes });
        expect((await readAll(path)).entries).toEqual(hex(entries));
      }),
      { numRuns: 60 },
    );
  });

  it('can be read twice from one readBundle result', async () => {
    const path = join(await tempDir(), 'twice');
    await writeBundle(path, HEADER, smallEntries());
    const { entries } = await readBundle(path);
    const count = async () => {
      let k = 0;
      for await (const _ of entries) k++;
      return k;
    };
    expect([await count(), await count()]).toEqual([3, 3]);
  });
});

describe('bundle streaming', () => {
  const N = 200_000;
  const entryAt = (i: number): BundleEntry => ({
    key: Uint8Array.of(i >>> 16, (i >>> 8) & 0xff, i & 0xff),
    versions: [{ version: i + 1, timestamp: 1_000 + i, tombstone: i % 7 === 0, payload: new Uint8Array(64).fill(i & 0xff) }],
  });

  it('writes frames to the file while the source is still producing, and reads them back one by one', async () => {
    const path = join(await tempDir(), 'large');
    let sizeMidway = -1;
    async function* source(): AsyncGenerator<BundleEntry> {
      for (let i = 0; i < N; i++) {
        if (i === N / 2) sizeMidway = (await stat(path)).size;
        yield entryAt(i);
      }
    }
    const written = await writeBundle(path, HEADER, source());
    expect(written).toMatchObject({ entries: N, versions: N });
    // Half the entries are on disk before the source has produced the other half.
    expect(sizeMidway).toBeGreaterThan(written.bytes / 3);

    let i = 0;
    for await (const e of (await readBundle(path)).entries) {
      const want = entryAt(i++);
      if (!Buffer.from(e.key).equals(want.key) || e.versions[0]!.version !== i) throw new Error(`entry ${i - 1} differs`);
    }
    expect(i).toBe(N);
    expect(await validateBundle(path)).toMatchObject({ entries: N, versions: N, bytes: written.bytes });
  });

  it('accepts a synchronous generator as the source', async () => {
    const path = join(await tempDir(), 'sync');
    function* source(): Generator<BundleEntry> {
      for (let i = 0; i < 1000; i++) yield entryAt(i);
    }
    expect(await writeBundle(path, HEADER, source())).toMatchObject({ entries: 1000, versions: 1000 });
    expect((await readAll(path)).entries).toEqual(hex(Array.from({ length: 1000 }, (_, i) => entryAt(i))));
  });
});
