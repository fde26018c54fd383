import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TypeTag, itemKey, tagPrefix } from '@stratum/core';
import { encodeValue, openStore } from '@stratum/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine, RETENTION_PRIMITIVES, type RetentionPreview, type RetentionStats } from '../src/index.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A memory engine with a test-driven clock: each `tick()` is 10 µs after the last. */
async function open(dir?: string) {
  const store = dir === undefined ? await openStore({ memory: true }) : await openStore({ dir });
  const engine = await Engine.open({ store, durability: dir === undefined ? 'cache' : 'standard' });
  let now = 1_000;
  return { engine, tick: () => (now += 10), s: engine.scope('default', 'default') };
}

type Opened = Awaited<ReturnType<typeof open>>;

/**
 * Three versions of one item of every primitive that keeps versions, four events, and a deleted
 * KV key (commit versions: the collection 1, round i 5i-3 to 5i+1, KV `k` 2, 7 and 12, `gone` 17
 * and 18). Resolves to a time between the second and third rounds.
 */
async function fill({ engine, tick, s }: Opened): Promise<number> {
  let mid = 0;
  await engine.vectors.createCollection(s, 'col', 2, 'cosine', tick());
  for (let i = 1; i <= 3; i++) {
    if (i === 3) mid = tick();
    await engine.kv.put(s, 'k', `v${i}`, tick());
    await engine.json.set(s, 'doc', '$', { n: i }, tick());
    await engine.state.set(s, 'cell', i, tick());
    await engine.vectors.upsert(s, 'col', { key: 'v', vector: [1, i] }, tick());
    await engine.events.append(s, 'note', { i }, tick());
  }
  await engine.kv.put(s, 'gone', 1, tick());
  await engine.kv.delete(s, 'gone', tick());
  await engine.events.append(s, 'note', { i: 4 }, tick());
  return mid;
}

/** The figures a stats run gives minus those of another: what went away. */
function lost(before: RetentionStats, after: RetentionStats): RetentionPreview {
  const byPrimitive = Object.fromEntries(
    RETENTION_PRIMITIVES.map((p) => [
      p,
      { versionsToDrop: before.byPrimitive[p].versions - after.byPrimitive[p].versions, bytesToFree: before.byPrimitive[p].bytes - after.byPrimitive[p].bytes },
    ]),
  ) as RetentionPreview['byPrimitive'];
  return { versionsToDrop: before.versions - after.versions, bytesToFree: before.bytes - after.bytes, byPrimitive };
}

const versionsOf = (h: { version: number; deleted?: true }[] | null) => (h ?? []).map((e) => (e.deleted ? 'deleted' : e.version));

describe('RetentionStats', () => {
  it('counts items, versions (deletions included) and stored bytes per primitive, totals as their sums', async () => {
    const db = await open();
    await fill(db);
    const stats = await db.engine.retention.stats('default');
    const size = (v: unknown) => 17 + encodeValue(v).length;
    expect(stats.byPrimitive.kv).toEqual({ items: 2, versions: 5, bytes: size('v1') + size('v2') + size('v3') + size(1) + 17 });
    expect(stats.byPrimitive.json).toMatchObject({ items: 1, versions: 3 });
    expect(stats.byPrimitive.state).toMatchObject({ items: 1, versions: 3 });
    expect(stats.byPrimitive.vector).toMatchObject({ items: 1, versions: 3 });
    expect(stats.byPrimitive.event).toMatchObject({ items: 4, versions: 4 });
    for (const p of RETENTION_PRIMITIVES) if (stats.byPrimitive[p].versions > 0) expect(stats.byPrimitive[p].bytes).toBeGreaterThan(17);
    const total = (f: 'items' | 'versions' | 'bytes') => RETENTION_PRIMITIVES.reduce((n, p) => n + stats.byPrimitive[p][f], 0);
    expect(stats).toMatchObject({ items: total('items'), versions: total('versions'), bytes: total('bytes') });
  });

  it('leaves out internal records and hidden spaces, and answers zeros for an empty branch', async () => {
    const db = await open();
    const empty = await db.engine.retention.stats('default');
    expect(empty).toMatchObject({ items: 0, versions: 0, bytes: 0 });
    // A hidden space's record, written below the commands (which refuse the name).
    const hidden = itemKey(tagPrefix('default', '_system_x', TypeTag.Kv), 'h');
    await db.engine.db.commit([{ key: hidden, value: 1 }], db.tick()).done;
    await db.engine.db.commit([{ key: hidden, value: 2 }], db.tick()).done;
    await db.engine.vectors.createCollection(db.engine.scope('default', 'other'), 'col', 2, 'cosine', db.tick());
    expect(await db.engine.retention.stats('default')).toEqual(empty);
    await db.engine.retention.apply('default', undefined, db.tick());
    expect((await db.engine.db.history(hidden)).map((r) => r.value)).toEqual([2, 1]);
  });
});

