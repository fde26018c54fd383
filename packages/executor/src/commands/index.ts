import type { Static } from '@sinclair/typebox';
import { BRANCH_COMMANDS } from './branch.js';
import { BUNDLE_COMMANDS } from './bundle.js';
import { DB_COMMANDS } from './db.js';
import { EVENT_COMMANDS } from './event.js';
import { INTELLIGENCE_COMMANDS } from './intelligence.js';
import { JSON_COMMANDS } from './json.js';
import { KV_COMMANDS } from './kv.js';
import { RETENTION_COMMANDS } from './retention.js';
import { SPACE_COMMANDS } from './space.js';
import { STATE_COMMANDS } from './state.js';
import { TXN_COMMANDS } from './txn.js';
import { VECTOR_COMMANDS } from './vector.js';

/** The schema of every command, by type: the one list of commands. */
export const COMMAND_SCHEMAS = {
  ...KV_COMMANDS,
  ...JSON_COMMANDS,
  ...EVENT_COMMANDS,
  ...STATE_COMMANDS,
  ...VECTOR_COMMANDS,
  ...BRANCH_COMMANDS,
  ...SPACE_COMMANDS,
  ...TXN_COMMANDS,
  ...RETENTION_COMMANDS,
  ...DB_COMMANDS,
  ...BUNDLE_COMMANDS,
  ...INTELLIGENCE_COMMANDS,
} as const;

export type CommandSchemas = typeof COMMAND_SCHEMAS;

/** The name of a command, e.g. `"KvPut"`. */
export type CommandType = keyof CommandSchemas;

// A mapped type, not the Static of a union built from Object.values, which would lose each member.
type CommandMap = { [T in CommandType]: Static<CommandSchemas[T]> };

/** Any command, discriminated by `type`. */
export type Command = CommandMap[CommandType];

/** The command whose `type` is `T`. */
export type CommandOf<T extends CommandType> = CommandMap[T];

export const COMMAND_TYPES = Object.keys(COMMAND_SCHEMAS) as CommandType[];

export type KvCommandType = Extract<CommandType, `Kv${string}`>;
export type JsonCommandType = Extract<CommandType, `Json${string}`>;
export type EventCommandType = Extract<CommandType, `Event${string}`>;
export type StateCommandType = Extract<CommandType, `State${string}`>;
export type VectorCommandType = Extract<CommandType, `Vector${string}`>;
export type SpaceCommandType = Extract<CommandType, `Space${string}`>;
export type TxnCommandType = Extract<CommandType, `Txn${string}`>;
export type RetentionCommandType = Extract<CommandType, `Retention${string}`>;
// Bundle commands share the Branch prefix, and the db and intelligence names share none.
export type BundleCommandType = keyof typeof BUNDLE_COMMANDS;
export type BranchCommandType = Exclude<Extract<CommandType, `Branch${string}`>, BundleCommandType>;
export type DbCommandType = keyof typeof DB_COMMANDS;
export type IntelligenceCommandType = keyof typeof INTELLIGENCE_COMMANDS;

/** The data commands: those that read or write one space of one branch. */
export type DataCommandType = KvCommandType | JsonCommandType | EventCommandType | StateCommandType | VectorCommandType;

export { VALUE_MARKER, ERROR_CODE_MARKER, isValueSchema } from './common.js';
