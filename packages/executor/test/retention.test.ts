import { describe, expect, it } from 'vitest';
import { Stratum } from '../src/index.js';
import { tempDir } from './helpers.js';

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

/** Three versions of a KV key and a state cell on the handle's branch. */
async function threeVersions(db: Stratum): Promise<void> {
  for (let i = 1; i <= 3; i++) {
    await db.kvPut('k', i);
    await db.stateSet('c', i);
  }
}

describe('retention through the Stratum handle', () => {
  it('previews, applies and reports on the handle’s current branch', async () => {
    const db = await Stratum.cache();
    await threeVersions(db);
    await db.execute({ type: 'BranchCreate', branch: 'other' });
    const other = db.newHandle();
    await other.setBranch('other');
    await threeVersions(other);

    const before = await db.retentionStats();
    expect(before.byPrimitive.kv).toMatchObject({ items: 1, versions: 3 });
    const preview = await db.retentionPreview({ keepLast: 2 });
    expect(preview).toMatchObject({ versionsToDrop: 2, byPrimitive: { kv: { versionsToDrop: 1 }, state: { versionsToDrop: 1 } } });
    await db.retentionApply({ keepLast: 2 });
    const after = await db.retentionStats();
    expect(after.versions).toBe(before.versions - preview.versionsToDrop);
    expect(after.bytes).toBe(before.bytes - preview.bytesToFree);
    expect((await db.kvGetv('k'))?.map((v) => v.value)).toEqual([3, 2]);
    expect(await other.retentionStats()).toEqual(before);
    await other.retentionApply();
    expect((await other.kvGetv('k'))?.map((v) => v.value)).toEqual([3]);
    expect((await db.kvGetv('k'))?.map((v) => v.value)).toEqual([3, 2]);
    await db.close();
  });

  it('refuses RetentionApply inside a transaction and answers stats and preview there from committed data', async () => {
    const db = await Stratum.cache();
    await threeVersions(db);
    await db.txnBegin();
    await db.kvPut('k', 'pending');
    expect(await code(db.retentionApply())).toBe('InvalidInput');
    expect((await db.retentionStats()).byPrimitive.kv.versions).toBe(3);
    expect((await db.retentionPreview()).versionsToDrop).toBe(4);
    await db.txnCommit();
    expect((await db.kvGetv('k'))?.map((v) => v.value)).toEqual(['pending', 3, 2, 1]);
    await db.close();
  });

  it('refuses RetentionApply on a read-only database, which still answers stats and preview', async () => {
    const dir = await tempDir();
    const db = await Stratum.open(dir);
    await threeVersions(db);
    await db.close();
    const ro = await Stratum.open(dir, { readOnly: true });
    expect(await code(ro.retentionApply())).toBe('AccessDenied');
    expect((await ro.retentionPreview()).versionsToDrop).toBe(4);
    expect((await ro.retentionStats()).versions).toBe(6);
    await ro.close();
  });
});
