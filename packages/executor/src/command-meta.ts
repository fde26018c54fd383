import type { CommandType } from './commands/index.js';
import type { OutputOf, OutputType } from './outputs.js';

export type CommandFamily =
  | 'kv'
  | 'json'
  | 'event'
  | 'state'
  | 'vector'
  | 'branch'
  | 'space'
  | 'txn'
  | 'retention'
  | 'db'
  | 'bundle'
  | 'intelligence';

/**
 * How the executor treats a command, decided once per command:
 * - `write`: refused with `AccessDenied` when the database is read-only;
 * - `scope`: which defaults `resolveDefaults` fills: `data` = branch and space, `branch` = branch only;
 * - `txn`: inside a transaction, `data` runs in it, `read` reads committed state, `reject` is
 *   refused with `InvalidInput`, `control` is transaction control (protocol §6.10);
 * - `output`: the one output variant the command returns (protocol §3.1).
 */
export interface CommandMeta {
  readonly family: CommandFamily;
  readonly write: boolean;
  readonly scope: 'data' | 'branch' | 'none';
  readonly txn: 'data' | 'read' | 'reject' | 'control';
  readonly output: OutputType;
}

// ---- data commands: branch and space defaulted, run inside a transaction ----

const dataRead = <F extends CommandFamily, O extends OutputType>(family: F, output: O) =>
  ({ family, write: false, scope: 'data', txn: 'data', output }) as const;
const dataWrite = <F extends CommandFamily, O extends OutputType>(family: F, output: O) =>
  ({ family, write: true, scope: 'data', txn: 'data', output }) as const;

