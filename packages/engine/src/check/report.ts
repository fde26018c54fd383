import type { StorageProblem } from '@stratum/storage';

/** What can be wrong in a stored database, storage-level kinds included. */
export type ProblemKind =
  | StorageProblem['kind']
  | 'unreadable'
  | 'malformed-record'
  | 'unknown-tag'
  | 'clock-missing'
  | 'beyond-clock'
  | 'history-order'
  | 'latest-missing'
  | 'latest-mismatch'
  | 'stray-tombstone'
  | 'index-dangling'
  | 'index-mismatch'
  | 'index-missing'
  | 'event-beyond-log'
  | 'vector-orphan'
  | 'vector-dimension'
  | 'space-unregistered';

export interface Problem {
  readonly kind: ProblemKind;
  /** The item concerned, readable: `branch/space primitive key`. */
  readonly where?: string;
  readonly message: string;
}

/** The outcome of checking a database. */
export interface CheckReport {
  readonly ok: boolean;
  /** Every problem found, up to {@link MAX_LISTED}; `problemCount` counts them all. */
  readonly problems: readonly Problem[];
  readonly problemCount: number;
  /** Findings that are not damage (data a crash left for removal). */
  readonly notes: readonly string[];
  readonly counts: {
    readonly keys: number;
    readonly versions: number;
    readonly branches: number;
    readonly spaces: number;
  };
  /** The stored clock lease: no version or timestamp may exceed it. */
  readonly clock: { readonly version: number; readonly timestamp: number } | null;
}

/** A badly damaged database could report millions of problems; the first ones say enough. */
export const MAX_LISTED = 1000;

/** Collects problems, keeping the first {@link MAX_LISTED} and counting the rest. */
export class Problems {
  readonly listed: Problem[] = [];
  count = 0;

  add(kind: ProblemKind, message: string, where?: string): void {
    this.count++;
    if (this.listed.length < MAX_LISTED) this.listed.push(where === undefined ? { kind, message } : { kind, where, message });
  }
}
