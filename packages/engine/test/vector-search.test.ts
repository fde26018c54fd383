import type { Value } from '@stratum/core';
import { openStore } from '@stratum/storage';
import { describe, expect, it } from 'vitest';
import { Engine, type FilterCondition, type Metric, type Scope, type VectorMatch } from '../src/index.js';

async function open(): Promise<{ engine: Engine; scope: Scope; tick: () => number }> {
  const engine = await Engine.open({ store: await openStore({ memory: true }), durability: 'cache' });
  let now = 1_000;
  return { engine, scope: engine.scope('default', 'default'), tick: () => (now += 10) };
}

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

/** A deterministic generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/** The metrics as the protocol defines them, in double precision over the float32 inputs. */
function reference(metric: Metric, a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let l2 = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Math.fround(a[i] as number);
    const y = Math.fround(b[i] as number);
    dot += x * y;
    na += x * x;
    nb += y * y;
    l2 += (x - y) * (x - y);
  }
  if (metric === 'dot_product') return dot;
  if (metric === 'euclidean') return 1 / (1 + Math.sqrt(l2));
  return na === 0 || nb === 0 ? 0 : dot / (Math.sqrt(na) * Math.sqrt(nb));
}

/** Byte order of keys (all test keys are ASCII, where it is JavaScript's order). */
const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Checks the order rule on the output itself: score descending, equal scores by key ascending. */
function expectRanked(matches: readonly VectorMatch[]): void {
  for (let i = 1; i < matches.length; i++) {
    const prev = matches[i - 1] as VectorMatch;
    const cur = matches[i] as VectorMatch;
    expect(prev.score > cur.score || (prev.score === cur.score && byKey(prev.key, cur.key) < 0)).toBe(true);
  }
}

