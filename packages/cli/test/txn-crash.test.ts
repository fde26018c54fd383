import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from './helpers/run-cli.js';
import { ServeProcess } from './helpers/serve-process.js';
import { tempDir } from './helpers/temp.js';

/** Transactions streamed into the server; the kill comes long before the last. */
const TRANSACTIONS = 3000;
/** Responses to wait for before the kill. */
const KILL_AFTER_LINES = 400;
/** Requests per transaction: begin, two puts, one append, commit. */
const PER_TXN = 5;

const txnKey = (n: number) => `t${String(n).padStart(5, '0')}`;

/** The requests of transaction `n`: one write in each of the spaces a, b and c, then the commit. */
const transaction = (n: number): unknown[] => [
  { type: 'TxnBegin' },
  { type: 'KvPut', space: 'a', key: txnKey(n), value: n },
  { type: 'KvPut', space: 'b', key: txnKey(n), value: n },
  { type: 'EventAppend', space: 'c', eventType: 'txn', payload: { n } },
  { type: 'TxnCommit' },
];

interface Streamed {
  /** Transactions whose TxnCommit answered ok before the server died. */
  readonly acknowledged: number[];
  /** Response lines received in all. */
  readonly lines: number;
  readonly signal: NodeJS.Signals | null;
}

/** Streams every transaction into `stratum --db dir serve` and SIGKILLs it mid-way. */
function streamAndKill(dir: string): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--db', dir, 'serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let partial = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length >= KILL_AFTER_LINES && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    // The pipe breaks when the server dies while requests are still being written.
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') {
        reject(new Error(`the server ended on its own (code ${code}) after ${lines.length} lines; stderr: ${stderr}`));
        return;
      }
      const acknowledged: number[] = [];
      lines.forEach((line, i) => {
        const response = JSON.parse(line) as { ok: boolean; output?: { type: string } };
        if (i % PER_TXN === PER_TXN - 1 && response.ok && response.output?.type === 'TxnCommitted') {
          acknowledged.push(Math.floor(i / PER_TXN));
        }
      });
      resolve({ acknowledged, lines: lines.length, signal });
    });
    const body = Array.from({ length: TRANSACTIONS }, (_, n) => transaction(n).map((r) => `${JSON.stringify(r)}\n`).join('')).join('');
    child.stdin.end(body);
  });
}

/** What a fresh server on `dir` holds: the transaction numbers found in each space. */
async function recovered(dir: string): Promise<{ a: Map<number, unknown>; b: Map<number, unknown>; c: number[] }> {
  const server = ServeProcess.start(['--db', dir]);
  await server.send({ type: 'KvList', space: 'a' }, { type: 'KvList', space: 'b' }, { type: 'EventLen', space: 'c' });
  const [listA, listB, len] = (await server.next(3)) as { ok: boolean; output: { value: unknown } }[];
  const keysA = listA?.output.value as string[];
  const keysB = listB?.output.value as string[];
  const events = len?.output.value as number;
  await server.send(
    ...keysA.map((key) => ({ type: 'KvGet', space: 'a', key })),
    ...keysB.map((key) => ({ type: 'KvGet', space: 'b', key })),
    ...Array.from({ length: events }, (_, sequence) => ({ type: 'EventGet', space: 'c', sequence })),
  );
  const answers = (await server.next(keysA.length + keysB.length + events)) as { output: { value: { value: any } } }[];
  expect(await server.close()).toBe(0);
  const byKey = (keys: string[], from: number) =>
    new Map(keys.map((key, i) => [Number(key.slice(1)), answers[from + i]?.output.value.value]));
  return {
    a: byKey(keysA, 0),
    b: byKey(keysB, keysA.length),
    c: answers.slice(keysA.length + keysB.length).map((r) => r.output.value.value.n as number),
  };
}

describe('stratum serve killed while committing multi-space transactions', () => {
  it('after a restart each transaction is wholly present or wholly absent, and every acknowledged one is present', async () => {
    const dir = await tempDir();
    const streamed = await streamAndKill(dir);
    expect(streamed.signal).toBe('SIGKILL');
    expect(streamed.acknowledged.length).toBeGreaterThan(0);

    const { a, b, c } = await recovered(dir);
    const present = [...a.keys()].sort((x, y) => x - y);
    // The kill really came in the middle of the stream.
    expect(present.length).toBeLessThan(TRANSACTIONS);
    // All or nothing: the same transactions in the three spaces, each event once, values intact.
    expect([...b.keys()].sort((x, y) => x - y)).toEqual(present);
    expect([...c].sort((x, y) => x - y)).toEqual(present);
    for (const n of present) {
      expect(a.get(n)).toBe(n);
      expect(b.get(n)).toBe(n);
    }
    // Every transaction acknowledged before the kill survived it.
    const survived = new Set(present);
    expect(streamed.acknowledged.filter((n) => !survived.has(n))).toEqual([]);
  }, 60_000);
});
