import { Type } from '@sinclair/typebox';
import { AsOf, BranchField, SpaceField, StrictObject, U64, ValueField, command } from './common.js';

const EventType = Type.String({ description: 'The event type: 1 to 256 bytes.' });
const Payload = ValueField('The event payload: an object, without NaN or infinite numbers.');

export const EventAppend = command(
  'EventAppend',
  'Appends an event to the space’s log. Returns its sequence number (`Version`), counted from 0.',
  {
    branch: BranchField,
    space: SpaceField,
    eventType: EventType,
    payload: Payload,
  },
);

export const EventBatchAppend = command(
  'EventBatchAppend',
  'Appends several events in one commit, with consecutive sequence numbers in order. Returns `BatchResults`, one item per entry: its sequence number, or the error that kept it out of the log.',
  {
    branch: BranchField,
    space: SpaceField,
    entries: Type.Array(StrictObject({ eventType: EventType, payload: Payload }, 'One event to append.'), {
      description: 'The events to append, in order.',
    }),
  },
);

export const EventGet = command(
  'EventGet',
  'Reads one event by sequence number. Returns `MaybeVersioned`: the payload with the sequence as version and the append timestamp, or null when there is no such event.',
  {
    branch: BranchField,
    space: SpaceField,
    sequence: U64('Sequence number of the event, from 0.'),
    asOf: AsOf,
  },
);

export const EventGetByType = command(
  'EventGetByType',
  'Reads the events of one type in ascending sequence order. Returns `VersionedValues`: each payload with its sequence as version and its timestamp.',
  {
    branch: BranchField,
    space: SpaceField,
    eventType: Type.String({ description: 'The event type to match exactly.' }),
    limit: Type.Optional(U64('Maximum number of events to return; all when absent.')),
    afterSequence: Type.Optional(U64('Only events with a sequence number greater than this one.')),
    asOf: AsOf,
  },
);

export const EventLen = command('EventLen', 'Counts the events in the space’s log. Returns `Uint`.', {
  branch: BranchField,
  space: SpaceField,
});

export const EVENT_COMMANDS = { EventAppend, EventBatchAppend, EventGet, EventGetByType, EventLen } as const;
