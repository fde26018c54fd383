import type { HandlerMap } from '../handler.js';

type JsonCommandType = 'JsonSet' | 'JsonGet' | 'JsonDelete' | 'JsonGetv' | 'JsonBatchSet' | 'JsonList';

export const jsonHandlers = {
  JsonSet: async ({ engine, at, tx }, c) => ({
    type: 'Version',
    value: await engine.json.set(engine.scope(c.branch, c.space), c.key, c.path, c.value, at, tx),
  }),
  JsonGet: async ({ engine, tx }, c) => {
    const scope = engine.scope(c.branch, c.space);
    const value =
      c.asOf !== undefined ? await engine.json.getAsOf(scope, c.key, c.path, c.asOf)
      : tx !== undefined ? await engine.json.getIn(tx, scope, c.key, c.path)
      : engine.json.get(scope, c.key, c.path);
    return { type: 'MaybeVersioned', value };
  },
  JsonDelete: async ({ engine, at, tx }, c) => ({
    type: 'Uint',
    value: await engine.json.delete(engine.scope(c.branch, c.space), c.key, c.path, at, tx),
  }),
  JsonGetv: async ({ engine, tx }, c) => ({
    type: 'VersionHistory',
    value: await engine.json.history(engine.scope(c.branch, c.space), c.key, c.asOf, tx),
  }),
  JsonBatchSet: async ({ engine, at, tx }, c) => ({
    type: 'BatchResults',
    value: await engine.json.batchSet(engine.scope(c.branch, c.space), c.entries, at, tx),
  }),
  JsonList: async ({ engine, tx }, c) => ({
    type: 'JsonListResult',
    ...(await engine.json.list(engine.scope(c.branch, c.space), c, tx)),
  }),
} satisfies HandlerMap<JsonCommandType>;
