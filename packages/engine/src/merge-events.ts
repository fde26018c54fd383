import { hasNegativeZero } from '@stratum/core';
import type { Database, Write } from './database.js';
import { eventKey } from './event-keys.js';
import type { EventLog, EventRecord } from './event.js';
import type { Scope } from './scope.js';

/** Sorted, disjoint half-open ranges of sequences. */
export type Ranges = [number, number][];

/**
 * What a recorded merge remembers of event logs: per branch id and space, the sequences of that
 * branch's log the other branch of the pair already holds (sent over by a merge, or received from
 * it). Logs are append-only and merges append, so a later merge in either direction sends exactly
 * the events outside these ranges and past the logs' shared start.
 */
export type KnownEvents = Record<string, Record<string, Ranges>>;

/** `ranges` with [from, to) added, merged into sorted disjoint ranges. */
export function withRange(ranges: Ranges | undefined, from: number, to: number): Ranges {
  const all = [...(ranges ?? []), [from, to] as [number, number]].filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Ranges = [];
  for (const [a, b] of all) {
    const last = out[out.length - 1];
    if (last !== undefined && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

const inRanges = (ranges: Ranges | undefined, seq: number): boolean => ranges?.some(([a, b]) => seq >= a && seq < b) === true;

export interface MergedEvents {
  readonly writes: Write[];
  /** Events appended to the target. */
  readonly count: number;
  /** The source's sequences the target now holds, and the target's new ones (from the source). */
  readonly sent: [number, number];
  readonly received: [number, number];
}

/**
 * The source's events the target lacks — past the `shared` start both logs inherited, and not
 * already exchanged (`known`) — appended in order after the target's, with its next sequences.
 */
export function mergedEvents(db: Database, events: EventLog, source: Scope, target: Scope, shared: number, known: Ranges | undefined): MergedEvents {
  const to = events.len(source);
  const first = events.len(target);
  let next = first;
  const writes: Write[] = [];
  for (let seq = shared; seq < to; seq++) {
    if (inRanges(known, seq)) continue;
    const record = db.read(eventKey(source, seq))?.value as EventRecord | undefined;
    if (record === undefined) continue;
    writes.push(...events.eventWrites(target, next++, record.type, record.payload, hasNegativeZero(record.payload)));
  }
  if (writes.length > 0) writes.push(events.logWrite(target, next));
  return { writes, count: next - first, sent: [shared, to], received: [first, next] };
}
