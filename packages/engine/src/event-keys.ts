import { TypeTag, itemKey, u64be, unescapeUserKey } from '@stratum/core';
import type { Scope } from './scope.js';

/**
 * Key layout of the event log of one (branch, space):
 *
 *   Event          u64be(sequence)                        → {type, payload}; the record's timestamp is the event's
 *   EventMeta      "log"                                  → {next}: the next sequence
 *   EventTypeIndex typeBytes(type) u64be(sequence)        → sequence
 *
 * Only event records use the Event tag, so counting that tag counts events. Every user key goes
 * through `itemKey`, whose escaping keeps byte order, so index keys sort by (type, sequence).
 */

const LOG_KEY = 'log';

/** Key of the event with sequence `sequence`. */
export function eventKey(scope: Scope, sequence: number): Buffer {
  return itemKey(scope.prefix(TypeTag.Event), u64be(sequence));
}

/** The sequence of an event record's key, given the log's Event prefix. */
export function sequenceOfEventKey(prefix: Uint8Array, key: Uint8Array): number {
  return Number(Buffer.from(unescapeUserKey(key.subarray(prefix.length))).readBigUInt64BE(0));
}

/** Key of the log's own record. */
export function eventLogKey(scope: Scope): Buffer {
  return itemKey(scope.prefix(TypeTag.EventMeta), LOG_KEY);
}

/**
 * The type as an index key part: its UTF-8 bytes with 0x00 written 0x00 0x01, then 0x00 0x00.
 * Types may hold any character, NUL included; the terminator cannot occur inside the encoded
 * type, so the parts of two types never run into each other, and shorter types sort first.
 */
export function typeBytes(type: string): Buffer {
  const utf8 = Buffer.from(type, 'utf8');
  if (!utf8.includes(0)) return Buffer.concat([utf8, Buffer.of(0, 0)]);
  const out: number[] = [];
  for (const byte of utf8) {
    if (byte === 0) out.push(0, 1);
    else out.push(byte);
  }
  out.push(0, 0);
  return Buffer.from(out);
}

/** Prefix of every index entry of one event type. */
export function eventTypeIndexPrefix(scope: Scope, type: string): Buffer {
  return itemKey(scope.prefix(TypeTag.EventTypeIndex), typeBytes(type));
}

/** Index entry of one event: after the type's prefix, so a range scan from a sequence is bounded. */
export function eventTypeIndexKey(scope: Scope, type: string, sequence: number): Buffer {
  return itemKey(scope.prefix(TypeTag.EventTypeIndex), Buffer.concat([typeBytes(type), u64be(sequence)]));
}
