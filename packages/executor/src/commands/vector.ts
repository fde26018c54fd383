import { Type } from '@sinclair/typebox';
import { AsOf, BranchField, DistanceMetric, MetadataFilter, SpaceField, StrictObject, U64, ValueField, command, withDescription } from './common.js';

const Collection = Type.String({
  description: 'The collection name: 1 to 256 bytes, no "/" or NUL, not starting with "_".',
});
const Key = Type.String({ description: 'The vector key: non-empty, at most 1024 bytes, no NUL, not starting with "_strata/".' });
const Embedding = (description: string) => Type.Array(Type.Number(), { description });
const Metadata = Type.Optional(ValueField('Metadata stored with the vector, used by search filters; none when absent or null.'));

export const VectorCreateCollection = command(
  'VectorCreateCollection',
  'Creates a vector collection with a fixed dimension and metric. Returns `Version` (always 1).',
  {
    branch: BranchField,
    space: SpaceField,
    collection: Collection,
    dimension: U64('Number of components of every vector, 1 to 65536.'),
    metric: DistanceMetric,
  },
);

export const VectorDeleteCollection = command(
  'VectorDeleteCollection',
  'Deletes a vector collection and all its vectors. Returns `Bool`: true if it existed.',
  {
    branch: BranchField,
    space: SpaceField,
    collection: Collection,
  },
);

export const VectorListCollections = command(
  'VectorListCollections',
  'Lists the vector collections of the space, sorted by name. Returns `VectorCollectionList`.',
  {
    branch: BranchField,
    space: SpaceField,
  },
);

export const VectorCollectionStats = command(
  'VectorCollectionStats',
  'Describes one vector collection. Returns `VectorCollectionList` holding that one collection.',
  {
    branch: BranchField,
    space: SpaceField,
    collection: Collection,
  },
);

export const VectorUpsert = command(
  'VectorUpsert',
  'Inserts or replaces a vector and its metadata. Returns the record’s counter (`Version`), 1 on insert.',
  {
    branch: BranchField,
    space: SpaceField,
    collection: Collection,
    key: Key,
    vector: Embedding('The embedding; its length must equal the collection’s dimension (at most 8192).'),
    metadata: Metadata,
  },
);

export const VectorBatchUpsert = command(
  'VectorBatchUpsert',
  'Inserts or replaces several vectors of one collection; if any entry is invalid, nothing is written. Returns `Versions`, the record counters in entry order.',
  {
    branch: BranchField,
    space: SpaceField,
    collection: Collection,
    entries: Type.Array(
      StrictObject(
        {
          key: Key,
          vector: Embedding('The embedding; its length must equal the collection’s dimension.'),
          metadata: Metadata,
        },
        'One vector to insert or replace.',
      ),
      { description: 'The vectors to write, in order.' },
    ),
  },
);

export const VectorGet = command(
  'VectorGet',
  'Reads one vector with its metadata. Returns `VectorData`: the vector with its version and timestamp, or null when the key is absent.',
  {
    branch: BranchField,
    space: SpaceField,
    collection: Collection,
    key: Key,
    asOf: AsOf,
  },
);

export const VectorDelete = command(
  'VectorDelete',
  'Deletes one vector. Returns `Bool`: true if it existed.',
  {
    branch: BranchField,
    space: SpaceField,
    collection: Collection,
    key: Key,
  },
);

export const VectorSearch = command(
  'VectorSearch',
  'Finds the `k` vectors most similar to a query, optionally filtered by metadata. Returns `VectorMatches`, by score descending, ties by key.',
  {
    branch: BranchField,
    space: SpaceField,
    collection: Collection,
    query: Embedding('The query vector; its length must equal the collection’s dimension.'),
    k: U64('Maximum number of matches.'),
    filter: Type.Optional(
      Type.Array(MetadataFilter, { description: 'Conditions on metadata, all of which must hold; no filtering when absent or empty.' }),
    ),
    metric: Type.Optional(withDescription(DistanceMetric, 'If given, must equal the collection’s metric.')),
    asOf: AsOf,
  },
);

export const VECTOR_COMMANDS = {
  VectorCreateCollection,
  VectorDeleteCollection,
  VectorListCollections,
  VectorCollectionStats,
  VectorUpsert,
  VectorBatchUpsert,
  VectorGet,
  VectorDelete,
  VectorSearch,
} as const;
