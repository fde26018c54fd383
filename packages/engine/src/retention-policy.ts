import { err, isNonArrayObject } from '@stratum/core';
import type { VersionInfo } from '@stratum/storage';

/** Which versions of each item to keep besides the newest (protocol §6.12); none: only the newest. */
export type RetentionPolicy = { readonly keepLast: number } | { readonly keepFor: number };

/**
 * The policy a caller gave, checked: absent (`undefined` or `null`), or an object with exactly one
 * of `keepLast` (an integer ≥ 1) or `keepFor` (µs, an integer ≥ 0). Anything else is
 * `InvalidInput` with `details.path` under `/policy`.
 */
export function checkPolicy(policy: unknown): RetentionPolicy | undefined {
  if (policy === undefined || policy === null) return undefined;
  if (!isNonArrayObject(policy)) throw bad('Retention policy must be an object with keepLast or keepFor', '/policy');
  const names = Object.keys(policy);
  if (names.length !== 1) throw bad('Retention policy must have exactly one of keepLast or keepFor', '/policy');
  const name = names[0] as string;
  const n = policy[name];
  if (name === 'keepLast') {
    if (!Number.isSafeInteger(n) || (n as number) < 1) throw bad('keepLast must be an integer of at least 1', '/policy/keepLast');
    return { keepLast: n as number };
  }
  if (name === 'keepFor') {
    if (!Number.isSafeInteger(n) || (n as number) < 0) throw bad('keepFor must be a non-negative integer of microseconds', '/policy/keepFor');
    return { keepFor: n as number };
  }
  throw bad(`Unknown retention policy field '${name}': expected keepLast or keepFor`, `/policy/${name}`);
}

function bad(reason: string, path: string) {
  return err.invalidInput(reason, { path });
}

/**
 * Marks which versions of one item a policy drops. `versions` are the item's stored versions,
 * oldest first (so in timestamp order); `at` is the command's time; `pins` are the sorted times at
 * which some reader still reads this history (forks, recorded merges, open transactions): the
 * version that was newest at each of them is kept, as is the item's newest version.
 * Returns the indices of the versions to drop, ascending.
 */
export function versionsToDrop(versions: readonly VersionInfo[], policy: RetentionPolicy | undefined, at: number, pins: readonly number[]): number[] {
  const out: number[] = [];
  const newest = versions.length - 1;
  const firstKept = policy !== undefined && 'keepLast' in policy ? Math.max(0, versions.length - policy.keepLast) : newest;
  const youngerThan = policy !== undefined && 'keepFor' in policy ? at - policy.keepFor : Infinity;
  for (let i = 0; i < newest; i++) {
    const v = versions[i] as VersionInfo;
    if (i >= firstKept || v.timestamp > youngerThan) continue;
    if (pinned(pins, v.timestamp, (versions[i + 1] as VersionInfo).timestamp)) continue;
    out.push(i);
  }
  return out;
}

/** Whether some pin falls in [from, to): the version written at `from` was the newest there. */
function pinned(pins: readonly number[], from: number, to: number): boolean {
  let lo = 0;
  let hi = pins.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((pins[mid] as number) < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < pins.length && (pins[lo] as number) < to;
}
