import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp.js';

/** Kills per durability mode; each round is a fresh server streamed a load and SIGKILLed mid-way. */
const ROUNDS = 6;
/** Units of load streamed each round: single puts, batches and transactions in turn. */
const UNITS = 1800;

type Response = { id?: string; ok: boolean; output?: { type: string; value?: any; version?: number }; error?: { code: string } };

/** A `stratum serve` child on real pipes, killed with SIGKILL when the test says. */
class Server {
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #child: ChildProcessWithoutNullStreams;
  #partial = '';
  #stderr = '';
  #wake: (() => void) | undefined;

  constructor(dir: string, mode: string) {
    this.#child = spawn(process.execPath, [CLI, '--db', dir, '--durability', mode, 'serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stdout.setEncoding('utf8').on('data', (text: string) => {
      const parts = (this.#partial + text).split('\n');
      this.#partial = parts.pop() ?? '';
      this.lines.push(...parts);
      this.#wake?.();
    });
    this.#child.stderr.setEncoding('utf8').on('data', (s: string) => (this.#stderr += s));
    // The pipe breaks when the server dies while requests are still being written.
    this.#child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.#child.on('close', (code, signal) => {
      this.#wake?.();
      resolve({ code, signal });
    }));
  }

  send(requests: readonly unknown[]): void {
    this.#child.stdin.write(requests.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  /** Resolves once `count` lines have arrived in all. */
  async waitFor(count: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (this.lines.length < count) {
      if (this.#child.exitCode !== null || this.#child.signalCode !== null || Date.now() > deadline) {
        throw new Error(`expected ${count} lines, got ${this.lines.length}; stderr: ${this.#stderr}`);
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 200);
      });
    }
  }

  /** Sends requests and resolves to their responses. */
  async ask(requests: readonly unknown[]): Promise<Response[]> {
    const from = this.lines.length;
    this.send(requests);
    await this.waitFor(from + requests.length);
    return this.lines.slice(from, from + requests.length).map((l) => JSON.parse(l) as Response);
  }

  kill(): void {
    this.#child.kill('SIGKILL');
  }

  async close(): Promise<number | null> {
    this.#child.stdin.end();
    return (await this.exited).code;
  }
}

/** A small deterministic generator, so a failing run can be repeated from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The requests of unit `i` of round `r`: a put, a three-entry batch, or a transaction over three spaces. */
function unit(r: number, i: number): unknown[] {
  const tag = `${r}-${i}`;
  switch (i % 3) {
    case 0: return [{ id: `p:${tag}`, type: 'KvPut', space: 'kv', key: `p-${tag}`, value: { r, i } }];
    case 1: return [{ id: `b:${tag}`, type: 'KvBatchPut', space: 'kv', entries: [0, 1, 2].map((j) => ({ key: `b-${tag}-${j}`, value: { r, i, j } })) }];
    default: return [
      { id: `t0:${tag}`, type: 'TxnBegin' },
      { id: `t1:${tag}`, type: 'KvPut', space: 'ta', key: `t-${tag}`, value: { r, i } },
      { id: `t2:${tag}`, type: 'KvPut', space: 'tb', key: `t-${tag}`, value: { r, i } },
      { id: `t3:${tag}`, type: 'EventAppend', space: 'tc', eventType: 'txn', payload: { tag } },
      { id: `t4:${tag}`, type: 'TxnCommit' },
    ];
  }
}

/** Everything the test learned so far: what was acknowledged, and the clock readings seen. */
interface Ledger {
  /** Key in space kv → the acknowledged value's version. */
  readonly puts: Map<string, number>;
  /** Transactions whose TxnCommit answered. */
  readonly txns: Set<string>;
  /** The marker write of each round: its timestamp, for time travel later. */
  readonly markers: number[];
  maxVersion: number;
  maxTimestamp: number;
}

async function list(server: Server, space: string): Promise<string[]> {
  const [r] = await server.ask([{ type: 'KvList', space }]);
  return r?.output?.value as string[];
}

/**
 * One round: a fresh server writes the round's marker (checking the clock went on past
 * everything seen before), streams the load, and is killed after a random number of answers.
 */
