import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linesOf, runCli } from './helpers/run-cli.js';
import { recordSession } from './helpers/record-replay.js';
import { tempDir } from './helpers/temp.js';

/** Runs `stratum --db <dir> <args>`. */
const at = (dir: string, ...args: string[]) => runCli(['--db', dir, ...args]);

/** The one JSON line a command printed, parsed. */
async function json(dir: string, ...args: string[]): Promise<any> {
  const r = await at(dir, ...args, '--json');
  expect(r.stderr).toBe('');
  const lines = linesOf(r.stdout);
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string);
}

const words = (line: string | undefined) => line?.trim().split(/\s+/);

describe('stratum vector', () => {
  it('create/upsert/get/search/list/stats/del/drop print tables, and the output object with --json', async () => {
    const dir = await tempDir();
    expect(linesOf((await at(dir, 'vector', 'create', 'docs', '3')).stdout)).toEqual(['created docs']);
    expect(await json(dir, 'vector', 'create', 'dots', '2', '--metric', 'dot_product')).toEqual({ type: 'Version', value: 1 });
    expect(linesOf((await at(dir, 'vector', 'upsert', 'docs', 'd1', '[1,0,0]', '{"lang":"en","year":2024}')).stdout)).toEqual(['version 1']);
    expect(await json(dir, 'vector', 'upsert', 'docs', 'd2', '[0.6, 0.8, 0]')).toEqual({ type: 'Version', value: 1 });

    const [header, , row] = linesOf((await at(dir, 'vector', 'get', 'docs', 'd1')).stdout);
    expect(words(header)).toEqual(['key', 'embedding', 'metadata', 'version', 'time']);
    expect(row).toMatch(/^d1\s+\[1,0,0\]\s+\{"lang":"en","year":2024\}\s+1\s+\d{4}-\d\d-\d\dT/);
    const got = await json(dir, 'vector', 'get', 'docs', 'd2');
    expect(got).toEqual({ type: 'VectorData', value: { key: 'd2', embedding: [0.6, 0.8, 0], metadata: null, version: 1, timestamp: expect.any(Number) } });
    expect((await json(dir, 'vector', 'get', 'docs', 'd2', '--as-of', String(got.value.timestamp - 1))).value).toBeNull();
    expect(linesOf((await at(dir, 'vector', 'get', 'docs', 'nope')).stdout)).toEqual(["(no vector 'nope')"]);

    expect(linesOf((await at(dir, 'vector', 'search', 'docs', '[1,0,0]')).stdout).map(words)).toEqual([
      ['key', 'score', 'metadata'],
      ['---', '-----', '-'.repeat(25)],
      ['d1', '1', '{"lang":"en","year":2024}'],
      ['d2', '0.6', 'null'],
    ]);
    expect(await json(dir, 'vector', 'search', 'docs', '[1,0,0]', '-k', '1', '--filter', '{"field":"lang","op":"in","value":["en","fr"]}', '--metric', 'cosine')).toEqual({
      type: 'VectorMatches',
      value: [{ key: 'd1', score: 1, metadata: { lang: 'en', year: 2024 } }],
    });
    expect(linesOf((await at(dir, 'vector', 'search', 'docs', '[0,0,1]', '--filter', '[{"field":"lang","op":"eq","value":"de"}]')).stdout)).toEqual(['(no matches)']);

    expect(linesOf((await at(dir, 'vector', 'list')).stdout).map(words)).toEqual([
      ['collection', 'dimension', 'metric', 'vectors'],
      ['----------', '---------', '-----------', '-------'],
      ['docs', '3', 'cosine', '2'],
      ['dots', '2', 'dot_product', '0'],
    ]);
    expect(await json(dir, 'vector', 'stats', 'docs')).toEqual({
      type: 'VectorCollectionList',
      value: [{ name: 'docs', dimension: 3, metric: 'cosine', count: 2, indexType: 'exact', memoryBytes: 24 }],
    });
    expect(linesOf((await at(dir, 'vector', 'del', 'docs', 'd2')).stdout)).toEqual(['deleted']);
    expect(linesOf((await at(dir, 'vector', 'del', 'docs', 'd2')).stdout)).toEqual(['not found']);
    expect(linesOf((await at(dir, 'vector', 'drop', 'docs')).stdout)).toEqual(['deleted docs']);
    expect(await json(dir, 'vector', 'drop', 'docs')).toEqual({ type: 'Bool', value: false });
    expect(linesOf((await at(dir, '--space', 'tenant', 'vector', 'list')).stdout)).toEqual(['(no collections)']);
  });

  it('exits 1 with the error for a command error and 2 for a usage error', async () => {
    const dir = await tempDir();
    await at(dir, 'vector', 'create', 'docs', '3');
    const mismatch = await at(dir, 'vector', 'upsert', 'docs', 'k', '[1,0]');
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/^DimensionMismatch: /);
    const missing = await at(dir, 'vector', 'stats', 'nope', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr)).toMatchObject({ ok: false, error: { code: 'CollectionNotFound', details: { collection: 'nope' } } });
    for (const args of [
      ['vector', 'create', 'x', 'three'],
      ['vector', 'create', 'x', '3', '--metric', 'manhattan'],
      ['vector', 'upsert', 'docs', 'k', '[1,"a",0]'],
      ['vector', 'search', 'docs', 'not json'],
      ['vector', 'search', 'docs', '[1,0,0]', '--filter', '"eq"'],
      ['vector', 'search', 'docs', '[1,0,0]', '-k', '-1'],
    ]) {
      expect((await at(dir, ...args)).code).toBe(2);
    }
    expect(await json(dir, 'vector', 'list')).toMatchObject({ value: [{ name: 'docs', count: 0 }] });
  });
});

