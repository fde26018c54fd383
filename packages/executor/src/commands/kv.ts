import { Type } from '@sinclair/typebox';
import { AsOf, BranchField, SpaceField, StrictObject, U64, ValueField, command } from './common.js';

const Key = Type.String({ description: 'The key: non-empty, at most 1024 bytes, no NUL, not starting with "_strata/".' });

export const KvPut = command(
  'KvPut',
  'Stores a value under a key, replacing any previous value. Returns the commit version (`Version`; null inside a transaction, where the version is known only at commit).',
  {
    branch: BranchField,
    space: SpaceField,
    key: Key,
    value: ValueField('The value to store.'),
  },
);

export const KvGet = command(
  'KvGet',
  'Reads the value of a key. Returns `MaybeVersioned`: the value with its commit version and timestamp, or null when the key is absent.',
  {
    branch: BranchField,
    space: SpaceField,
    key: Key,
    asOf: AsOf,
  },
);

export const KvDelete = command(
  'KvDelete',
  'Deletes a key. Returns `Bool`: true if the key existed (a deletion is recorded in its history), false otherwise.',
  {
    branch: BranchField,
    space: SpaceField,
    key: Key,
  },
);

export const KvList = command(
  'KvList',
  'Lists live keys in ascending byte order, optionally by prefix and one page at a time. Returns `Keys`.',
  {
    branch: BranchField,
    space: SpaceField,
    prefix: Type.Optional(Type.String({ description: 'Only keys starting with this prefix; all keys when absent or "".' })),
    cursor: Type.Optional(
      Type.String({ description: 'Start after this key (it need not exist); pass the last key of the previous page.' }),
    ),
    limit: Type.Optional(U64('Maximum number of keys to return; all matching keys when absent.')),
    asOf: AsOf,
  },
);

export const KvBatchPut = command(
  'KvBatchPut',
  'Stores several key/value pairs in one commit. Returns `BatchResults`, one item per entry in order: its version, or the error that kept it from being written.',
  {
    branch: BranchField,
    space: SpaceField,
    entries: Type.Array(
      StrictObject({ key: Key, value: ValueField('The value to store.') }, 'One key/value pair to store.'),
      { description: 'The pairs to store; a key given twice keeps its last value.' },
    ),
  },
);

export const KvGetv = command(
  'KvGetv',
  'Reads the version history of a key, newest first; deletions appear as entries with `deleted: true`. Returns `VersionHistory`, null if the key never existed.',
  {
    branch: BranchField,
    space: SpaceField,
    key: Key,
    asOf: Type.Optional(U64('Only versions written at or before this moment (µs since the Unix epoch).')),
  },
);

export const KV_COMMANDS = { KvPut, KvGet, KvDelete, KvList, KvBatchPut, KvGetv } as const;
