import { Type } from '@sinclair/typebox';
import { AsOf, BranchField, SpaceField, StrictObject, U64, ValueField, command } from './common.js';

const Key = Type.String({ description: 'The document key: non-empty, at most 1024 bytes, no NUL, not starting with "_strata/".' });
const Path = Type.String({
  description: 'JSON path inside the document: "$" or "" for the whole document, then `.name` and `[index]` segments, e.g. "$.items[0].title".',
});

export const JsonSet = command(
  'JsonSet',
  'Sets the value at a path of a JSON document, creating the document and missing intermediate objects as needed. Returns the document’s new version (`Version`).',
  {
    branch: BranchField,
    space: SpaceField,
    key: Key,
    path: Path,
    value: ValueField('The value to set at the path.'),
  },
);

export const JsonGet = command(
  'JsonGet',
  'Reads the value at a path of a JSON document. Returns `MaybeVersioned`: that value with the document’s version and timestamp, or null when the document or the path is missing.',
  {
    branch: BranchField,
    space: SpaceField,
    key: Key,
    path: Path,
    asOf: AsOf,
  },
);

export const JsonDelete = command(
  'JsonDelete',
  'Removes the value at a path of a JSON document, or the whole document at the root path. Returns `Uint`: 1 if something was removed, 0 otherwise.',
  {
    branch: BranchField,
    space: SpaceField,
    key: Key,
    path: Path,
  },
);

export const JsonGetv = command(
  'JsonGetv',
  'Reads the version history of a whole JSON document, newest first; deletions appear as entries with `deleted: true`. Returns `VersionHistory`, null if the document never existed.',
  {
    branch: BranchField,
    space: SpaceField,
    key: Key,
    asOf: Type.Optional(U64('Only versions written at or before this moment (µs since the Unix epoch).')),
  },
);

export const JsonBatchSet = command(
  'JsonBatchSet',
  'Sets several document paths in one commit, in order. Returns `BatchResults`, one item per entry: the document version after it, or the error that kept it from being written.',
  {
    branch: BranchField,
    space: SpaceField,
    entries: Type.Array(
      StrictObject({ key: Key, path: Path, value: ValueField('The value to set at the path.') }, 'One document path to set.'),
      { description: 'The paths to set, applied in order.' },
    ),
  },
);

export const JsonList = command(
  'JsonList',
  'Lists document keys in ascending byte order, one page at a time. Returns `JsonListResult`: the keys and the cursor of the next page (null when no keys remain).',
  {
    branch: BranchField,
    space: SpaceField,
    prefix: Type.Optional(Type.String({ description: 'Only keys starting with this prefix; all keys when absent or "".' })),
    cursor: Type.Optional(
      Type.String({ description: 'Start after this key (it need not exist); pass the `cursor` of the previous page.' }),
    ),
    limit: U64('Maximum number of keys in the page.'),
    asOf: AsOf,
  },
);

export const JSON_COMMANDS = { JsonSet, JsonGet, JsonDelete, JsonGetv, JsonBatchSet, JsonList } as const;