describe('RetentionApply policies', () => {
  it('keeps only the newest version of every item without a policy, events untouched', async () => {
    const db = await open();
    const { engine, s } = db;
    const mid = await fill(db);
    expect((await engine.kv.getAsOf(s, 'k', mid))?.value).toBe('v2');
    await engine.retention.apply('default', undefined, db.tick());
    expect((await engine.kv.history(s, 'k'))?.map((e) => e.value)).toEqual(['v3']);
    expect(versionsOf(await engine.kv.history(s, 'gone'))).toEqual(['deleted']);
    expect(versionsOf(await engine.json.history(s, 'doc'))).toEqual([3]);
    expect(versionsOf(await engine.state.history(s, 'cell'))).toEqual([3]);
    expect(engine.kv.get(s, 'k')?.value).toBe('v3');
    expect(await engine.kv.getAsOf(s, 'k', mid)).toBeNull();
    expect(await engine.json.getAsOf(s, 'doc', '$', mid)).toBeNull();
    expect(await engine.state.getAsOf(s, 'cell', mid)).toBeNull();
    expect((await engine.vectors.get(s, 'col', 'v'))?.embedding).toEqual([1, 3]);
    expect(await engine.vectors.get(s, 'col', 'v', mid)).toBeNull();
    expect(engine.events.len(s)).toBe(4);
    expect((await engine.events.getAsOf(s, 1, mid))?.value).toEqual({ i: 2 });
    expect((await engine.retention.stats('default')).byPrimitive.event).toMatchObject({ items: 4, versions: 4 });
  });

  it('keeps each item’s n newest versions with keepLast, a deletion counting as one', async () => {
    const db = await open();
    const { engine, s } = db;
    await fill(db);
    await engine.retention.apply('default', { keepLast: 2 }, db.tick());
    expect((await engine.kv.history(s, 'k'))?.map((e) => e.value)).toEqual(['v3', 'v2']);
    expect(versionsOf(await engine.kv.history(s, 'gone'))).toEqual(['deleted', 17]);
    expect(versionsOf(await engine.state.history(s, 'cell'))).toEqual([3, 2]);
    await engine.retention.apply('default', { keepLast: 5 }, db.tick());
    expect(versionsOf(await engine.json.history(s, 'doc'))).toEqual([3, 2]);
  });

  it('keeps the versions younger than keepFor at the command’s time, and always the newest', async () => {
    const db = await open();
    const { engine, s } = db;
    const times: number[] = [];
    for (let i = 1; i <= 4; i++) {
      const t = db.tick();
      times.push(t);
      await engine.kv.put(s, 'k', i, t);
    }
    await engine.kv.put(s, 'old', 'x', times[0] as number);
    const at = (times[3] as number) + 5;
    // Ages at `at`: 35, 25, 15, 5 µs.
    expect(await engine.retention.preview('default', { keepFor: 25 }, at)).toMatchObject({ versionsToDrop: 2 });
    await engine.retention.apply('default', { keepFor: 20 }, at);
    expect((await engine.kv.history(s, 'k'))?.map((e) => e.value)).toEqual([4, 3]);
    await engine.retention.apply('default', { keepFor: 0 }, at);
    expect((await engine.kv.history(s, 'k'))?.map((e) => e.value)).toEqual([4]);
    expect((await engine.kv.history(s, 'old'))?.map((e) => e.value)).toEqual(['x']);
  });

  it('previews exactly what the run then drops, and the stats show the reduction', async () => {
    for (const policy of [undefined, { keepLast: 2 }, { keepFor: 60 }]) {
      const db = await open();
      await fill(db);
      const at = db.tick();
      const before = await db.engine.retention.stats('default');
      const preview = await db.engine.retention.preview('default', policy, at);
      expect(await db.engine.retention.stats('default')).toEqual(before);
      expect(preview.versionsToDrop).toBeGreaterThan(0);
      expect(await db.engine.retention.apply('default', policy, at)).toEqual(preview);
      expect(lost(before, await db.engine.retention.stats('default'))).toEqual(preview);
      expect(await db.engine.retention.preview('default', policy, at)).toMatchObject({ versionsToDrop: 0, bytesToFree: 0 });
    }
  });

  it('keeps the dropped versions gone after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratum-retention-'));
    dirs.push(dir);
    const db = await open(dir);
    await fill(db);
    await db.engine.retention.apply('default', undefined, db.tick());
    const stats = await db.engine.retention.stats('default');
    await db.engine.close();
    const again = await open(dir);
    expect(await again.engine.retention.stats('default')).toEqual(stats);
    expect(versionsOf(await again.engine.kv.history(again.s, 'k'))).toEqual([12]);
    await again.engine.close();
  });
});

describe('RetentionApply and RetentionPreview errors', () => {
  const bad: [string, unknown, string][] = [
    ['keepLast 0', { keepLast: 0 }, '/policy/keepLast'],
    ['keepLast not an integer', { keepLast: 1.5 }, '/policy/keepLast'],
    ['keepFor negative', { keepFor: -1 }, '/policy/keepFor'],
    ['keepFor a string', { keepFor: '10' }, '/policy/keepFor'],
    ['both fields', { keepLast: 1, keepFor: 10 }, '/policy'],
    ['no field', {}, '/policy'],
    ['an unknown field', { keepAll: true }, '/policy/keepAll'],
    ['an array', [1], '/policy'],
    ['a number', 3, '/policy'],
  ];

  it.each(bad)('refuses %s with InvalidInput and changes nothing', async (_name, policy, path) => {
    const db = await open();
    await fill(db);
    const before = await db.engine.retention.stats('default');
    for (const run of [db.engine.retention.apply.bind(db.engine.retention), db.engine.retention.preview.bind(db.engine.retention)]) {
      await expect(run('default', policy, db.tick())).rejects.toMatchObject({ code: 'InvalidInput', details: { path } });
    }
    expect(await db.engine.retention.stats('default')).toEqual(before);
  });

  it('answers BranchNotFound for a branch that does not exist', async () => {
    const { engine } = await open();
    await expect(engine.retention.stats('nope')).rejects.toMatchObject({ code: 'BranchNotFound', details: { branch: 'nope' } });
    await expect(engine.retention.apply('nope', undefined, 1)).rejects.toMatchObject({ code: 'BranchNotFound' });
    await expect(engine.retention.preview('nope', { keepLast: 1 }, 1)).rejects.toMatchObject({ code: 'BranchNotFound' });
  });
});
