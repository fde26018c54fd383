import type { HandlerMap } from '../handler.js';

type EventCommandType = 'EventAppend' | 'EventBatchAppend' | 'EventGet' | 'EventGetByType' | 'EventLen';

export const eventHandlers = {
  EventAppend: async ({ engine, at }, c) => ({
    type: 'Version',
    value: await engine.events.append(engine.scope(c.branch, c.space), c.eventType, c.payload, at),
  }),
  EventBatchAppend: async ({ engine, at }, c) => ({
    type: 'BatchResults',
    value: await engine.events.batchAppend(engine.scope(c.branch, c.space), c.entries, at),
  }),
  EventGet: async ({ engine }, c) => {
    const scope = engine.scope(c.branch, c.space);
    const value =
      c.asOf === undefined ? engine.events.get(scope, c.sequence) : await engine.events.getAsOf(scope, c.sequence, c.asOf);
    return { type: 'MaybeVersioned', value };
  },
  EventGetByType: async ({ engine }, c) => ({
    type: 'VersionedValues',
    value: await engine.events.byType(engine.scope(c.branch, c.space), c.eventType, c),
  }),
  EventLen: async ({ engine }, c) => ({
    type: 'Uint',
    value: engine.events.len(engine.scope(c.branch, c.space)),
  }),
} satisfies HandlerMap<EventCommandType>;