async function crashRound(dir: string, mode: string, r: number, ledger: Ledger, next: () => number): Promise<void> {
  const server = new Server(dir, mode);
  const [put] = await server.ask([{ type: 'KvPut', space: 'meta', key: 'round', value: r }]);
  const [got] = await server.ask([{ type: 'KvGet', space: 'meta', key: 'round' }]);
  const version = put?.output?.value as number;
  const timestamp = got?.output?.value.timestamp as number;
  // Versions and timestamps keep increasing across the restart.
  expect(version).toBeGreaterThan(ledger.maxVersion);
  expect(timestamp).toBeGreaterThan(ledger.maxTimestamp);
  ledger.markers.push(timestamp);
  ledger.maxVersion = version;
  ledger.maxTimestamp = timestamp;

  const load = Array.from({ length: UNITS }, (_, i) => unit(r, i)).flat();
  const start = server.lines.length;
  const killAfter = start + 50 + Math.floor(next() * (load.length * 0.8));
  server.send(load);
  await server.waitFor(killAfter);
  server.kill();
  expect((await server.exited).signal).toBe('SIGKILL');
  const answered = server.lines.slice(start).map((l) => JSON.parse(l) as Response);
  // The kill came in the middle of the stream.
  expect(answered.length).toBeLessThan(load.length);
  for (const a of answered) {
    if (!a.ok) throw new Error(`request ${a.id} failed: ${JSON.stringify(a.error)}`);
    const [kind, tag] = (a.id as string).split(':') as [string, string];
    if (kind === 'p') ledger.puts.set(`p-${tag}`, a.output?.value as number);
    if (kind === 'b') for (const j of [0, 1, 2]) ledger.puts.set(`b-${tag}-${j}`, (a.output?.value as { version: number }[])[j]?.version as number);
    if (kind === 't4') {
      ledger.txns.add(tag);
      ledger.maxVersion = Math.max(ledger.maxVersion, a.output?.version as number);
    }
  }
  for (const v of ledger.puts.values()) ledger.maxVersion = Math.max(ledger.maxVersion, v);
}

/** After a crash: every acknowledged write is there, nothing is partial, time travel still answers. */
async function verify(dir: string, mode: string, r: number, ledger: Ledger): Promise<void> {
  const server = new Server(dir, mode);
  const kv = await list(server, 'kv');
  const present = new Set(kv);
  expect([...ledger.puts.keys()].filter((k) => !present.has(k))).toEqual([]);
  // Each acknowledged put reads back with its value and version; unacknowledged ones may be there too.
  const gets = await server.ask(kv.map((key) => ({ type: 'KvGet', space: 'kv', key })));
  kv.forEach((key, n) => {
    const got = gets[n]?.output?.value as { value: unknown; version: number; timestamp: number };
    const acked = ledger.puts.get(key);
    if (acked !== undefined) expect(got.version).toBe(acked);
    // Keys are p-<round>-<unit> for puts and b-<round>-<unit>-<entry> for batch entries.
    const [kind, round, i, j] = key.split('-');
    const expected = { r: Number(round), i: Number(i), ...(kind === 'b' ? { j: Number(j) } : {}) };
    expect(got.value).toEqual(expected);
    ledger.maxVersion = Math.max(ledger.maxVersion, got.version);
    ledger.maxTimestamp = Math.max(ledger.maxTimestamp, got.timestamp);
  });
  // A batch is whole or absent.
  const batches = new Map<string, number>();
  for (const key of kv) if (key.startsWith('b-')) batches.set(key.slice(0, -2), (batches.get(key.slice(0, -2)) ?? 0) + 1);
  expect([...batches].filter(([, n]) => n !== 3)).toEqual([]);
  // A transaction is whole or absent, in all three spaces; acknowledged ones are there.
  const [ta, tb] = [await list(server, 'ta'), await list(server, 'tb')];
  for (const got of await server.ask(ta.map((key) => ({ type: 'KvGet', space: 'ta', key })))) {
    ledger.maxVersion = Math.max(ledger.maxVersion, got.output?.value.version as number);
    ledger.maxTimestamp = Math.max(ledger.maxTimestamp, got.output?.value.timestamp as number);
  }
  const [len] = await server.ask([{ type: 'EventLen', space: 'tc' }]);
  const events = await server.ask(Array.from({ length: len?.output?.value as number }, (_, sequence) => ({ type: 'EventGet', space: 'tc', sequence })));
  const tags = events.map((e) => `t-${e.output?.value.value.tag as string}`);
  expect(new Set(tags).size).toBe(tags.length);
  expect([...tags].sort()).toEqual(ta);
  expect(tb).toEqual(ta);
  const committed = new Set(ta);
  expect([...ledger.txns].filter((tag) => !committed.has(`t-${tag}`))).toEqual([]);
  // Time travel to before the crash: every round's marker as of its own time, and a key's birth.
  const asOf = await server.ask(ledger.markers.map((ts) => ({ type: 'KvGet', space: 'meta', key: 'round', asOf: ts })));
  expect(asOf.map((a) => a.output?.value.value)).toEqual(ledger.markers.map((_, q) => q));
  const [history] = await server.ask([{ type: 'KvGetv', space: 'meta', key: 'round' }]);
  expect((history?.output?.value as { timestamp: number }[]).map((h) => h.timestamp)).toEqual([...ledger.markers].reverse());
  const sample = [...ledger.puts.keys()].filter((k) => k.includes(`-${r}-`)).slice(0, 10);
  const born = await server.ask(sample.map((key) => ({ type: 'KvGet', space: 'kv', key })));
  const before = await server.ask(sample.map((key, n) => ({ type: 'KvGet', space: 'kv', key, asOf: born[n]?.output?.value.timestamp - 1 })));
  const at = await server.ask(sample.map((key, n) => ({ type: 'KvGet', space: 'kv', key, asOf: born[n]?.output?.value.timestamp })));
  expect(before.map((b) => b.output?.value)).toEqual(sample.map(() => null));
  expect(at.map((a) => a.output?.value)).toEqual(born.map((b) => b.output?.value));
  expect(await server.close()).toBe(0);
}

