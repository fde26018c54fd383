import { Type, type Static, type TLiteral, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { StrictObject, U64 } from './commands/common.js';
import {
  BatchItemResult,
  BranchInfo,
  ByPrimitive,
  CollectionInfo,
  DatabaseInfoData,
  EmbedStatusData,
  MergeConflict,
  Nullable,
  SearchHit,
  SpaceDiff,
  Timestamp,
  TxnInfoData,
  UInt,
  VectorMatch,
  VersionedBranchInfo,
  VersionedValue,
  VersionedVectorData,
} from './output-shapes.js';

/** An output variant whose fields are spread next to `type` (a struct variant, or a unit one). */
function output<T extends string, P extends TProperties>(type: T, description: string, fields: P): TObject<{ type: TLiteral<T> } & P> {
  return Type.Object(
    { type: Type.Literal(type, { description: `The output variant, "${type}".` }), ...fields },
    { description, additionalProperties: false },
  );
}

/** An output variant with one payload, carried in `value`. */
function tuple<T extends string, V extends TSchema>(type: T, description: string, value: V) {
  return output(type, description, { value });
}

const Strings = (description: string) => Type.Array(Type.String(), { description });

export const OUTPUT_SCHEMAS = {
  Unit: output('Unit', 'The command succeeded and has nothing to report.', {}),
  Version: tuple(
    'Version',
    'The version the write produced.',
    Nullable(UInt(), 'The version; null for `KvPut` inside a transaction, whose commit version is known only at commit.'),
  ),
  MaybeVersion: tuple('MaybeVersion', 'A version, or null when nothing was written.', Nullable(UInt(), 'The new version, or null.')),
  MaybeVersioned: tuple('MaybeVersioned', 'A value with its version, or null when absent.', Nullable(VersionedValue, 'The value found, or null.')),
  Bool: tuple('Bool', 'A yes/no answer.', Type.Boolean({ description: 'The answer.' })),
  Uint: tuple('Uint', 'A count.', U64('The count.')),
  VersionedValues: tuple('VersionedValues', 'A list of values with their versions.', Type.Array(VersionedValue, { description: 'The values.' })),
  VersionHistory: tuple(
    'VersionHistory',
    'The versions of an item, newest first, or null if it never existed.',
    Nullable(Type.Array(VersionedValue), 'The versions, newest first, or null.'),
  ),
  Keys: tuple('Keys', 'A list of keys.', Strings('The keys, in ascending byte order.')),
  JsonListResult: output('JsonListResult', 'A page of document keys.', {
    keys: Strings('The keys, in ascending byte order.'),
    cursor: Nullable(Type.String(), 'Cursor of the next page, or null when no keys remain.'),
  }),
  BatchResults: tuple('BatchResults', 'One result per batch entry, in order.', Type.Array(BatchItemResult, { description: 'The results.' })),
  Versions: tuple('Versions', 'One version per entry, in order.', Type.Array(UInt(), { description: 'The versions.' })),
  VectorData: tuple('VectorData', 'A stored vector, or null when absent.', Nullable(VersionedVectorData, 'The vector, or null.')),
  VectorMatches: tuple('VectorMatches', 'Search matches, best first.', Type.Array(VectorMatch, { description: 'The matches.' })),
  VectorCollectionList: tuple(
    'VectorCollectionList',
    'Vector collections, sorted by name.',
    Type.Array(CollectionInfo, { description: 'The collections.' }),
  ),
  BranchWithVersion: output('BranchWithVersion', 'The branch just created.', {
    info: BranchInfo,
    version: U64('Version of the branch record.'),
  }),
  MaybeBranchInfo: tuple('MaybeBranchInfo', 'A branch, or null if it does not exist.', Nullable(VersionedBranchInfo, 'The branch, or null.')),
  BranchInfoList: tuple('BranchInfoList', 'Branches, by name.', Type.Array(VersionedBranchInfo, { description: 'The branches.' })),
  TxnBegun: output('TxnBegun', 'A transaction is open.', {}),
  TxnCommitted: output('TxnCommitted', 'The transaction is committed.', {
    version: U64('Commit version; the current version when the transaction wrote nothing.'),
  }),
  TxnAborted: output('TxnAborted', 'The transaction is discarded.', {}),
  TxnInfo: tuple('TxnInfo', 'The open transaction, or null.', Nullable(TxnInfoData, 'The transaction, or null.')),
  Pong: output('Pong', 'The database answers.', { version: Type.String({ description: 'Engine version.' }) }),
  DatabaseInfo: tuple('DatabaseInfo', 'Figures about the database.', DatabaseInfoData),
  TimeRange: output('TimeRange', 'Oldest and newest timestamps of the branch’s user data.', {
    oldestTs: Nullable(UInt(), 'Oldest timestamp (µs since the Unix epoch), or null when there is no data.'),
    latestTs: Nullable(UInt(), 'Newest timestamp (µs since the Unix epoch), or null when there is no data.'),
  }),
  RetentionStats: output('RetentionStats', 'Items, versions and stored bytes of a branch.', {
    items: U64('Number of items.'),
    versions: U64('Number of stored versions, deletions included.'),
    bytes: U64('Stored size of the versions, in bytes.'),
    byPrimitive: ByPrimitive(
      (p) =>
        StrictObject(
          { items: U64('Number of items.'), versions: U64('Number of versions.'), bytes: U64('Stored bytes.') },
          `Figures of the ${p} items.`,
        ),
      'The same figures per primitive; the totals are their sums.',
    ),
  }),
  RetentionPreview: output('RetentionPreview', 'What a retention run would drop.', {
    versionsToDrop: U64('Number of versions that would be dropped.'),
    bytesToFree: U64('Bytes that would be freed.'),
    byPrimitive: ByPrimitive(
      (p) =>
        StrictObject(
          { versionsToDrop: U64('Versions that would be dropped.'), bytesToFree: U64('Bytes that would be freed.') },
          `Figures of the ${p} items.`,
        ),
      'The same figures per primitive; the totals are their sums.',
    ),
  }),
  BranchExported: tuple(
    'BranchExported',
    'The branch was written to a bundle.',
    StrictObject(
      {
        branch: Type.String({ description: 'Name of the exported branch.' }),
        path: Type.String({ description: 'File the bundle was written to.' }),
        entryCount: U64('Number of entries in the bundle.'),
        bundleSize: U64('Size of the bundle file, in bytes.'),
      },
      'The export.',
    ),
  ),
  BranchImported: tuple(
    'BranchImported',
    'A branch was recreated from a bundle.',
    StrictObject(
      {
        branch: Type.String({ description: 'Name of the imported branch.' }),
        transactionsApplied: U64('Number of transactions applied.'),
        keysWritten: U64('Number of items written.'),
      },
      'The import.',
    ),
  ),
  BundleValidated: tuple(
    'BundleValidated',
    'The result of checking a bundle.',
    StrictObject(
      {
        branch: Type.String({ description: 'Name of the branch in the bundle.' }),
        formatVersion: U64('Bundle format version.'),
        entryCount: U64('Number of entries in the bundle.'),
        checksumsValid: Type.Boolean({ description: 'Whether every checksum matched.' }),
      },
      'The check.',
    ),
  ),
  SearchResults: tuple('SearchResults', 'Search hits, best first.', Type.Array(SearchHit, { description: 'The hits.' })),
  EmbedStatus: tuple('EmbedStatus', 'State of automatic embedding.', EmbedStatusData),
  SpaceList: tuple('SpaceList', 'The spaces of a branch.', Strings('Space names, in ascending byte order.')),
  SpaceInfo: output('SpaceInfo', 'A space and what it holds.', {
    name: Type.String({ description: 'Name of the space.' }),
    createdAt: Timestamp('Creation time'),
    counts: StrictObject(
      {
        kv: U64('Live KV keys.'),
        json: U64('Live JSON documents.'),
        state: U64('Live state cells.'),
        events: U64('Events.'),
        collections: U64('Vector collections.'),
        vectors: U64('Live vectors, over every collection.'),
      },
      'Number of items of each primitive.',
    ),
  }),
  BranchForked: output('BranchForked', 'The fork just created.', {
    source: Type.String({ description: 'The forked branch.' }),
    destination: Type.String({ description: 'The new branch.' }),
    forkVersion: U64('Commit version of the source the fork sees.'),
    spaces: Strings('Spaces visible in the new branch, in ascending byte order.'),
  }),
  BranchDiff: output('BranchDiff', 'The differences between two branches.', {
    branchA: Type.String({ description: 'The first branch.' }),
    branchB: Type.String({ description: 'The second branch.' }),
    spaces: Type.Array(SpaceDiff, { description: 'Spaces with differences, by name.' }),
    summary: StrictObject(
      {
        added: U64('Items only in branch B.'),
        removed: U64('Items only in branch A.'),
        modified: U64('Items with different values.'),
      },
      'Totals over every space.',
    ),
  }),
  BranchMerged: output('BranchMerged', 'The merge just made.', {
    source: Type.String({ description: 'Branch whose changes were applied.' }),
    target: Type.String({ description: 'Branch that received them.' }),
    keysApplied: U64('Items whose value in the target changed.'),
    keysDeleted: U64('Items the merge deleted.'),
    conflicts: Type.Array(MergeConflict, { description: 'Items changed on both sides (resolved for the source).' }),
    spacesMerged: Strings('Spaces the merge changed.'),
  }),
} as const;

export type OutputSchemas = typeof OUTPUT_SCHEMAS;

/** The name of an output variant, e.g. `"Version"`. */
export type OutputType = keyof OutputSchemas;

type OutputMap = { [T in OutputType]: Static<OutputSchemas[T]> };

/** Any output, discriminated by `type`. */
export type Output = OutputMap[OutputType];

/** The output variant whose `type` is `T`. */
export type OutputOf<T extends OutputType> = OutputMap[T];
