import type { HandlerMap } from '../handler.js';

type StateCommandType =
  | 'StateSet' | 'StateBatchSet' | 'StateGet' | 'StateCas' | 'StateGetv' | 'StateInit' | 'StateDelete' | 'StateList';

/**
 * The State family. Writes and current reads make all their reads and writes before their first
 * await, which is what lets a pipelined server start the next command early (see `runsAlone`).
 */
export const stateHandlers = {
  StateSet: async ({ engine, at }, c) => ({
    type: 'Version',
    value: await engine.state.set(engine.scope(c.branch, c.space), c.cell, c.value, at),
  }),
  StateBatchSet: async ({ engine, at }, c) => ({
    type: 'BatchResults',
    value: await engine.state.batchSet(engine.scope(c.branch, c.space), c.entries, at),
  }),
  StateGet: async ({ engine }, c) => {
    const scope = engine.scope(c.branch, c.space);
    const value = c.asOf === undefined ? engine.state.get(scope, c.cell) : await engine.state.getAsOf(scope, c.cell, c.asOf);
    return { type: 'MaybeVersioned', value };
  },
  StateCas: async ({ engine, at }, c) => ({
    type: 'MaybeVersion',
    value: await engine.state.cas(engine.scope(c.branch, c.space), c.cell, c.expectedCounter, c.value, at),
  }),
  StateGetv: async ({ engine }, c) => ({
    type: 'VersionHistory',
    value: await engine.state.history(engine.scope(c.branch, c.space), c.cell, c.asOf),
  }),
  StateInit: async ({ engine, at }, c) => ({
    type: 'Version',
    value: await engine.state.init(engine.scope(c.branch, c.space), c.cell, c.value, at),
  }),
  StateDelete: async ({ engine, at }, c) => ({
    type: 'Bool',
    value: await engine.state.delete(engine.scope(c.branch, c.space), c.cell, at),
  }),
  StateList: async ({ engine }, c) => ({
    type: 'Keys',
    value: await engine.state.list(engine.scope(c.branch, c.space), c),
  }),
} satisfies HandlerMap<StateCommandType>;
