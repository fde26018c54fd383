import { Type } from '@sinclair/typebox';
import { BranchField, StrictObject, command } from './common.js';

export const TxnBegin = command(
  'TxnBegin',
  'Opens a transaction in this session, bound to one branch; the data commands that follow run inside it until `TxnCommit` or `TxnRollback`. Returns `TxnBegun`; `TransactionAlreadyActive` if one is open.',
  {
    branch: BranchField,
    options: Type.Optional(
      StrictObject(
        { readOnly: Type.Boolean({ description: 'Whether the transaction only reads.' }) },
        'Transaction options.',
      ),
    ),
  },
);

export const TxnCommit = command(
  'TxnCommit',
  'Commits the open transaction atomically. Returns `TxnCommitted` with the commit version; `TransactionConflict` if another commit wrote the same items first.',
  {},
);

export const TxnRollback = command('TxnRollback', 'Discards the open transaction. Returns `TxnAborted`.', {});

export const TxnInfo = command(
  'TxnInfo',
  'Describes the open transaction. Returns `TxnInfo`, null when none is open.',
  {},
);

export const TxnIsActive = command('TxnIsActive', 'Tells whether a transaction is open in this session. Returns `Bool`.', {});

export const TXN_COMMANDS = { TxnBegin, TxnCommit, TxnRollback, TxnInfo, TxnIsActive } as const;
