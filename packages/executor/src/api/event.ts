import type { Value } from '@stratum/core';
import type { BatchItemResult, VersionedValue } from '@stratum/engine';
import { Stratum } from '../stratum.js';

/** An event payload: an object (without NaN or infinite numbers). */
export type EventPayload = { [key: string]: Value };

declare module '../stratum.js' {
  interface Stratum {
    /** Appends an event to the current space's log; resolves to its sequence (from 0). */
    eventAppend(eventType: string, payload: EventPayload): Promise<number>;
    /** Appends every valid entry in one commit, with consecutive sequences; invalid entries get their own error. */
    eventBatchAppend(entries: readonly { eventType: string; payload: EventPayload }[]): Promise<BatchItemResult[]>;
    /** The event at `sequence` (payload as `value`, sequence as `version`), as of `asOf` (µs) when given; null if none. */
    eventGet(sequence: number, options?: { asOf?: number }): Promise<VersionedValue | null>;
    /** Events of exactly `eventType`, ascending by sequence: after `afterSequence`, at most `limit`, as of `asOf`. */
    eventGetByType(eventType: string, options?: { limit?: number; afterSequence?: number; asOf?: number }): Promise<VersionedValue[]>;
    /** Number of events in the current space's log. */
    eventLen(): Promise<number>;
  }
}

Stratum.prototype.eventAppend = async function (eventType, payload) {
  return (await this.execute({ type: 'EventAppend', eventType, payload })).value as number;
};

Stratum.prototype.eventBatchAppend = async function (entries) {
  return (await this.execute({ type: 'EventBatchAppend', entries: [...entries] })).value as BatchItemResult[];
};

Stratum.prototype.eventGet = async function (sequence, options = {}) {
  return (await this.execute({ type: 'EventGet', sequence, ...options })).value as VersionedValue | null;
};

Stratum.prototype.eventGetByType = async function (eventType, options = {}) {
  return (await this.execute({ type: 'EventGetByType', eventType, ...options })).value as VersionedValue[];
};

Stratum.prototype.eventLen = async function () {
  return (await this.execute({ type: 'EventLen' })).value;
};
