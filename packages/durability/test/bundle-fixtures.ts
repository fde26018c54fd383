import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { readBundle, type BundleEntry, type BundleHeader } from '../src/index.js';

/** A fresh directory per test, removed afterwards. */
export function tempDirs(): () => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const d = await mkdtemp(join(tmpdir(), 'stratum-bundle-'));
    dirs.push(d);
    return d;
  };
}

export const HEADER: Omit<BundleHeader, 'formatVersion'> = {
  branch: 'feature/x',
  createdAt: 1_700_000_000_000_000,
  exportedAt: 1_700_000_123_456_789,
  spaces: ['default', 'notes'],
  meta: { parent: 'default', collections: [{ name: 'docs', dimension: 3 }] },
};

/** An entry with keys and payloads as hex: compares by content, fast even for megabyte payloads. */
export interface HexEntry {
  readonly key: string;
  readonly versions: readonly { version: number; timestamp: number; tombstone: boolean; payload?: string }[];
}

export function hex(entries: Iterable<BundleEntry>): HexEntry[] {
  return [...entries].map((e) => ({
    key: Buffer.from(e.key).toString('hex'),
    versions: e.versions.map(({ version, timestamp, tombstone, payload }) =>
      payload === undefined ? { version, timestamp, tombstone } : { version, timestamp, tombstone, payload: Buffer.from(payload).toString('hex') },
    ),
  }));
}

/** Every entry of a bundle, read through the streaming interface. */
export async function readAll(path: string): Promise<{ header: BundleHeader; entries: HexEntry[] }> {
  const { header, entries } = await readBundle(path);
  const out: BundleEntry[] = [];
  for await (const e of entries) out.push(e);
  return { header, entries: hex(out) };
}

/** A small deterministic bundle content: tombstones, absent and empty payloads, binary keys. */
export function smallEntries(): BundleEntry[] {
  return [
    { key: Uint8Array.of(0x00), versions: [{ version: 1, timestamp: 10, tombstone: false, payload: Uint8Array.of(1, 2) }] },
    {
      key: Uint8Array.of(0x01, 0x00, 0xff),
      versions: [
        { version: 2, timestamp: 11, tombstone: false, payload: new Uint8Array(0) },
        { version: 3, timestamp: 12, tombstone: true },
        { version: 4, timestamp: 13, tombstone: false, payload: Uint8Array.of(0xff) },
      ],
    },
    { key: Uint8Array.of(0xff, 0xff), versions: [{ version: 5, timestamp: 14, tombstone: true }] },
  ];
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}
