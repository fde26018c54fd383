import { Type } from '@sinclair/typebox';
import { AsOf, BranchField, SpaceField, StrictObject, U64, ValueField, command } from './common.js';

const Cell = Type.String({ description: 'The cell name: non-empty, at most 1024 bytes, no NUL, not starting with "_strata/".' });

export const StateSet = command(
  'StateSet',
  'Sets the value of a state cell unconditionally. Returns the cell’s new counter (`Version`), 1 for a new cell.',
  {
    branch: BranchField,
    space: SpaceField,
    cell: Cell,
    value: ValueField('The value to store.'),
  },
);

export const StateGet = command(
  'StateGet',
  'Reads a state cell. Returns `MaybeVersioned`: the value with the cell’s counter as version and its timestamp, or null when the cell is absent.',
  {
    branch: BranchField,
    space: SpaceField,
    cell: Cell,
    asOf: AsOf,
  },
);

export const StateCas = command(
  'StateCas',
  'Compare-and-swap: writes the cell only if its counter equals `expectedCounter` (or, without it, only if the cell does not exist). Returns `MaybeVersion`: the new counter, or null when the condition did not hold.',
  {
    branch: BranchField,
    space: SpaceField,
    cell: Cell,
    expectedCounter: Type.Optional(U64('The counter the cell must have; when absent, the cell must not exist.')),
    value: ValueField('The value to store.'),
  },
);

export const StateGetv = command(
  'StateGetv',
  'Reads the version history of a state cell, newest first; deletions appear as entries with `deleted: true`. Returns `VersionHistory`, null if the cell never existed.',
  {
    branch: BranchField,
    space: SpaceField,
    cell: Cell,
    asOf: Type.Optional(U64('Only versions written at or before this moment (µs since the Unix epoch).')),
  },
);

export const StateInit = command(
  'StateInit',
  'Creates a state cell with a value if it does not exist; an existing cell is left unchanged. Returns the cell’s counter (`Version`).',
  {
    branch: BranchField,
    space: SpaceField,
    cell: Cell,
    value: ValueField('The initial value.'),
  },
);

export const StateDelete = command(
  'StateDelete',
  'Deletes a state cell. Returns `Bool`: true if the cell existed.',
  {
    branch: BranchField,
    space: SpaceField,
    cell: Cell,
  },
);

export const StateList = command(
  'StateList',
  'Lists the names of live state cells in ascending byte order. Returns `Keys`.',
  {
    branch: BranchField,
    space: SpaceField,
    prefix: Type.Optional(Type.String({ description: 'Only cells whose name starts with this prefix; all when absent or "".' })),
    asOf: AsOf,
  },
);

export const StateBatchSet = command(
  'StateBatchSet',
  'Sets several state cells in one commit, in order. Returns `BatchResults`, one item per entry: the cell’s new counter, or the error that kept it from being written.',
  {
    branch: BranchField,
    space: SpaceField,
    entries: Type.Array(StrictObject({ cell: Cell, value: ValueField('The value to store.') }, 'One cell to set.'), {
      description: 'The cells to set; a cell given twice advances its counter twice.',
    }),
  },
);

export const STATE_COMMANDS = {
  StateSet,
  StateGet,
  StateCas,
  StateGetv,
  StateInit,
  StateDelete,
  StateList,
  StateBatchSet,
} as const;
