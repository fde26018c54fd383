import type { Output } from '@stratum/executor';
import type { Command as Program } from 'commander';
import { table } from '../format.js';
import { describe, int, type RunHuman } from './shared.js';

const PRIMITIVES = ['kv', 'json', 'state', 'event', 'vector'] as const;

interface PolicyOptions {
  keepLast?: number;
  keepFor?: number;
  json?: boolean;
}

/** The policy the options name; both given pass through, so the command answers InvalidInput as over the wire. */
function policyOf(o: PolicyOptions): { policy?: { keepLast: number } | { keepFor: number } } {
  const given = { ...(o.keepLast !== undefined ? { keepLast: o.keepLast } : {}), ...(o.keepFor !== undefined ? { keepFor: o.keepFor } : {}) };
  return Object.keys(given).length === 0 ? {} : { policy: given as { keepLast: number } };
}

function renderStats(o: Output): string {
  const s = o as unknown as { items: number; versions: number; bytes: number; byPrimitive: Record<string, { items: number; versions: number; bytes: number }> };
  const row = (name: string, f: { items: number; versions: number; bytes: number }) => [name, String(f.items), String(f.versions), String(f.bytes)];
  return table(['primitive', 'items', 'versions', 'bytes'], [...PRIMITIVES.map((p) => row(p, s.byPrimitive[p] as never)), row('total', s)]);
}

function renderPreview(o: Output): string {
  const s = o as unknown as { versionsToDrop: number; bytesToFree: number; byPrimitive: Record<string, { versionsToDrop: number; bytesToFree: number }> };
  const row = (name: string, f: { versionsToDrop: number; bytesToFree: number }) => [name, String(f.versionsToDrop), String(f.bytesToFree)];
  return table(['primitive', 'versions to drop', 'bytes to free'], [...PRIMITIVES.map((p) => row(p, s.byPrimitive[p] as never)), row('total', s)]);
}

/** `stratum retention stats|preview|apply` on the session's branch (`--branch`). */
export function addRetentionCommands(program: Program, run: RunHuman): void {
  const retention = program.command('retention').description('Count and drop old versions of a branch’s items');
  retention.command('stats').description(describe('RetentionStats')).option('--json', 'print the output as JSON')
    .action((o: { json?: boolean }, cmd: Program) => run(cmd, () => ({ type: 'RetentionStats' }), renderStats, o));
  for (const [name, type, render] of [
    ['preview', 'RetentionPreview', renderPreview],
    ['apply', 'RetentionApply', () => 'ok'],
  ] as const) {
    retention.command(name).description(describe(type))
      .option('--keep-last <n>', 'keep each item’s n newest versions', int)
      .option('--keep-for <micros>', 'keep the versions younger than this many microseconds', int)
      .option('--json', 'print the output as JSON')
      .action((o: PolicyOptions, cmd: Program) => run(cmd, () => ({ type, ...policyOf(o) }), render, o));
  }
}
