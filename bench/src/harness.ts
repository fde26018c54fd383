import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `BENCH_SMOKE=1` shrinks every benchmark so CI only proves they run. */
export const SMOKE = process.env['BENCH_SMOKE'] === '1';

/** The value every put writes: a small chat message, about 100 bytes once encoded. */
export const VALUE = {
  role: 'assistant',
  text: 'Paris is the capital of France; it sits on the Seine, north of Lyon.',
  turn: 7,
  done: true,
};

/** What a figure is held to: a ratio against its raw column, or an absolute rate. */
export type Target = { readonly kind: 'ratio'; readonly min: number } | { readonly kind: 'rate'; readonly min: number };

/** One line of the final table. Rates are operations per second. */
export interface Row {
  readonly name: string;
  readonly stratum: number;
  readonly rawLabel: string;
  /** Absent when nothing raw compares to the figure. */
  readonly raw?: number;
  readonly target?: Target;
  readonly note?: string;
}

export function elapsedSeconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Runs `fn` once and returns its rate over `ops` operations. */
export async function rate(ops: number, fn: () => Promise<void> | void): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return ops / elapsedSeconds(start);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Keys unique to one round, built before the clock starts so neither side pays for them. */
export function keys(tag: string, n: number): string[] {
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = `${tag}:${i.toString().padStart(8, '0')}`;
  return out;
}

export interface DuelSide {
  /** Runs one round over `keys`; its rate is keys.length per elapsed second. */
  readonly run: (keys: string[]) => Promise<void> | void;
}

export interface DuelResult {
  readonly stratum: number;
  readonly raw: number;
  readonly stratumRounds: readonly number[];
  readonly rawRounds: readonly number[];
}

/**
 * Measures two sides over the same workload: one warm-up round each, then rounds alternating
 * raw and Stratum so drift in the machine (page cache, compaction, thermal) hits both alike.
 * Reports the median round of each side.
 */
export async function duel(
  label: string,
  opts: { readonly ops: number; readonly warmup: number; readonly rounds: number },
  stratum: DuelSide,
  raw: DuelSide,
): Promise<DuelResult> {
  await raw.run(keys(`${label}-raw-warm`, opts.warmup));
  await stratum.run(keys(`${label}-warm`, opts.warmup));
  const rawRounds: number[] = [];
  const stratumRounds: number[] = [];
  for (let r = 0; r < opts.rounds; r++) {
    const rk = keys(`${label}-raw-${r}`, opts.ops);
    rawRounds.push(await rate(opts.ops, () => raw.run(rk)));
    const sk = keys(`${label}-${r}`, opts.ops);
    stratumRounds.push(await rate(opts.ops, () => stratum.run(sk)));
  }
  const result = { stratum: median(stratumRounds), raw: median(rawRounds), stratumRounds, rawRounds };
  log(`${label}: stratum ${fmtRounds(stratumRounds)} | raw ${fmtRounds(rawRounds)}`);
  return result;
}

/** Runs `work` over `items` with `width` of them in flight at once, in consecutive waves. */
export async function inWaves<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  const wave: Promise<unknown>[] = [];
  for (let i = 0; i < items.length; i += width) {
    wave.length = 0;
    const end = Math.min(items.length, i + width);
    for (let j = i; j < end; j++) wave.push(work(items[j] as T));
    await Promise.all(wave);
  }
}

const dirs = new Set<string>();

/** A fresh directory, removed by {@link removeTempDirs}. */
export async function tempDir(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `stratum-bench-${label}-`));
  dirs.add(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all([...dirs].map((d) => rm(d, { recursive: true, force: true })));
  dirs.clear();
}

/** Progress and per-round figures go to stderr; stdout carries only the report. */
export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function fmtRate(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

function fmtRounds(xs: readonly number[]): string {
  return xs.map((x) => `${Math.round(x / 1000)}k`).join(' ');
}
