import { describe, expect, it } from 'vitest';
import { linesOf, runCli } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp.js';

/** Runs `stratum --db <dir> <args>`. */
const at = (dir: string, ...args: string[]) => runCli(['--db', dir, ...args]);

const cells = (line: string | undefined) => (line ?? '').split(/\s{2,}/);

describe('stratum retention', () => {
  it('prints stats and previews as tables, applies a policy, and prints the output object with --json', async () => {
    const dir = await tempDir();
    for (const v of ['1', '2', '3']) await at(dir, 'kv', 'put', 'a', v);
    const stats = linesOf((await at(dir, 'retention', 'stats')).stdout);
    expect(cells(stats[0])).toEqual(['primitive', 'items', 'versions', 'bytes']);
    expect(stats.slice(2).map(cells)).toEqual([
      ['kv', '1', '3', '54'],
      ['json', '0', '0', '0'],
      ['state', '0', '0', '0'],
      ['event', '0', '0', '0'],
      ['vector', '0', '0', '0'],
      ['total', '1', '3', '54'],
    ]);
    const preview = linesOf((await at(dir, 'retention', 'preview', '--keep-last', '2')).stdout);
    expect(cells(preview[0])).toEqual(['primitive', 'versions to drop', 'bytes to free']);
    expect(cells(preview.at(-1))).toEqual(['total', '1', '18']);
    expect(linesOf((await at(dir, 'retention', 'apply', '--keep-last', '2')).stdout)).toEqual(['ok']);
    const after = JSON.parse((await at(dir, 'retention', 'stats', '--json')).stdout);
    expect(after).toMatchObject({ type: 'RetentionStats', items: 1, versions: 2, bytes: 36 });
    expect(JSON.parse((await at(dir, 'retention', 'preview', '--json')).stdout)).toMatchObject({ type: 'RetentionPreview', versionsToDrop: 1 });
    expect(linesOf((await at(dir, 'retention', 'apply')).stdout)).toEqual(['ok']);
    expect(JSON.parse((await at(dir, 'kv', 'get', 'a', '--json')).stdout).value).toMatchObject({ value: 3, version: 3 });
  });

  it('answers a bad policy with exit code 1, a malformed number with 2, and changes nothing', async () => {
    const dir = await tempDir();
    for (const v of ['1', '2']) await at(dir, 'kv', 'put', 'a', v);
    const both = await at(dir, 'retention', 'apply', '--keep-last', '1', '--keep-for', '5');
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/^InvalidInput: /);
    expect((await at(dir, 'retention', 'apply', '--keep-last', '0')).code).toBe(1);
    expect((await at(dir, 'retention', 'apply', '--keep-last', 'x')).code).toBe(2);
    expect((await at(dir, '--branch', 'nope', 'retention', 'stats')).code).toBe(2);
    expect(JSON.parse((await at(dir, 'retention', 'stats', '--json')).stdout)).toMatchObject({ versions: 2 });
  });
});
