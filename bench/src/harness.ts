import { rmSync } from 'node:fs';
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

export interface Side {
  readonly name: string;
  /** Runs one round over `keys`; its rate is keys.length per elapsed second. */
  readonly run: (keys: string[]) => Promise<void> | void;
}

/**
 * Measures several sides over the same workload: one warm-up round each, then rounds taking the
 * sides in turn so drift in the machine (page cache, compaction, heat) hits all of them alike.
 * Returns the median round of each side, in the order given.
 */
export async function compare<const S extends readonly Side[]>(
  label: string,
  opts: { readonly ops: number; readonly warmup: number; readonly rounds: number },
  sides: S,
): Promise<{ -readonly [K in keyof S]: number }> {
  for (const side of sides) await side.run(keys(`${label}-${side.name}-warm`, opts.warmup));
  const rounds: number[][] = sides.map(() => []);
  for (let r = 0; r < opts.rounds; r++) {
    for (const [i, side] of sides.entries()) {
      const k = keys(`${label}-${side.name}-${r}`, opts.ops);
      (rounds[i] as number[]).push(await rate(opts.ops, () => side.run(k)));
    }
  }
  log(`${label}: ${sides.map((s, i) => `${s.name} ${fmtRounds(rounds[i] as number[])}`).join(' | ')}`);
  return rounds.map(median) as { -readonly [K in keyof S]: number };
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

/** For an interrupted run, which has no time left to wait on promises. */
export function removeTempDirsNow(): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
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
