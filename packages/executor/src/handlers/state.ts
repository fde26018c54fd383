import type { HandlerMap } from '../handler.js';

type StateCommandType =
  | 'StateSet' | 'StateBatchSet' | 'StateGet' | 'StateCas' | 'StateGetv' | 'StateInit' | 'StateDelete' | 'StateList';

/**
 * The State family. Writes and current reads make all their reads and writes before their first
 * await, which is what lets a pipelined server start the next command early (see `runsAlone`).
 */
export const stateHandlers = {
  StateSet: async ({ engine, at, tx }, c) => ({
    type: 'Version',
    value: await engine.state.set(engine.scope(c.branch, c.space), c.cell, c.value, at, tx),
  }),
  StateBatchSet: async ({ engine, at, tx }, c) => ({
    type: 'BatchResults',
    value: await engine.state.batchSet(engine.scope(c.branch, c.space), c.entries, at, tx),
  }),
  StateGet: async ({ engine, tx }, c) => {
    const scope = engine.scope(c.branch, c.space);
    const value =
      c.asOf !== undefined ? await engine.state.getAsOf(scope, c.cell, c.asOf)
      : tx !== undefined ? await engine.state.getIn(tx, scope, c.cell)
      : engine.state.get(scope, c.cell);
    return { type: 'MaybeVersioned', value };
  },
  StateCas: async ({ engine, at, tx }, c) => ({
    type: 'MaybeVersion',
    value: await engine.state.cas(engine.scope(c.branch, c.space), c.cell, c.expectedCounter, c.value, at, tx),
  }),
  StateGetv: async ({ engine, tx }, c) => ({
    type: 'VersionHistory',
    value: await engine.state.history(engine.scope(c.branch, c.space), c.cell, c.asOf, tx),
  }),
  StateInit: async ({ engine, at, tx }, c) => ({
    type: 'Version',
    value: await engine.state.init(engine.scope(c.branch, c.space), c.cell, c.value, at, tx),
  }),
  StateDelete: async ({ engine, at, tx }, c) => ({
    type: 'Bool',
    value: await engine.state.delete(engine.scope(c.branch, c.space), c.cell, at, tx),
  }),
  StateList: async ({ engine, tx }, c) => ({
    type: 'Keys',
    value: await engine.state.list(engine.scope(c.branch, c.space), c, tx),
  }),
} satisfies HandlerMap<StateCommandType>;
