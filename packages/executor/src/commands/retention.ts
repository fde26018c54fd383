import { Type } from '@sinclair/typebox';
import { BranchField, ERROR_CODE_MARKER, StrictObject, U64, command } from './common.js';

// Protocol §6.12 answers a malformed policy with InvalidInput rather than InvalidCommand.
const Policy = Type.Optional(
  Type.Union(
    [
      StrictObject(
        { keepLast: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'How many versions to keep, at least 1.' }) },
        'Keep the newest n versions of every item.',
      ),
      StrictObject(
        { keepFor: U64('Age limit in microseconds.') },
        'Keep the versions younger than this many microseconds at the time of the command (and always the newest).',
      ),
    ],
    {
      description:
        'Which versions to keep: exactly one of {"keepLast": n} or {"keepFor": µs}. Only the newest version of every item when absent.',
      [ERROR_CODE_MARKER]: 'InvalidInput',
    },
  ),
);

export const RetentionApply = command(
  'RetentionApply',
  'Drops old versions of the branch’s items according to the policy; the newest version of every item, events and what forks still read are kept. Returns `Unit`.',
  {
    branch: BranchField,
    policy: Policy,
  },
);

export const RetentionStats = command(
  'RetentionStats',
  'Counts the branch’s items, versions and stored bytes, per primitive. Returns `RetentionStats`.',
  { branch: BranchField },
);

export const RetentionPreview = command(
  'RetentionPreview',
  'Reports what `RetentionApply` with the same policy would drop, without dropping anything. Returns `RetentionPreview`.',
  {
    branch: BranchField,
    policy: Policy,
  },
);

export const RETENTION_COMMANDS = { RetentionApply, RetentionStats, RetentionPreview } as const;