describe('VectorSearch scores', () => {
  it.each<Metric>(['cosine', 'euclidean', 'dot_product'])(
    '%s: top-k agrees with a straightforward reference on random data with ties and zero vectors',
    async (metric) => {
      const { engine, scope, tick } = await open();
      const v = engine.vectors;
      const dim = 24;
      const rnd = random(metric.length * 7919);
      const vectors = new Map<string, number[]>();
      for (let i = 0; i < 300; i++) vectors.set(`k${String(i).padStart(3, '0')}`, Array.from({ length: dim }, () => rnd() * 2 - 1));
      // Exact duplicates under other keys (ties), and zero vectors (cosine defines their score as 0).
      for (const [from, to] of [['k010', 'dup-b'], ['k010', 'dup-a'], ['k020', 'k299']] as const) vectors.set(to, [...(vectors.get(from) as number[])]);
      vectors.set('zero-1', new Array(dim).fill(0));
      vectors.set('zero-2', new Array(dim).fill(0));
      await v.createCollection(scope, 'c', dim, metric, tick());
      await v.batchUpsert(scope, 'c', [...vectors].map(([key, vector]) => ({ key, vector })), tick());

      const queries = [vectors.get('k010') as number[], Array.from({ length: dim }, () => rnd() * 2 - 1), new Array(dim).fill(0)];
      for (const query of queries) {
        for (const k of [1, 3, 10, 400]) {
          const got = await v.search(scope, 'c', { query, k });
          expect(got).toHaveLength(Math.min(k, vectors.size));
          expectRanked(got);
          const ref = [...vectors].map(([key, vec]) => ({ key, score: reference(metric, query, vec) }));
          ref.sort((a, b) => b.score - a.score || byKey(a.key, b.key));
          const tolerance = 1e-5 * Math.max(1, Math.abs((ref[0] as { score: number }).score));
          const kth = (ref[got.length - 1] as { score: number }).score;
          const returned = new Set(got.map((m) => m.key));
          for (const m of got) {
            const expected = reference(metric, query, vectors.get(m.key) as number[]);
            expect(Math.abs(m.score - expected)).toBeLessThanOrEqual(tolerance);
            expect(expected).toBeGreaterThanOrEqual(kth - tolerance);
          }
          // Whatever was left out scores no better than the worst result (up to float32 rounding).
          for (const r of ref) if (!returned.has(r.key)) expect(r.score).toBeLessThanOrEqual(kth + tolerance);
        }
      }
      // The duplicates of k010 tie with it exactly and come out together, by key (for cosine and
      // euclidean they are also the best matches of k010 itself).
      const all = await v.search(scope, 'c', { query: vectors.get('k010') as number[], k: 400 });
      const at = all.findIndex((m) => m.key === 'dup-a');
      expect(all.slice(at, at + 3).map((m) => m.key)).toEqual(['dup-a', 'dup-b', 'k010']);
      expect(new Set(all.slice(at, at + 3).map((m) => m.score)).size).toBe(1);
      if (metric !== 'dot_product') expect(at).toBe(0);
      // A zero query has cosine 0 and dot product 0 with everything: a full tie, broken by key.
      if (metric !== 'euclidean') {
        const zero = await v.search(scope, 'c', { query: new Array(dim).fill(0), k: 4 });
        expect(zero).toEqual(['dup-a', 'dup-b', 'k000', 'k001'].map((key) => ({ key, score: 0, metadata: null })));
      }
      await engine.close();
    },
  );

  it('reports the examples of the reference exactly', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    await v.createCollection(scope, 'docs', 3, 'cosine', tick());
    await v.upsert(scope, 'docs', { key: 'd1', vector: [1, 0, 0], metadata: { lang: 'en', year: 2024 } }, tick());
    await v.upsert(scope, 'docs', { key: 'd2', vector: [0.6, 0.8, 0], metadata: null }, tick());
    expect(await v.search(scope, 'docs', { query: [1, 0, 0], k: 5 })).toEqual([
      { key: 'd1', score: 1, metadata: { lang: 'en', year: 2024 } },
      { key: 'd2', score: 0.6, metadata: null },
    ]);
    for (const [metric, scores] of [['euclidean', [1, 0.5278640580177307]], ['dot_product', [1, 0.6]]] as const) {
      await v.createCollection(scope, metric, 3, metric, tick());
      await v.upsert(scope, metric, { key: 'd1', vector: [1, 0, 0] }, tick());
      await v.upsert(scope, metric, { key: 'd2', vector: [0.6, 0.8, 0] }, tick());
      const got = await v.search(scope, metric, { query: [1, 0, 0], k: 5 });
      expect(got.map((m) => m.key)).toEqual(['d1', 'd2']);
      expect(got[0]?.score).toBe(scores[0]);
      expect(got[1]?.score).toBeCloseTo(scores[1], 6);
    }
    expect(await v.search(scope, 'docs', { query: [1, 0, 0], k: 0 })).toEqual([]);
    await engine.close();
  });

  it('cuts a tie at k by key', async () => {
    const { engine, scope, tick } = await open();
    const v = engine.vectors;
    await v.createCollection(scope, 'c', 2, 'dot_product', tick());
    await v.batchUpsert(scope, 'c', ['c', 'a', 'd', 'b'].map((key) => ({ key, vector: [1, 1] })), tick());
    await v.upsert(scope, 'c', { key: 'z', vector: [2, 2] }, tick());
    expect((await v.search(scope, 'c', { query: [1, 1], k: 3 })).map((m) => [m.key, m.score])).toEqual([['z', 4], ['a', 2], ['b', 2]]);
    await engine.close();
  });
});

