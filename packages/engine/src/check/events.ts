import { isNonArrayObject } from '@stratum/core';
import { typeBytes } from '../event-keys.js';
import { sequenceOf } from './parts.js';
import type { Problems } from './report.js';

/**
 * The event log of one (branch, space), gathered from its live records in key order (events,
 * then the log record, then the type index): every index entry must point at an event of its
 * type, every event must have its entry, and no event may sit at or past the log's next sequence.
 */
export class EventsCheck {
  readonly #types = new Map<number, string>();
  readonly #where = new Map<number, string>();
  readonly #indexed = new Set<number>();
  #next = 0;

  readonly problems: Problems;

  constructor(problems: Problems) {
    this.problems = problems;
  }

  event(item: Buffer, value: unknown, where: string): void {
    if (item.length !== 8 || !isNonArrayObject(value) || typeof value['type'] !== 'string' || !isNonArrayObject(value['payload'])) {
      this.problems.add('malformed-record', 'an event record is not {type, payload} under an 8-byte sequence', where);
      return;
    }
    const sequence = sequenceOf(item);
    this.#types.set(sequence, value['type']);
    this.#where.set(sequence, where);
  }

  log(value: unknown, where: string): void {
    if (!isNonArrayObject(value) || !Number.isSafeInteger(value['next'])) {
      this.problems.add('malformed-record', 'the event log record is not {next}', where);
      return;
    }
    this.#next = value['next'] as number;
  }

  index(item: Buffer, value: unknown, where: string): void {
    if (item.length < 10) {
      this.problems.add('malformed-record', 'an event type index key is too short', where);
      return;
    }
    const sequence = sequenceOf(item);
    if (value !== sequence) {
      this.problems.add('malformed-record', `an event type index entry for #${sequence} holds ${JSON.stringify(value)}`, where);
    }
    const type = this.#types.get(sequence);
    if (type === undefined) {
      this.problems.add('index-dangling', `an event type index entry points at event #${sequence}, which does not exist`, where);
      return;
    }
    this.#indexed.add(sequence);
    if (!typeBytes(type).equals(item.subarray(0, item.length - 8))) {
      this.problems.add('index-mismatch', `an event type index entry for #${sequence} names another type than the event's '${type}'`, where);
    }
  }

  /** Checks what only the whole log can tell. */
  finish(): void {
    for (const [sequence, where] of this.#where) {
      if (!this.#indexed.has(sequence)) this.problems.add('index-missing', `event #${sequence} has no event type index entry`, where);
      if (sequence >= this.#next) this.problems.add('event-beyond-log', `event #${sequence} is at or past the log's next sequence ${this.#next}`, where);
    }
  }
}
