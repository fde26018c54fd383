import { Type } from '@sinclair/typebox';
import { U64, ValueField, command } from './common.js';

const BranchName = (description: string) => Type.String({ description });

export const BranchCreate = command(
  'BranchCreate',
  'Creates an empty branch. Returns `BranchWithVersion` with the new branch’s info; `BranchExists` if the name is taken.',
  {
    branch: Type.Optional(
      BranchName('Name of the new branch: non-empty, not only whitespace, no control characters, at most 255 bytes. A random UUID when absent.'),
    ),
    metadata: Type.Optional(ValueField('Free-form metadata; accepted and not stored.')),
  },
);

export const BranchGet = command(
  'BranchGet',
  'Describes a branch. Returns `MaybeBranchInfo`: its info, or null if it does not exist.',
  { branch: BranchName('Name of the branch.') },
);

export const BranchList = command(
  'BranchList',
  'Lists branches in ascending byte order of their names, "default" included. Returns `BranchInfoList`.',
  {
    state: Type.Optional(Type.Literal('active', { description: 'Only branches in this state; every branch is "active".' })),
    limit: Type.Optional(U64('Maximum number of branches to return; all when absent.')),
    offset: Type.Optional(U64('Number of branches to skip before the first one returned.')),
  },
);

export const BranchExists = command('BranchExists', 'Tells whether a branch exists. Returns `Bool`.', {
  branch: BranchName('Name of the branch.'),
});

export const BranchDelete = command(
  'BranchDelete',
  'Deletes a branch with all its spaces, data and vector collections. Returns `Unit`; `BranchNotFound` if it does not exist. The "default" branch cannot be deleted.',
  { branch: BranchName('Name of the branch to delete.') },
);

export const BranchFork = command(
  'BranchFork',
  'Creates a branch that sees every space of the source as it is now; later writes on either side are invisible to the other. Returns `BranchForked`.',
  {
    source: Type.Optional(BranchName('Branch to fork. "default" when absent.')),
    destination: BranchName('Name of the new branch; it must not exist.'),
  },
);

export const BranchDiff = command(
  'BranchDiff',
  'Compares the current data of two branches, item by item. Returns `BranchDiff`: per space, the items only in B (added), only in A (removed) and with different values (modified).',
  {
    branchA: BranchName('The first branch ("removed" = only here).'),
    branchB: BranchName('The second branch ("added" = only here).'),
    space: Type.Optional(Type.String({ description: 'Compare only this space; every space when absent.' })),
  },
);

export const BranchMerge = command(
  'BranchMerge',
  'Applies the changes made on the source since its merge base with the target to the target, in one commit. Returns `BranchMerged`; under "strict", a conflict fails the merge with `Conflict` and changes nothing.',
  {
    source: BranchName('Branch whose changes are applied.'),
    target: Type.Optional(BranchName('Branch that receives the changes. "default" when absent.')),
    strategy: Type.Union([Type.Literal('strict'), Type.Literal('last_writer_wins')], {
      description:
        'What to do when an item changed on both sides to different values: "strict" fails the merge, "last_writer_wins" keeps the source’s value and reports the conflict.',
    }),
  },
);

export const BRANCH_COMMANDS = {
  BranchCreate,
  BranchGet,
  BranchList,
  BranchExists,
  BranchDelete,
  BranchFork,
  BranchDiff,
  BranchMerge,
} as const;
