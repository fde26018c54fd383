import { Type, type TSchema } from '@sinclair/typebox';
import { ERROR_CODES, type ErrorCode } from '@stratum/core';
import { DistanceMetric, StrictObject, U64, ValueField, withDescription } from './commands/common.js';

export const Nullable = <T extends TSchema>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description });

/** A non-negative integer without a description, for use inside a described union. */
export const UInt = () => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export const ErrorCodeSchema = Type.Unsafe<ErrorCode>(
  Type.String({ enum: Object.keys(ERROR_CODES), description: 'The error code; clients act on it, with `details`.' }),
);

export const Timestamp = (description: string) => U64(`${description} (µs since the Unix epoch)`);

export const VersionedValue = StrictObject(
  {
    value: ValueField('The value; null for a deletion.'),
    version: Nullable(
      UInt(),
      'The version: commit version (KV), per-item counter (JSON, state) or sequence (events); null for a value written in the open transaction.',
    ),
    timestamp: Nullable(UInt(), 'When the version was written (µs since the Unix epoch); null for a value written in the open transaction.'),
    deleted: Type.Optional(Type.Literal(true, { description: 'Present in histories when this version is a deletion.' })),
  },
  'A value with its version and timestamp.',
);

export const BatchItemResult = Type.Union(
  [
    StrictObject(
      { version: Nullable(UInt(), 'The item’s version; null for a KV write in the open transaction.') },
      'The item was written.',
    ),
    StrictObject(
      {
        error: StrictObject(
          {
            code: ErrorCodeSchema,
            message: Type.String({ description: 'What went wrong, for people.' }),
          },
          'Why the item was not written.',
        ),
      },
      'The item was not written.',
    ),
  ],
  { description: 'The outcome of one batch entry.' },
);

export const VectorMatch = StrictObject(
  {
    key: Type.String({ description: 'Key of the vector.' }),
    score: Type.Number({ description: 'Similarity to the query; higher is more similar.' }),
    metadata: ValueField('Metadata of the vector, or null.'),
  },
  'One search match.',
);

export const VersionedVectorData = StrictObject(
  {
    key: Type.String({ description: 'Key of the vector.' }),
    embedding: Type.Array(Type.Number(), { description: 'The embedding.' }),
    metadata: ValueField('Metadata of the vector, or null.'),
    version: Nullable(UInt(), 'The record counter; null for a vector written in the open transaction.'),
    timestamp: Nullable(UInt(), 'When the record was written (µs since the Unix epoch); null for a vector written in the open transaction.'),
  },
  'A stored vector with its metadata, version and timestamp.',
);

export const CollectionInfo = StrictObject(
  {
    name: Type.String({ description: 'Collection name.' }),
    dimension: U64('Number of components of each vector.'),
    metric: withDescription(DistanceMetric, 'Similarity metric of the collection.'),
    count: U64('Number of live vectors.'),
    indexType: Type.Optional(Type.String({ description: 'Kind of index, when it is loaded.' })),
    memoryBytes: Type.Optional(U64('Memory used by the index, when it is loaded.')),
  },
  'A vector collection.',
);

export const BranchInfo = StrictObject(
  {
    id: Type.String({ description: 'Name of the branch.' }),
    status: Type.Literal('active', { description: 'Status of the branch; always "active".' }),
    createdAt: Timestamp('Creation time'),
    updatedAt: Timestamp('Last update time'),
    parentId: Nullable(Type.String(), 'Branch this one was forked from, or null.'),
    forkVersion: Nullable(UInt(), 'Commit version of the parent the fork sees, or null.'),
  },
  'A branch.',
);

export const VersionedBranchInfo = StrictObject(
  {
    info: BranchInfo,
    version: U64('Version of the branch record.'),
    timestamp: Timestamp('Time of the branch record'),
  },
  'A branch with the version of its record.',
);

export const TxnInfoData = StrictObject(
  {
    id: Type.String({ description: 'Transaction id, in decimal.' }),
    status: Type.Union([Type.Literal('active'), Type.Literal('committed'), Type.Literal('rolled_back')], {
      description: 'State of the transaction.',
    }),
    startedAt: Timestamp('Start time'),
  },
  'The open transaction.',
);

export const DatabaseInfoData = StrictObject(
  {
    version: Type.String({ description: 'Engine version.' }),
    durability: Type.Union([Type.Literal('cache'), Type.Literal('standard'), Type.Literal('always')], {
      description: 'Durability mode the database was opened with.',
    }),
    uptimeSecs: U64('Seconds since the database was opened.'),
    branchCount: U64('Number of branches, "default" included.'),
    spaceCount: U64('Number of spaces, summed over every branch.'),
    totalKeys: U64('Live KV keys, JSON documents, state cells, events and vectors, over every branch and space.'),
  },
  'Figures about the database.',
);

export const SearchHit = StrictObject(
  {
    entity: Type.String({ description: 'The item found: key, document key, cell name, or "seq:<n>" for an event.' }),
    primitive: Type.String({ description: 'Primitive of the item: "kv", "json", "event", "state", "branch" or "vector".' }),
    score: Type.Number({ description: 'Relevance; higher is better.' }),
    rank: U64('Position in the results, from 1.'),
    snippet: Nullable(Type.String(), 'An excerpt of the item, or null.'),
  },
  'One search hit.',
);

export const EmbedStatusData = StrictObject(
  {
    autoEmbed: Type.Boolean({ description: 'Whether writes are embedded automatically.' }),
    batchSize: U64('Number of items embedded per batch.'),
    pending: U64('Items waiting to be embedded.'),
    totalQueued: U64('Items queued since the database was opened.'),
    totalEmbedded: U64('Items embedded since the database was opened.'),
    totalFailed: U64('Items whose embedding failed.'),
    schedulerQueueDepth: U64('Tasks waiting in the scheduler.'),
    schedulerActiveTasks: U64('Tasks running in the scheduler.'),
  },
  'State of automatic embedding.',
);

/** `{kv, json, state, event, vector}` of the same shape, for the per-primitive retention figures. */
export function ByPrimitive<T extends TSchema>(each: (primitive: string) => T, description: string) {
  return StrictObject(
    { kv: each('KV'), json: each('JSON'), state: each('state'), event: each('event'), vector: each('vector') },
    description,
  );
}

export const DiffEntry = StrictObject(
  {
    primitive: Type.Union(
      [Type.Literal('kv'), Type.Literal('json'), Type.Literal('state'), Type.Literal('event'), Type.Literal('vector'), Type.Literal('collection')],
      { description: 'Primitive of the item.' },
    ),
    key: Type.String({
      description: 'The item: its key; the sequence in decimal for an event; "collection/key" for a vector; the name for a collection.',
    }),
  },
  'One item that differs.',
);

export const SpaceDiff = StrictObject(
  {
    space: Type.String({ description: 'The space.' }),
    added: Type.Array(DiffEntry, { description: 'Items only in branch B.' }),
    removed: Type.Array(DiffEntry, { description: 'Items only in branch A.' }),
    modified: Type.Array(DiffEntry, { description: 'Items in both branches, with different values.' }),
  },
  'The differences in one space, sorted by primitive, then key.',
);

export const MergeConflict = StrictObject(
  {
    space: Type.String({ description: 'Space of the item.' }),
    primitive: Type.String({ description: 'Primitive of the item.' }),
    key: Type.String({ description: 'The item, as in `BranchDiff`.' }),
  },
  'An item changed on both sides to different values.',
);