export const COMMAND_META = {
  KvPut: dataWrite('kv', 'Version'),
  KvGet: dataRead('kv', 'MaybeVersioned'),
  KvDelete: dataWrite('kv', 'Bool'),
  KvList: dataRead('kv', 'Keys'),
  KvBatchPut: dataWrite('kv', 'BatchResults'),
  KvGetv: dataRead('kv', 'VersionHistory'),

  JsonSet: dataWrite('json', 'Version'),
  JsonGet: dataRead('json', 'MaybeVersioned'),
  JsonDelete: dataWrite('json', 'Uint'),
  JsonGetv: dataRead('json', 'VersionHistory'),
  JsonBatchSet: dataWrite('json', 'BatchResults'),
  JsonList: dataRead('json', 'JsonListResult'),

  EventAppend: dataWrite('event', 'Version'),
  EventBatchAppend: dataWrite('event', 'BatchResults'),
  EventGet: dataRead('event', 'MaybeVersioned'),
  EventGetByType: dataRead('event', 'VersionedValues'),
  EventLen: dataRead('event', 'Uint'),

  StateSet: dataWrite('state', 'Version'),
  StateGet: dataRead('state', 'MaybeVersioned'),
  StateCas: dataWrite('state', 'MaybeVersion'),
  StateGetv: dataRead('state', 'VersionHistory'),
  StateInit: dataWrite('state', 'Version'),
  StateDelete: dataWrite('state', 'Bool'),
  StateList: dataRead('state', 'Keys'),
  StateBatchSet: dataWrite('state', 'BatchResults'),

  VectorCreateCollection: dataWrite('vector', 'Version'),
  VectorDeleteCollection: dataWrite('vector', 'Bool'),
  VectorListCollections: dataRead('vector', 'VectorCollectionList'),
  VectorCollectionStats: dataRead('vector', 'VectorCollectionList'),
  VectorUpsert: dataWrite('vector', 'Version'),
  VectorBatchUpsert: dataWrite('vector', 'Versions'),
  VectorGet: dataRead('vector', 'VectorData'),
  VectorDelete: dataWrite('vector', 'Bool'),
  VectorSearch: dataRead('vector', 'VectorMatches'),

  // Search carries a branch and a space like the data commands, and §6.10 does not list it among
  // the commands that read committed state, so it is routed as one.
  Search: dataRead('intelligence', 'SearchResults'),

  // ---- everything else ----

  BranchCreate: { family: 'branch', write: true, scope: 'none', txn: 'reject', output: 'BranchWithVersion' },
  BranchGet: { family: 'branch', write: false, scope: 'none', txn: 'read', output: 'MaybeBranchInfo' },
  BranchList: { family: 'branch', write: false, scope: 'none', txn: 'read', output: 'BranchInfoList' },
  BranchExists: { family: 'branch', write: false, scope: 'none', txn: 'read', output: 'Bool' },
  BranchDelete: { family: 'branch', write: true, scope: 'none', txn: 'reject', output: 'Unit' },
  // Their branch fields are subjects; the default of `source`/`target` is the handler's business.
  BranchFork: { family: 'branch', write: true, scope: 'none', txn: 'reject', output: 'BranchForked' },
  BranchDiff: { family: 'branch', write: false, scope: 'none', txn: 'read', output: 'BranchDiff' },
  BranchMerge: { family: 'branch', write: true, scope: 'none', txn: 'reject', output: 'BranchMerged' },

  SpaceList: { family: 'space', write: false, scope: 'branch', txn: 'read', output: 'SpaceList' },
  SpaceCreate: { family: 'space', write: true, scope: 'branch', txn: 'reject', output: 'Unit' },
  SpaceDelete: { family: 'space', write: true, scope: 'branch', txn: 'reject', output: 'Unit' },
  SpaceExists: { family: 'space', write: false, scope: 'branch', txn: 'read', output: 'Bool' },
  SpaceInfo: { family: 'space', write: false, scope: 'branch', txn: 'read', output: 'SpaceInfo' },

  TxnBegin: { family: 'txn', write: true, scope: 'branch', txn: 'control', output: 'TxnBegun' },
  TxnCommit: { family: 'txn', write: true, scope: 'none', txn: 'control', output: 'TxnCommitted' },
  TxnRollback: { family: 'txn', write: true, scope: 'none', txn: 'control', output: 'TxnAborted' },
  TxnInfo: { family: 'txn', write: false, scope: 'none', txn: 'control', output: 'TxnInfo' },
  TxnIsActive: { family: 'txn', write: false, scope: 'none', txn: 'control', output: 'Bool' },

  RetentionApply: { family: 'retention', write: true, scope: 'branch', txn: 'reject', output: 'Unit' },
  RetentionStats: { family: 'retention', write: false, scope: 'branch', txn: 'read', output: 'RetentionStats' },
  RetentionPreview: { family: 'retention', write: false, scope: 'branch', txn: 'read', output: 'RetentionPreview' },

  Ping: { family: 'db', write: false, scope: 'none', txn: 'read', output: 'Pong' },
  Info: { family: 'db', write: false, scope: 'none', txn: 'read', output: 'DatabaseInfo' },
  Flush: { family: 'db', write: true, scope: 'none', txn: 'reject', output: 'Unit' },
  Compact: { family: 'db', write: true, scope: 'none', txn: 'reject', output: 'Unit' },
  TimeRange: { family: 'db', write: false, scope: 'branch', txn: 'read', output: 'TimeRange' },

  BranchExport: { family: 'bundle', write: true, scope: 'none', txn: 'reject', output: 'BranchExported' },
  BranchImport: { family: 'bundle', write: true, scope: 'none', txn: 'reject', output: 'BranchImported' },
  BranchBundleValidate: { family: 'bundle', write: false, scope: 'none', txn: 'read', output: 'BundleValidated' },

  ConfigureModel: { family: 'intelligence', write: true, scope: 'none', txn: 'reject', output: 'Unit' },
  EmbedStatus: { family: 'intelligence', write: false, scope: 'none', txn: 'read', output: 'EmbedStatus' },
} as const satisfies Record<CommandType, CommandMeta>;

/** The output a command of type `T` returns. */
export type OutputFor<T extends CommandType> = OutputOf<(typeof COMMAND_META)[T]['output']>;
