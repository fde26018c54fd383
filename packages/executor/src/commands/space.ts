import { Type } from '@sinclair/typebox';
import { BranchField, command } from './common.js';

const SpaceName = (description: string) =>
  Type.String({
    description: `${description} Space names start with a lowercase letter, then lowercase letters, digits, "-" and "_", at most 64 characters.`,
  });

export const SpaceList = command(
  'SpaceList',
  'Lists the spaces of a branch in ascending byte order, "default" included. Returns `SpaceList`.',
  { branch: BranchField },
);

export const SpaceCreate = command(
  'SpaceCreate',
  'Registers a space in a branch; creating an existing space does nothing. Returns `Unit`.',
  {
    branch: BranchField,
    space: SpaceName('Name of the space to create.'),
  },
);

export const SpaceDelete = command(
  'SpaceDelete',
  'Deletes a space; a space that holds data is deleted, with its data, only with `force`. Returns `Unit`. The "default" space cannot be deleted.',
  {
    branch: BranchField,
    space: SpaceName('Name of the space to delete.'),
    force: Type.Optional(Type.Boolean({ description: 'Delete the space even if it holds data. false when absent.' })),
  },
);

export const SpaceExists = command('SpaceExists', 'Tells whether a space exists in a branch. Returns `Bool`.', {
  branch: BranchField,
  space: SpaceName('Name of the space.'),
});

export const SpaceInfo = command(
  'SpaceInfo',
  'Describes a space: when it was created and how many items of each primitive it holds. Returns `SpaceInfo`; `SpaceNotFound` if it does not exist.',
  {
    branch: BranchField,
    space: SpaceName('Name of the space.'),
  },
);

export const SPACE_COMMANDS = { SpaceList, SpaceCreate, SpaceDelete, SpaceExists, SpaceInfo } as const;
