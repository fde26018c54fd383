import type { VectorCommandType } from '../commands/index.js';
import type { HandlerMap } from '../handler.js';

export const vectorHandlers = {
  VectorCreateCollection: async ({ engine, at }, c) => ({
    type: 'Version',
    value: await engine.vectors.createCollection(engine.scope(c.branch, c.space), c.collection, c.dimension, c.metric, at),
  }),
  VectorDeleteCollection: async ({ engine, at }, c) => ({
    type: 'Bool',
    value: await engine.vectors.deleteCollection(engine.scope(c.branch, c.space), c.collection, at),
  }),
  VectorListCollections: async ({ engine }, c) => ({
    type: 'VectorCollectionList',
    value: await engine.vectors.listCollections(engine.scope(c.branch, c.space)),
  }),
  VectorCollectionStats: async ({ engine }, c) => ({
    type: 'VectorCollectionList',
    value: [await engine.vectors.collectionStats(engine.scope(c.branch, c.space), c.collection)],
  }),
  VectorUpsert: async ({ engine, at }, c) => ({
    type: 'Version',
    value: await engine.vectors.upsert(engine.scope(c.branch, c.space), c.collection, c, at),
  }),
  VectorBatchUpsert: async ({ engine, at }, c) => ({
    type: 'Versions',
    value: await engine.vectors.batchUpsert(engine.scope(c.branch, c.space), c.collection, c.entries, at),
  }),
  VectorGet: async ({ engine }, c) => ({
    type: 'VectorData',
    value: await engine.vectors.get(engine.scope(c.branch, c.space), c.collection, c.key, c.asOf),
  }),
  VectorDelete: async ({ engine, at }, c) => ({
    type: 'Bool',
    value: await engine.vectors.delete(engine.scope(c.branch, c.space), c.collection, c.key, at),
  }),
  VectorSearch: async ({ engine }, c) => ({
    type: 'VectorMatches',
    value: await engine.vectors.search(engine.scope(c.branch, c.space), c.collection, c),
  }),
} satisfies HandlerMap<VectorCommandType>;
