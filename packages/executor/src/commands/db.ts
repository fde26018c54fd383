import { BranchField, command } from './common.js';

export const Ping = command('Ping', 'Checks that the database answers. Returns `Pong` with the engine version.', {});

export const Info = command(
  'Info',
  'Describes the database: engine version, durability mode, uptime, and counts of branches, spaces and live items. Returns `DatabaseInfo`.',
  {},
);

export const Flush = command('Flush', 'Makes every acknowledged write durable. Returns `Unit`.', {});

export const Compact = command('Compact', 'Compacts the store, reclaiming space. Returns `Unit`.', {});

export const TimeRange = command(
  'TimeRange',
  'Finds the oldest and newest timestamps of the user data in a branch. Returns `TimeRange`, with nulls when the branch holds no data.',
  { branch: BranchField },
);

export const DB_COMMANDS = { Ping, Info, Flush, Compact, TimeRange } as const;