describe.each(['always', 'standard'])('stratum serve --durability %s, SIGKILLed under load again and again', (mode) => {
  it('keeps every acknowledged write, never a partial batch or transaction, and versions, timestamps and time travel across restarts', async () => {
    const seed = Date.now();
    const next = random(seed);
    const dir = join(await tempDir(), 'db');
    const ledger: Ledger = { puts: new Map(), txns: new Set(), markers: [], maxVersion: 0, maxTimestamp: 0 };
    try {
      for (let r = 0; r < ROUNDS; r++) {
        await crashRound(dir, mode, r, ledger, next);
        await verify(dir, mode, r, ledger);
      }
      // The recovered database passes the offline check.
      const check = await runCli(['check', dir]);
      expect(check.stdout).toContain('No problems found.');
      expect(check.code).toBe(0);
    } catch (e) {
      throw new Error(`seed ${seed}: ${(e as Error).message}`, { cause: e });
    }
  }, 60_000);
});

describe('a database held by another process', () => {
  it('gives Io naming the cause (exit 1, no stack trace), and the holder keeps serving', async () => {
    const dir = join(await tempDir(), 'db');
    const holder = new Server(dir, 'standard');
    expect((await holder.ask([{ type: 'KvPut', key: 'k', value: 1 }]))[0]?.ok).toBe(true);
    for (const args of [['exec', '{"type":"Ping"}'], ['serve'], ['kv', 'get', 'k']]) {
      const second = await runCli(['--db', dir, ...args], '{"type":"Ping"}\n');
      expect(second.code).toBe(1);
      expect(second.stdout).toBe('');
      expect(second.stderr).toBe('stratum: I/O error: database is in use by another process\n');
    }
    const [put, get] = await holder.ask([{ type: 'KvPut', key: 'k', value: 2 }, { type: 'KvGet', key: 'k' }]);
    expect(put?.ok).toBe(true);
    expect(get?.output?.value.value).toBe(2);
    expect(await holder.close()).toBe(0);
    const after = await runCli(['--db', dir, 'exec', '{"type":"KvGet","key":"k"}']);
    expect(after.code).toBe(0);
  }, 30_000);
});
