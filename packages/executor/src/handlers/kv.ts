import type { HandlerMap } from '../handler.js';

type KvCommandType = 'KvPut' | 'KvGet' | 'KvDelete' | 'KvList' | 'KvBatchPut' | 'KvGetv';

export const kvHandlers = {
  // Not async: the executor turns a synchronous throw into a rejection, and each async layer adds a promise.
  KvPut: ({ engine, at }, c) =>
    engine.kv.put(engine.scope(c.branch, c.space), c.key, c.value, at).then((value) => ({ type: 'Version', value })),
  KvGet: async ({ engine }, c) => {
    const scope = engine.scope(c.branch, c.space);
    const value = c.asOf === undefined ? engine.kv.get(scope, c.key) : await engine.kv.getAsOf(scope, c.key, c.asOf);
    return { type: 'MaybeVersioned', value };
  },
  KvDelete: async ({ engine, at }, c) => ({
    type: 'Bool',
    value: await engine.kv.delete(engine.scope(c.branch, c.space), c.key, at),
  }),
  KvList: async ({ engine }, c) => ({
    type: 'Keys',
    value: await engine.kv.list(engine.scope(c.branch, c.space), c),
  }),
  KvBatchPut: async ({ engine, at }, c) => ({
    type: 'BatchResults',
    value: await engine.kv.batchPut(engine.scope(c.branch, c.space), c.entries, at),
  }),
  KvGetv: async ({ engine }, c) => ({
    type: 'VersionHistory',
    value: await engine.kv.history(engine.scope(c.branch, c.space), c.key, c.asOf),
  }),
} satisfies HandlerMap<KvCommandType>;
