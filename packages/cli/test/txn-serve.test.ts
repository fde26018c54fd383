import { describe, expect, it } from 'vitest';
import { ServeProcess } from './helpers/serve-process.js';
import { tempDir } from './helpers/temp.js';

/** What a fresh server on `dir` sees of the writes the transactions made. */
async function contents(dir: string): Promise<unknown[]> {
  const reader = ServeProcess.start(['--db', dir]);
  await reader.send(
    { type: 'KvGet', space: 'billing', key: 'credits' },
    { type: 'EventLen', space: 'api-logs' },
    { type: 'SpaceList' },
  );
  const answers = (await reader.next(3)).map((r: { output: { value: unknown } }) => r.output.value);
  expect(await reader.close()).toBe(0);
  return answers;
}

const writes = [
  { type: 'TxnBegin' },
  { type: 'KvPut', space: 'billing', key: 'credits', value: 95 },
  { type: 'EventAppend', space: 'api-logs', eventType: 'api_call', payload: { cost: 5 } },
];

describe('stratum serve: transactions and the end of the connection', () => {
  it('closing stdin with a transaction open rolls it back: nothing is written', async () => {
    const dir = await tempDir();
    const server = ServeProcess.start(['--db', dir]);
    await server.send(...writes, { type: 'TxnIsActive' });
    expect(await server.next(4)).toEqual([
      { ok: true, output: { type: 'TxnBegun' } },
      { ok: true, output: { type: 'Version', value: null } },
      { ok: true, output: { type: 'Version', value: 0 } },
      { ok: true, output: { type: 'Bool', value: true } },
    ]);
    expect(await server.close()).toBe(0);
    expect(await contents(dir)).toEqual([null, 0, ['default']]);
  });

  it('a transaction committed before stdin closes stays written', async () => {
    const dir = await tempDir();
    const server = ServeProcess.start(['--db', dir]);
    await server.send(...writes, { type: 'TxnCommit' });
    const answers = await server.next(4);
    expect(answers[3]).toEqual({ ok: true, output: { type: 'TxnCommitted', version: expect.any(Number) } });
    expect(await server.close()).toBe(0);
    const [credits, events, spaces] = await contents(dir);
    expect(credits).toMatchObject({ value: 95, version: answers[3].output.version });
    expect(events).toBe(1);
    expect(spaces).toEqual(expect.arrayContaining(['default', 'billing', 'api-logs']));
  });
});
