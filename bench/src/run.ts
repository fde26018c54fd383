import { cacheBench } from './cache.js';
import { SMOKE, fmtRate, log, removeTempDirs, removeTempDirsNow, type Row, type Target } from './harness.js';
import { kvGetBench } from './kv-get.js';
import { kvPutBench } from './kv-put.js';
import { replayBench } from './replay.js';
import { serveBench } from './serve.js';

const GROUPS: readonly (readonly [string, () => Promise<Row[]>])[] = [
  ['kvPut', kvPutBench],
  ['kvGet', kvGetBench],
  ['state', () => import('./state.js').then((m) => m.stateBench())],
  ['event', () => import('./event.js').then((m) => m.eventBench())],
  ['json', () => import('./json.js').then((m) => m.jsonBench())],
  ['vector', () => import('./vector.js').then((m) => m.vectorBench())],
  ['txn', () => import('./txn.js').then((m) => m.txnBench())],
  ['txnVector', () => import('./txn-vector.js').then((m) => m.txnVectorBench())],
  ['branch', () => import('./branch.js').then((m) => m.branchBench())],
  ['retention', () => import('./retention.js').then((m) => m.retentionBench())],
  ['serve', serveBench],
  ['cache', cacheBench],
  ['replay', replayBench],
  ['durability', () => import('./durability.js').then((m) => m.durabilityBench())],
];

function met(row: Row): boolean | undefined {
  const t = row.target;
  if (t === undefined) return undefined;
  if (t.kind === 'rate') return row.stratum >= t.min;
  return row.raw !== undefined && row.stratum / row.raw >= t.min;
}

function fmtTarget(t: Target | undefined): string {
  if (t === undefined) return '—';
  return t.kind === 'ratio' ? `ratio ≥ ${t.min.toFixed(1)}` : `≥ ${fmtRate(t.min)}/s`;
}

function table(rows: readonly Row[]): string {
  const head = ['Benchmark', 'Stratum ops/s', 'Raw baseline', 'Raw ops/s', 'Ratio', 'Target', 'Met', 'Notes'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i > 0 && i < 5 ? ' ---: ' : ' --- ')).join('|')}|`];
  for (const row of rows) {
    const ok = met(row);
    const cells = [
      row.name,
      fmtRate(row.stratum),
      row.rawLabel,
      row.raw === undefined ? 'n/a' : fmtRate(row.raw),
      row.raw === undefined ? 'n/a' : (row.stratum / row.raw).toFixed(2),
      fmtTarget(row.target),
      ok === undefined ? '—' : ok ? 'yes' : '**MISSED**',
      row.note ?? '',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/**
 * Runs every benchmark group in this one process and prints a markdown table. A missed target is
 * reported, not failed: only a benchmark that cannot run makes the exit code non-zero.
 */
async function main(): Promise<number> {
  const rows: Row[] = [];
  const broken: string[] = [];
  const started = process.hrtime.bigint();
  log(`Stratum benchmarks${SMOKE ? ' (smoke run: sizes are tiny, figures mean nothing)' : ''}; node ${process.version}`);
  try {
    const only = process.argv.slice(2);
    for (const [name, group] of GROUPS.filter(([n]) => only.length === 0 || only.includes(n))) {
      try {
        rows.push(...(await group()));
      } catch (e) {
        broken.push(name);
        log(`${name}: FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    }
  } finally {
    await removeTempDirs();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`\n${table(rows)}\n\n`);
  const missed = rows.filter((r) => met(r) === false);
  process.stdout.write(
    missed.length === 0 ? 'All targets met.\n' : `MISSED ${missed.length} target(s): ${missed.map((r) => `${r.name} (vs ${r.rawLabel})`).join('; ')}\n`,
  );
  process.stdout.write(`Ratio is Stratum / raw, higher is better. Total time ${seconds.toFixed(1)} s.\n`);
  if (broken.length > 0) process.stdout.write(`FAILED to run: ${broken.join(', ')}\n`);
  return broken.length > 0 ? 1 : 0;
}

// Ctrl-C mid-run must not leave database directories behind in the temp dir.
process.once('SIGINT', () => {
  removeTempDirsNow();
  process.exit(130);
});

process.exitCode = await main();
