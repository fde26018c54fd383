import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp.js';

const requests = [
  { type: 'SpaceInfo', space: 'default' },
  { type: 'KvPut', key: 'k', value: 1 },
  { type: 'Info' },
  { type: 'SpaceInfo', space: 'work' },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

describe('replay of a recorded session is exact', () => {
  it('with a session space given on the command line and figures taken from the clock', async () => {
    const dir = await tempDir();
    const log = join(dir, 'session.jsonl');
    const served = await runCli(['--db', join(dir, 'db'), '--space', 'work', 'serve', '--log', log], requests + '\n');
    expect(served.code).toBe(0);
    await new Promise((r) => setTimeout(r, 1100)); // a replay a second later must still agree on uptime
    const replayed = await runCli(['--space', 'work', 'replay', log, '--verify']);
    // The --space registration is the log's first entry, before the four requests.
    expect(replayed.stdout).toContain('replayed 5 commands, all responses match');
    expect(replayed.code).toBe(0);
  });
});
