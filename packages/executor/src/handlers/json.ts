import type { HandlerMap } from '../handler.js';

type JsonCommandType = 'JsonSet' | 'JsonGet' | 'JsonDelete' | 'JsonGetv' | 'JsonBatchSet' | 'JsonList';

export const jsonHandlers = {
  JsonSet: async ({ engine, at }, c) => ({
    type: 'Version',
    value: await engine.json.set(engine.scope(c.branch, c.space), c.key, c.path, c.value, at),
  }),
  JsonGet: async ({ engine }, c) => {
    const scope = engine.scope(c.branch, c.space);
    const value =
      c.asOf === undefined ? engine.json.get(scope, c.key, c.path) : await engine.json.getAsOf(scope, c.key, c.path, c.asOf);
    return { type: 'MaybeVersioned', value };
  },
  JsonDelete: async ({ engine, at }, c) => ({
    type: 'Uint',
    value: await engine.json.delete(engine.scope(c.branch, c.space), c.key, c.path, at),
  }),
  JsonGetv: async ({ engine }, c) => ({
    type: 'VersionHistory',
    value: await engine.json.history(engine.scope(c.branch, c.space), c.key, c.asOf),
  }),
  JsonBatchSet: async ({ engine, at }, c) => ({
    type: 'BatchResults',
    value: await engine.json.batchSet(engine.scope(c.branch, c.space), c.entries, at),
  }),
  JsonList: async ({ engine }, c) => ({
    type: 'JsonListResult',
    ...(await engine.json.list(engine.scope(c.branch, c.space), c)),
  }),
} satisfies HandlerMap<JsonCommandType>;
