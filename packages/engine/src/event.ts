import { LIMITS, checkValue, err, isValueObject, nonFinitePath, type Value } from '@stratum/core';
import type { VersionedRecord } from '@stratum/storage';
import { checkEntries, commitBatch } from './batch-items.js';
import { DirectAccess, prepared, type Access } from './access.js';
import type { Database, Write } from './database.js';
import { eventKey, eventLogKey, eventTypeIndexKey, eventTypeIndexPrefix } from './event-keys.js';
import type { BatchItemResult, VersionedValue } from './kv.js';
import type { Scope } from './scope.js';
import type { SpaceIndex } from './spaces.js';
import { ownValue } from './state.js';
import type { Transaction } from './transaction.js';
import { readAsOf } from './versioned-reads.js';

/** What an event record holds. Its timestamp is the record's own: that of the commit that appended it. */
export interface EventRecord {
  readonly type: string;
  readonly payload: Value;
}

/** The log's own record. */
interface LogRecord {
  readonly next: number;
}

export interface EventByTypeOptions {
  /** At most this many events; 0 gives none. */
  limit?: number | undefined;
  /** Only events with a greater sequence. */
  afterSequence?: number | undefined;
  /** Only events appended at or before this moment (µs). */
  asOf?: number | undefined;
}

export interface EventEntry {
  readonly eventType: string;
  readonly payload: Value;
}

/**
 * Checks an event before it is appended (reference §3.3, in its order): the type is 1..256 UTF-8
 * bytes of any characters; the payload is an object within the value limits, without NaN or an
 * infinity anywhere. Returns whether the payload holds a negative zero, for the record codec.
 */
export function checkEvent(type: string, payload: Value, path: string): boolean {
  if (type.length === 0) throw err.invalidInput('event_type cannot be empty', { eventType: type });
  if (type.length * 3 > LIMITS.eventTypeBytes) {
    const n = Buffer.byteLength(type, 'utf8');
    if (n > LIMITS.eventTypeBytes) {
      throw err.invalidInput(`event_type exceeds maximum length (${LIMITS.eventTypeBytes})`, {
        eventType: type.slice(0, 64), limit: LIMITS.eventTypeBytes, actual: n,
      });
    }
  }
  if (!isValueObject(payload)) throw err.invalidInput('payload must be a JSON object', { path });
  const { negativeZero } = checkValue(payload, path);
  const bad = nonFinitePath(payload);
  if (bad !== undefined) throw err.invalidInput('payload contains NaN or Infinity', { path: path + bad });
  return negativeZero;
}

const entry = (sequence: number, r: VersionedRecord): VersionedValue => ({
  value: (r.value as EventRecord).payload,
  version: sequence,
  timestamp: r.timestamp,
});

/**
 * The event primitive: one append-only log per (branch, space), sequences from 0, an event's
 * version is its sequence. An append writes the event, its type-index entry and the log record
 * in one commit. The sequence is taken from the log record when the append is queued, through
 * the synchronous read that sees queued writes, so concurrent appends to one log take
 * consecutive sequences without a gap or a repeat.
 */
export class EventLog {
  readonly #db: Database;
  readonly #direct: DirectAccess;

  constructor(db: Database, spaces: SpaceIndex) {
    this.#db = db;
    this.#direct = new DirectAccess(db, spaces);
  }

  /** Number of events in the log, which is also the next sequence; counts appends still queued. */
  len(scope: Scope, access: Access = this.#direct): number {
    const record = access.read(eventLogKey(scope));
    return record === undefined ? 0 : (record.value as LogRecord).next;
  }

  /** The log's length as `access` sees it (a transaction: the committed log at its snapshot plus its own appends). */
  async lenIn(access: Access, scope: Scope): Promise<number> {
    return prepared(access, [eventLogKey(scope)], async () => this.len(scope, access));
  }

  /** Appends one event; resolves to its sequence once its commit has landed (inside a transaction: once buffered). */
  async append(scope: Scope, type: string, payload: Value, at: number, access: Access = this.#direct): Promise<number> {
    const negativeZero = checkEvent(type, payload, '/payload');
    return prepared(access, [eventLogKey(scope)], async () => {
      const sequence = this.len(scope, access);
      const writes = [...this.eventWrites(scope, sequence, type, payload, negativeZero), this.logWrite(scope, sequence + 1)];
      await access.apply(writes, scope, at);
      return sequence;
    });
  }

  /** Appends every valid entry in one commit, with consecutive sequences in input order; invalid ones get their own error. */
  async batchAppend(scope: Scope, entries: readonly EventEntry[], at: number, access: Access = this.#direct): Promise<BatchItemResult[]> {
    return prepared(access, [eventLogKey(scope)], () => this.#batchAppend(scope, entries, at, access));
  }

  #batchAppend(scope: Scope, entries: readonly EventEntry[], at: number, access: Access): Promise<BatchItemResult[]> {
    const first = this.len(scope, access);
    let next = first;
    const writes: Write[] = [];
    const results = checkEntries(entries, (e, i) => {
      const negativeZero = checkEvent(e.eventType, e.payload, `/entries/${i}/payload`);
      writes.push(...this.eventWrites(scope, next, e.eventType, e.payload, negativeZero));
      return next++;
    });
    if (next !== first) writes.push(this.logWrite(scope, next));
    return commitBatch(access, scope, writes, at, results);
  }

