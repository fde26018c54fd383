import type { VectorCommandType } from '../commands/index.js';
import type { HandlerMap } from '../handler.js';

/** The vector family; inside a transaction (`tx`) every command reads and writes through it (protocol §6.10). */
export const vectorHandlers = {
  VectorCreateCollection: async ({ engine, at, tx }, c) => ({
    type: 'Version',
    value: await engine.vectors.createCollection(engine.scope(c.branch, c.space), c.collection, c.dimension, c.metric, at, tx),
  }),
  VectorDeleteCollection: async ({ engine, at, tx }, c) => ({
    type: 'Bool',
    value: await engine.vectors.deleteCollection(engine.scope(c.branch, c.space), c.collection, at, tx),
  }),
  VectorListCollections: async ({ engine, tx }, c) => ({
    type: 'VectorCollectionList',
    value: await engine.vectors.listCollections(engine.scope(c.branch, c.space), tx),
  }),
  VectorCollectionStats: async ({ engine, tx }, c) => ({
    type: 'VectorCollectionList',
    value: [await engine.vectors.collectionStats(engine.scope(c.branch, c.space), c.collection, tx)],
  }),
  VectorUpsert: async ({ engine, at, tx }, c) => ({
    type: 'Version',
    value: await engine.vectors.upsert(engine.scope(c.branch, c.space), c.collection, c, at, tx),
  }),
  VectorBatchUpsert: async ({ engine, at, tx }, c) => ({
    type: 'Versions',
    value: await engine.vectors.batchUpsert(engine.scope(c.branch, c.space), c.collection, c.entries, at, tx),
  }),
  VectorGet: async ({ engine, tx }, c) => ({
    type: 'VectorData',
    value: await engine.vectors.get(engine.scope(c.branch, c.space), c.collection, c.key, c.asOf, tx),
  }),
  VectorDelete: async ({ engine, at, tx }, c) => ({
    type: 'Bool',
    value: await engine.vectors.delete(engine.scope(c.branch, c.space), c.collection, c.key, at, tx),
  }),
  VectorSearch: async ({ engine, tx }, c) => ({
    type: 'VectorMatches',
    value: await engine.vectors.search(engine.scope(c.branch, c.space), c.collection, c, tx),
  }),
} satisfies HandlerMap<VectorCommandType>;
