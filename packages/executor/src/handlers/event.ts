import type { HandlerMap } from '../handler.js';

type EventCommandType = 'EventAppend' | 'EventBatchAppend' | 'EventGet' | 'EventGetByType' | 'EventLen';

export const eventHandlers = {
  EventAppend: async ({ engine, at, tx }, c) => ({
    type: 'Version',
    value: await engine.events.append(engine.scope(c.branch, c.space), c.eventType, c.payload, at, tx),
  }),
  EventBatchAppend: async ({ engine, at, tx }, c) => ({
    type: 'BatchResults',
    value: await engine.events.batchAppend(engine.scope(c.branch, c.space), c.entries, at, tx),
  }),
  EventGet: async ({ engine, tx }, c) => {
    const scope = engine.scope(c.branch, c.space);
    const value =
      c.asOf !== undefined ? await engine.events.getAsOf(scope, c.sequence, c.asOf)
      : tx !== undefined ? await engine.events.getIn(tx, scope, c.sequence)
      : engine.events.get(scope, c.sequence);
    return { type: 'MaybeVersioned', value };
  },
  EventGetByType: async ({ engine, tx }, c) => ({
    type: 'VersionedValues',
    value: await engine.events.byType(engine.scope(c.branch, c.space), c.eventType, c, tx),
  }),
  EventLen: async ({ engine, tx }, c) => ({
    type: 'Uint',
    value: tx !== undefined ? await engine.events.lenIn(tx, engine.scope(c.branch, c.space)) : engine.events.len(engine.scope(c.branch, c.space)),
  }),
} satisfies HandlerMap<EventCommandType>;
