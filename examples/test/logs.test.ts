import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'packages', 'cli', 'bin', 'stratum.js');
const logs = join(root, 'examples', 'logs');

describe('example command logs', () => {
  it.each(readdirSync(logs).filter((f) => f.endsWith('.recorded.jsonl')))('%s replays with every response verified', async (file) => {
    const { stdout } = await run(process.execPath, [cli, 'replay', join(logs, file), '--verify']);
    expect(stdout).toMatch(/^replayed \d+ commands, all responses match$/m);
  });

  it.each(readdirSync(logs).filter((f) => f.endsWith('.requests.jsonl')))('%s replays as plain requests', async (file) => {
    const { stdout } = await run(process.execPath, [cli, '--cache', 'replay', join(logs, file)]);
    expect(stdout).toMatch(/^replayed 13 commands$/m);
  });
});