describe('stratum replay of vector commands', () => {
  const session = [
    '{"type":"VectorCreateCollection","space":"kb","collection":"docs","dimension":3,"metric":"cosine"}',
    '{"type":"VectorBatchUpsert","space":"kb","collection":"docs","entries":[{"key":"a","vector":[1,0,0],"metadata":{"n":1}},{"key":"b","vector":[0.6,0.8,0]}]}',
    '{"type":"VectorUpsert","space":"kb","collection":"docs","key":"a","vector":[0.1,0.2,0.3],"metadata":{"n":2}}',
    '{"type":"VectorSearch","space":"kb","collection":"docs","query":[1,0,0],"k":5,"filter":[{"field":"n","op":"gte","value":1}]}',
    '{"type":"VectorSearch","space":"kb","collection":"docs","query":[1,0,0],"k":5,"asOf":9000000000000000}',
    '{"type":"VectorGet","space":"kb","collection":"docs","key":"a"}',
    '{"type":"VectorUpsert","space":"kb","collection":"docs","key":"c","vector":[1,0]}',
    '{"type":"VectorDelete","space":"kb","collection":"docs","key":"b"}',
    '{"type":"VectorListCollections","space":"kb"}',
    '{"type":"VectorCollectionStats","space":"kb","collection":"docs"}',
    '{"type":"VectorCreateCollection","collection":"tmp","dimension":2,"metric":"dot_product"}',
    '{"type":"VectorDeleteCollection","collection":"tmp"}',
  ];

  it('replays a recorded session with --verify, and rebuilds the same collections into --db', async () => {
    const { dir, log, served } = await recordSession(session);
    const responses = linesOf(served.stdout).map((l) => JSON.parse(l));
    expect(responses.map((r) => r.ok)).toEqual([true, true, true, true, true, true, false, true, true, true, true, true]);
    expect(responses[3].output.value.map((m: { key: string }) => m.key)).toEqual(['a']);

    const verified = await runCli(['replay', log, '--verify']);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    const db = join(dir, 'replayed');
    expect((await runCli(['--db', db, 'replay', log])).code).toBe(0);
    expect(await json(db, '--space', 'kb', 'vector', 'search', 'docs', '[0.1,0.2,0.3]')).toEqual({
      type: 'VectorMatches',
      value: [{ key: 'a', score: 1, metadata: { n: 2 } }],
    });
  });
});
