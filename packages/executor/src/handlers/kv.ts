import type { HandlerMap } from '../handler.js';

type KvCommandType = 'KvPut' | 'KvGet' | 'KvDelete' | 'KvList' | 'KvBatchPut' | 'KvGetv';

export const kvHandlers = {
  // Not async: the executor turns a synchronous throw into a rejection, and each async layer adds a promise.
  KvPut: ({ engine, at, tx }, c) =>
    engine.kv.put(engine.scope(c.branch, c.space), c.key, c.value, at, tx).then((value) => ({ type: 'Version', value })),
  KvGet: async ({ engine, tx }, c) => {
    const scope = engine.scope(c.branch, c.space);
    const value =
      c.asOf !== undefined ? await engine.kv.getAsOf(scope, c.key, c.asOf)
      : tx !== undefined ? await engine.kv.getIn(tx, scope, c.key)
      : engine.kv.get(scope, c.key);
    return { type: 'MaybeVersioned', value };
  },
  KvDelete: async ({ engine, at, tx }, c) => ({
    type: 'Bool',
    value: await engine.kv.delete(engine.scope(c.branch, c.space), c.key, at, tx),
  }),
  KvList: async ({ engine, tx }, c) => ({
    type: 'Keys',
    value: await engine.kv.list(engine.scope(c.branch, c.space), c, tx),
  }),
  KvBatchPut: async ({ engine, at, tx }, c) => ({
    type: 'BatchResults',
    value: await engine.kv.batchPut(engine.scope(c.branch, c.space), c.entries, at, tx),
  }),
  KvGetv: async ({ engine, tx }, c) => ({
    type: 'VersionHistory',
    value: await engine.kv.history(engine.scope(c.branch, c.space), c.key, c.asOf, tx),
  }),
} satisfies HandlerMap<KvCommandType>;