  /**
   * The writes of one event at `sequence`: the event record and its type-index entry. For
   * callers that assign sequences themselves (and then write {@link logWrite} once).
   */
  eventWrites(scope: Scope, sequence: number, type: string, payload: Value, negativeZero: boolean): Write[] {
    const record: EventRecord = { type, payload };
    return [
      { key: eventKey(scope, sequence), value: record, negativeZero },
      { key: eventTypeIndexKey(scope, type, sequence), value: sequence },
    ];
  }

  /** The write that sets the log's next sequence. */
  logWrite(scope: Scope, next: number): Write {
    const record: LogRecord = { next };
    return { key: eventLogKey(scope), value: record };
  }

  /** The event at `sequence` (its payload, sequence as version, timestamp), or null. */
  get(scope: Scope, sequence: number): VersionedValue | null {
    const record = this.#db.read(eventKey(scope, sequence));
    return record === undefined ? null : entry(sequence, record);
  }

  /** The event as `access` sees it; one it appended itself has null versions (protocol §6.2). */
  async getIn(access: Access, scope: Scope, sequence: number): Promise<VersionedValue | null> {
    const key = eventKey(scope, sequence);
    await access.prepare([key]);
    const record = access.read(key);
    if (record === undefined) return null;
    return access.own(key) ? ownValue((record.value as EventRecord).payload) : entry(sequence, record);
  }

  /** The event at `sequence` if it was appended at or before `asOf`, else null. */
  async getAsOf(scope: Scope, sequence: number, asOf: number): Promise<VersionedValue | null> {
    return readAsOf(this.#db, eventKey(scope, sequence), asOf, (record) => entry(sequence, record));
  }

  /**
   * Events of exactly `type`, ascending by sequence: one range scan of the type's index
   * entries (starting after `afterSequence`, at most `limit` of them), then a point read per
   * event. `asOf` keeps only events appended at or before it; with it, the index is read as it
   * was then, so a log deleted with its space since still answers for that moment.
   */
  async byType(scope: Scope, type: string, options: EventByTypeOptions = {}, tx?: Transaction): Promise<VersionedValue[]> {
    const { limit, afterSequence, asOf } = options;
    if (limit === 0) return [];
    if (tx !== undefined && asOf === undefined) return this.#byTypeIn(tx, scope, type, options);
    const prefix = eventTypeIndexPrefix(scope, type);
    const db = this.#db;
    if (asOf !== undefined) {
      const out: VersionedValue[] = [];
      for (const [, index] of await db.scanAsOf(prefix, asOf)) {
        const sequence = index.value as number;
        if (afterSequence !== undefined && sequence <= afterSequence) continue;
        const record = await db.getAsOf(eventKey(scope, sequence), asOf);
        if (record === undefined || record.tombstone) continue;
        out.push(entry(sequence, record));
        if (out.length === limit) break;
      }
      return out;
    }
    const after = afterSequence === undefined ? undefined : eventTypeIndexKey(scope, type, afterSequence);
    const page = await db.scan(prefix, {
      ...(after !== undefined ? { after } : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
    const out: VersionedValue[] = [];
    for (const [, index] of page) {
      const sequence = index.value as number;
      const record = db.read(eventKey(scope, sequence));
      // Only a space deleted between the scan and this read leaves an entry without its event.
      if (record !== undefined) out.push(entry(sequence, record));
    }
    return out;
  }

  /**
   * Events of `type` as `tx` sees them: its snapshot's, then those it appended itself (null
   * versions), which all come later in the log. `afterSequence` and `limit` apply to the whole.
   */
  async #byTypeIn(tx: Transaction, scope: Scope, type: string, options: EventByTypeOptions): Promise<VersionedValue[]> {
    const { limit, afterSequence } = options;
    const out = await this.byType(scope, type, { ...options, asOf: tx.snapshotTimestamp });
    const logKey = eventLogKey(scope);
    if (out.length === limit || !tx.own(logKey)) return out;
    const next = this.len(scope, tx);
    // Its own appends are the end of the log: the sequences whose records it wrote itself.
    let first = next;
    while (first > 0 && tx.own(eventKey(scope, first - 1))) first--;
    for (let sequence = Math.max(first, (afterSequence ?? -1) + 1); sequence < next && out.length !== limit; sequence++) {
      const record = tx.read(eventKey(scope, sequence));
      if (record !== undefined && (record.value as EventRecord).type === type) out.push(ownValue((record.value as EventRecord).payload));
    }
    return out;
  }
}
