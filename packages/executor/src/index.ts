// Commands: schemas, types, meta table.
export {
  COMMAND_SCHEMAS,
  COMMAND_TYPES,
  VALUE_MARKER,
  isValueSchema,
  type Command,
  type CommandType,
  type CommandOf,
  type CommandSchemas,
  type DataCommandType,
  type KvCommandType,
  type JsonCommandType,
  type EventCommandType,
  type StateCommandType,
  type VectorCommandType,
  type BranchCommandType,
  type SpaceCommandType,
  type TxnCommandType,
  type RetentionCommandType,
  type DbCommandType,
  type BundleCommandType,
  type IntelligenceCommandType,
} from './commands/index.js';
export { COMMAND_META, type CommandMeta, type CommandFamily, type OutputFor } from './command-meta.js';

// Outputs.
export { OUTPUT_SCHEMAS, type Output, type OutputType, type OutputOf, type OutputSchemas } from './outputs.js';

// Parsing requests and checking commands.
export { parseRequest, parseCommand, checkCommand, type ParsedRequest, type RequestId } from './parse.js';

// JSON Schemas of the protocol.
export { generateSchemas } from './schema-gen.js';
import './api/index.js';
export { Stratum, type OpenOptions, type CacheOptions } from './stratum.js';
export { Session } from './session.js';
export { Executor, runsAlone } from './executor.js';
export { resolveDefaults, type Resolved, type Defaults } from './resolve.js';
export { okResponse, errorResponse, type Response, type WireError } from './wire.js';
export { handlers } from './handlers/index.js';
export { NOT_IMPLEMENTED } from './handlers/not-implemented.js';
export { ENGINE_VERSION } from './version.js';
export { checkDirectory, type DirectoryCheck, type CheckReport, type Problem, type ProblemKind } from './check.js';