describe('VectorSearch filters', () => {
  const items: [string, Value][] = [
    ['a', { n: 1, tag: 'red', tags: ['x', 'y'], s: 'hello world' }],
    ['b', { n: 2.5, tag: 'blue', tags: ['y'] }],
    ['c', { n: 9007199254740993n }],
    ['d', null],
    ['e', ['not', 'an', 'object']],
    ['f', { n: 'text' }],
    ['g', { other: 1 }],
    ['h', { n: null }],
  ];

  async function seeded() {
    const { engine, scope, tick } = await open();
    await engine.vectors.createCollection(scope, 'c', 1, 'dot_product', tick());
    // Scores fall with the position in `items`, so results come in that order.
    await engine.vectors.batchUpsert(scope, 'c', items.map(([key, metadata], i) => ({ key, vector: [items.length - i], metadata })), tick());
    const keys = async (filter: FilterCondition[]) =>
      (await engine.vectors.search(scope, 'c', { query: [1], k: 100, filter })).map((m) => m.key);
    return { engine, scope, keys };
  }

  it.each<[string, FilterCondition[], string[]]>([
    ['eq on a number', [{ field: 'n', op: 'eq', value: 1 }], ['a']],
    ['eq across Int kinds (bigint)', [{ field: 'n', op: 'eq', value: 9007199254740993n }], ['c']],
    ['eq null (the field is present)', [{ field: 'n', op: 'eq', value: null }], ['h']],
    ['eq on an array (structural)', [{ field: 'tags', op: 'eq', value: ['x', 'y'] }], ['a']],
    ['ne: every vector that has the field', [{ field: 'n', op: 'ne', value: 1 }], ['b', 'c', 'f', 'h']],
    ['ne on a field only one vector has', [{ field: 'other', op: 'ne', value: 5 }], ['g']],
    ['gt', [{ field: 'n', op: 'gt', value: 2 }], ['b', 'c']],
    ['gte', [{ field: 'n', op: 'gte', value: 2.5 }], ['b', 'c']],
    ['lt', [{ field: 'n', op: 'lt', value: 3 }], ['a', 'b']],
    ['lte', [{ field: 'n', op: 'lte', value: 1 }], ['a']],
    ['gt with a string value compares nothing', [{ field: 'n', op: 'gt', value: 'a' }], []],
    ['in with an array of allowed values', [{ field: 'n', op: 'in', value: [1, 'text'] }], ['a', 'f']],
    ['in on strings', [{ field: 'tag', op: 'in', value: ['red', 'blue', 'green'] }], ['a', 'b']],
    ['in with an empty array', [{ field: 'tag', op: 'in', value: [] }], []],
    ['contains: substring', [{ field: 's', op: 'contains', value: 'o w' }], ['a']],
    ['contains: substring of another field', [{ field: 'tag', op: 'contains', value: 'lu' }], ['b']],
    ['contains: array membership', [{ field: 'tags', op: 'contains', value: 'y' }], ['a', 'b']],
    ['contains on a number field', [{ field: 'n', op: 'contains', value: 1 }], []],
    ['two conditions on the same field both hold', [{ field: 'n', op: 'gt', value: 1 }, { field: 'n', op: 'lt', value: 3 }], ['b']],
    ['two eq on the same field: both must hold', [{ field: 'n', op: 'eq', value: 1 }, { field: 'n', op: 'eq', value: 2.5 }], []],
    ['two in on the same field: both must hold', [{ field: 'tag', op: 'in', value: ['red', 'blue'] }, { field: 'tag', op: 'in', value: ['blue'] }], ['b']],
    ['conditions on different fields', [{ field: 'tag', op: 'eq', value: 'red' }, { field: 'tags', op: 'contains', value: 'x' }], ['a']],
    ['a missing field fails', [{ field: 'missing', op: 'ne', value: 1 }], []],
    ['an empty filter filters nothing', [], ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']],
  ])('%s', async (_, filter, expected) => {
    const { engine, keys } = await seeded();
    expect(await keys(filter)).toEqual(expected);
    await engine.close();
  });

  it.each<[string, FilterCondition[], string]>([
    ['in with a string', [{ field: 'tag', op: 'in', value: 'red' }], '/filter/0/value'],
    ['in with an object', [{ field: 'tag', op: 'eq', value: 1 }, { field: 'tag', op: 'in', value: { a: 1 } }], '/filter/1/value'],
    ['in with null', [{ field: 'tag', op: 'in', value: null }], '/filter/0/value'],
    ['an unknown op', [{ field: 'tag', op: 'like' as 'eq', value: 'r' }], '/filter/0/op'],
  ])('refuses a bad filter: %s', async (_, filter, path) => {
    const { engine, scope } = await seeded();
    const e = await engine.vectors.search(scope, 'c', { query: [1], k: 3, filter }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'InvalidInput', details: { path } });
    // Checked even when nothing would be returned.
    expect(await code(engine.vectors.search(scope, 'c', { query: [1], k: 0, filter }))).toBe('InvalidInput');
    await engine.close();
  });
});
