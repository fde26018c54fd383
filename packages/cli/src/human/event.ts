import type { Output } from '@stratum/executor';
import type { Command as Program } from 'commander';
import { isoTime, showValue, table } from '../format.js';
import { describe, int, pick, renderScalar, valueArg, type RunHuman } from './shared.js';

interface Event {
  value: unknown;
  version: number;
  timestamp: number;
}

const row = (e: Event): string[] => [String(e.version), showValue(e.value), isoTime(e.timestamp)];

const renderEvent = (sequence: number) => (o: Output): string => {
  const e = (o as { value: Event | null }).value;
  return e === null ? `(no event ${sequence})` : table(['sequence', 'payload', 'time'], [row(e)]);
};

const renderEvents = (type: string) => (o: Output): string => {
  const events = (o as { value: Event[] }).value;
  return events.length === 0 ? `(no events of type '${type}')` : table(['sequence', 'payload', 'time'], events.map(row));
};

/** Sequences, limits and moments are whole numbers; anything else is a usage error. */

/** `stratum event append|get|list|len`. */
export function addEventCommands(program: Program, run: RunHuman): void {
  const event = program.command('event').description('Append to and read the event log of the current space');
  event.command('append <type> <payload>').description(`${describe('EventAppend')} PAYLOAD is a JSON object.`)
    .option('--json', 'print the output as JSON')
    .action((eventType: string, payload: string, o, cmd: Program) =>
      run(cmd, () => ({ type: 'EventAppend', eventType, payload: valueArg(payload) }), (out) => `sequence ${renderScalar(out)}`, o));
  event.command('get').argument('<sequence>', 'sequence number of the event, from 0', int).description(describe('EventGet'))
    .option('--as-of <us>', 'only if appended at or before this moment (µs since the epoch)', int)
    .option('--json', 'print the output as JSON')
    .action((sequence: number, o: { asOf?: number; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'EventGet', sequence, ...pick(o, ['asOf']) }), renderEvent(sequence), o));
  event.command('list <type>').description(describe('EventGetByType'))
    .option('--after <sequence>', 'only events after this sequence', int)
    .option('--limit <n>', 'at most this many events', int)
    .option('--as-of <us>', 'only events appended at or before this moment (µs since the epoch)', int)
    .option('--json', 'print the output as JSON')
    .action((eventType: string, o: { after?: number; limit?: number; asOf?: number; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({
        type: 'EventGetByType', eventType, ...pick(o, ['limit', 'asOf']),
        ...(o.after === undefined ? {} : { afterSequence: o.after }),
      }), renderEvents(eventType), o));
  event.command('len').description(describe('EventLen')).option('--json', 'print the output as JSON')
    .action((o, cmd: Program) => run(cmd, () => ({ type: 'EventLen' }), renderScalar, o));
}
