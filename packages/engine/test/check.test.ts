import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TypeTag } from '@stratum/core';
import { LevelAudit, openStore, type StorageProblem, type StoredKey, type VersionedRecord } from '@stratum/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, checkDatabase, type CheckSource } from '../src/index.js';
import { splitKey } from '../src/check/parts.js';

let dir: string;
/** Every stored key of the sample database, in order, and its meta entries. */
let sample: StoredKey[];
let meta: Map<string, unknown>;

/**
 * A database with something of everything: overwritten and deleted keys, spaces, an event log
 * with two types, a vector collection, state, a JSON document, and a fork whose parent changed
 * keys after the fork (so the fork holds copies and kept deletions).
 */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stratum-check-'));
  const engine = await Engine.open({ store: await openStore({ dir }), durability: 'standard' });
  const at = (() => {
    let t = 1_700_000_000_000_000;
    return () => (t += 1000);
  })();
  const main = engine.scope('default', 'default');
  await engine.kv.put(main, 'a', 1, at());
  await engine.kv.put(main, 'a', 2, at());
  await engine.kv.put(main, 'b', 'gone', at());
  await engine.kv.delete(main, 'b', at());
  await engine.kv.put(engine.scope('default', 's1'), 'k', { n: 1 }, at());
  const ev = engine.scope('default', 'ev');
  for (const type of ['t', 'u', 't']) await engine.events.append(ev, type, { type }, at());
  const vs = engine.scope('default', 'vs');
  await engine.vectors.createCollection(vs, 'c', 3, 'cosine', at());
  await engine.vectors.upsert(vs, 'c', { key: 'v1', vector: [1, 2, 3] }, at());
  await engine.vectors.upsert(vs, 'c', { key: 'v2', vector: [3, 2, 1], metadata: { tag: 'x' } }, at());
  await engine.state.set(engine.scope('default', 'st'), 'cell', 1, at());
  await engine.json.set(engine.scope('default', 'js'), 'doc', '$', { a: 1 }, at());
  await engine.branches.fork('default', 'f', at());
  await engine.kv.put(main, 'a', 3, at());
  await engine.kv.put(main, 'new', 1, at());
  await engine.kv.delete(engine.scope('f', 'default'), 'a', at());
  await engine.close();
  const audit = await LevelAudit.open(dir);
  sample = [];
  for await (const k of audit.keys()) sample.push(k);
  meta = new Map(audit.meta);
  await audit.close();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A source serving `keys` (filtered by prefix as a real walk would) with `meta` and `problems`. */
function source(keys: StoredKey[], m: Map<string, unknown> = meta, problems: StorageProblem[] = []): CheckSource {
  return {
    meta: m,
    problems,
    async *keys(prefix = new Uint8Array(0)) {
      for (const k of keys) if (k.key.subarray(0, prefix.length).equals(prefix)) yield k;
    },
  };
}

/** The first sample key of `branch`/`space` with primitive `tag` whose item bytes end with `item`. */
function find(keys: StoredKey[], branch: string, space: string, tag: number, item?: string): number {
  const i = keys.findIndex((k) => {
    const p = splitKey(k.key);
    if (p === undefined || p.space !== space || p.tag !== tag) return false;
    if ((branch === 'default') !== (p.branch === 'default')) return false;
    return item === undefined || p.item.toString('utf8').endsWith(item);
  });
  if (i < 0) throw new Error(`no ${branch}/${space} key with tag ${tag} ${item ?? ''}`);
  return i;
}

const at = (keys: StoredKey[], i: number): StoredKey => keys[i] as StoredKey;
const live = (r: VersionedRecord | undefined): VersionedRecord => r as VersionedRecord;
const clock = () => meta.get('clock') as { version: number; timestamp: number };

type Mutation = (keys: StoredKey[]) => void;

const KV = TypeTag.Kv;
const cases: [string, Mutation, string[]][] = [
  ['a latest record older than the newest version', (ks) => {
    const i = find(ks, 'default', 'default', KV, 'a');
    ks[i] = { ...at(ks, i), latest: at(ks, i).history[0], latestIsNewest: false };
  }, ['latest-mismatch']],
  ['a live key without a latest record', (ks) => {
    const i = find(ks, 'default', 'default', KV, 'a');
    ks[i] = { ...at(ks, i), latest: undefined, latestIsNewest: false };
  }, ['latest-missing']],
  ['versions whose timestamps go backwards', (ks) => {
    const i = find(ks, 'default', 'default', KV, 'a');
    const [first, second, ...rest] = at(ks, i).history;
    ks[i] = { ...at(ks, i), history: [live(first), { ...live(second), timestamp: live(first).timestamp - 1 }, ...rest] };
  }, ['history-order']],
  ['a version past the stored clock', (ks) => {
    const i = find(ks, 'default', 'default', KV, 'a');
    const newest = live(at(ks, i).latest);
    const beyond = { ...newest, version: clock().version + 1, timestamp: newest.timestamp + 1 };
    ks[i] = { ...at(ks, i), history: [...at(ks, i).history, beyond], latest: beyond };
  }, ['beyond-clock']],
  ['a deletion kept as the latest record outside a fork', (ks) => {
    const i = find(ks, 'default', 'default', KV, 'b');
    ks[i] = { ...at(ks, i), latest: at(ks, i).history.at(-1), latestIsNewest: true };
  }, ['stray-tombstone']],
  ['an event without its type index entry', (ks) => {
    ks.splice(find(ks, 'default', 'ev', TypeTag.EventTypeIndex), 1);
  }, ['index-missing']],
  ['an index entry whose event is missing', (ks) => {
    ks.splice(find(ks, 'default', 'ev', TypeTag.Event), 1);
  }, ['index-dangling']],
  ['an event whose type differs from its index entry', (ks) => {
    const i = find(ks, 'default', 'ev', TypeTag.Event);
    const changed = { ...live(at(ks, i).latest), value: { type: 'other', payload: {} } };
    ks[i] = { ...at(ks, i), latest: changed, history: [changed] };
  }, ['index-mismatch']],
  ['events at or past the log\'s next sequence', (ks) => {
    const i = find(ks, 'default', 'ev', TypeTag.EventMeta);
    const log = { ...live(at(ks, i).latest), value: { next: 1 } };
    ks[i] = { ...at(ks, i), latest: log, history: [...at(ks, i).history.slice(0, -1), log] };
  }, ['event-beyond-log', 'event-beyond-log']],
  ['a malformed event record', (ks) => {
    const i = find(ks, 'default', 'ev', TypeTag.Event);
    const bad = { ...live(at(ks, i).latest), value: 'not an event' };
    ks[i] = { ...at(ks, i), latest: bad, history: [bad] };
  }, ['malformed-record', 'index-dangling']],
  ['a vector of another dimension', (ks) => {
    const i = find(ks, 'default', 'vs', TypeTag.Vector, 'v2');
    const r = live(at(ks, i).latest);
    const bad = { ...r, value: { ...(r.value as object), embedding: new Uint8Array(8) } };
    ks[i] = { ...at(ks, i), latest: bad, history: [bad] };
  }, ['vector-dimension']],
  ['vectors of a missing collection', (ks) => {
    ks.splice(find(ks, 'default', 'vs', TypeTag.VectorConfig), 1);
  }, ['vector-orphan']],
  ['a space holding data but not registered', (ks) => {
    ks.splice(find(ks, 'default', 'default', TypeTag.Space, 's1'), 1);
  }, ['space-unregistered']],
  ['a primitive tag Stratum never writes', (ks) => {
    const k = at(ks, find(ks, 'default', 'default', KV, 'a'));
    const key = Buffer.from(k.key);
    key[key.indexOf(0, key.indexOf(0) + 1) + 1] = 0x7f;
    ks.push({ ...k, key });
    ks.sort((x, y) => Buffer.compare(x.key, y.key));
  }, ['unknown-tag']],
];

describe('checkDatabase', () => {
  it('finds nothing wrong in a database written by the engine, forks included', async () => {
    const report = await checkDatabase(source(sample));
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, problemCount: 0, notes: [], counts: { branches: 2 } });
    expect(report.counts.keys).toBe(sample.length);
    expect(report.clock).toEqual(clock());
  });

  it.each(cases)('reports %s', async (_what, mutate, kinds) => {
    const keys = [...sample];
    mutate(keys);
    const report = await checkDatabase(source(keys));
    expect(report.problems.map((p) => p.kind).sort()).toEqual([...kinds].sort());
    expect(report.ok).toBe(false);
    expect(report.problemCount).toBe(kinds.length);
    for (const p of report.problems) expect(p.message).not.toBe('');
  });

  it('names where a problem is: branch, space, primitive and item', async () => {
    const keys = [...sample];
    at(cases, 0)[1](keys);
    const [problem] = (await checkDatabase(source(keys))).problems;
    expect(problem?.where).toBe('default/default kv "a"');
  });

  it('reports a missing clock when records exist, and storage problems it is handed', async () => {
    const noClock = new Map(meta);
    noClock.delete('clock');
    expect((await checkDatabase(source(sample, noClock))).problems.map((p) => p.kind)).toEqual(['clock-missing']);
    const problem: StorageProblem = { kind: 'undecodable-record', key: at(sample, 0).key, message: 'bad bytes' };
    expect((await checkDatabase(source(sample, meta, [problem]))).problems.map((p) => p.kind)).toEqual(['undecodable-record']);
  });

  it('notes data of a branch without a record instead of failing', async () => {
    const keys = sample.filter((k) => !k.key.subarray(0, 2).equals(Buffer.from('~\u0000')));
    const report = await checkDatabase(source(keys));
    expect(report.notes).toHaveLength(1);
    expect(report.notes[0]).toMatch(/has no branch record/);
  });
});
