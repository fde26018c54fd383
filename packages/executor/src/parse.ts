import { Kind, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { StratumError, err, isNonArrayObject, toStratumError } from '@stratum/core';
import { ERROR_CODE_MARKER, isValueSchema } from './commands/common.js';
import { COMMAND_SCHEMAS, type Command } from './commands/index.js';
import { copyStripped, decodeObject, escapePointer, objectPlan, type ObjectPlan, type ValueMode } from './prepare.js';

/** The `id` of a request, echoed in its response. */
export type RequestId = string | number;

/** A request read from the wire: its command, or the error to answer with; `id` when one was given. */
export type ParsedRequest = { id?: RequestId; command: Command } | { id?: RequestId; error: StratumError };

interface Entry {
  readonly type: string;
  readonly checker: TypeCheck<TSchema>;
  readonly plan: ObjectPlan;
  /** Pointers of fields whose check failures carry another code than InvalidCommand. */
  readonly codeAt: readonly (readonly [pointer: string, code: 'InvalidInput'])[];
}

const ENTRIES = new Map<string, Entry>(
  Object.entries(COMMAND_SCHEMAS).map(([type, schema]: [string, TSchema]) => {
    const properties = (schema as unknown as { properties: Record<string, TSchema> }).properties;
    const codeAt = Object.entries(properties)
      .filter(([, prop]) => (prop as Record<string, unknown>)[ERROR_CODE_MARKER] === 'InvalidInput')
      .map(([key]) => [`/${escapePointer(key)}`, 'InvalidInput'] as const);
    return [type, { type, checker: TypeCompiler.Compile(schema), plan: objectPlan(schema), codeAt }];
  }),
);

/**
 * Reads one request (a parsed JSON object): takes out the envelope's `id`, then checks and decodes
 * the command. Never throws; a bad request comes back as `{ error }`, with its `id` when that was valid.
 */
export function parseRequest(raw: unknown): ParsedRequest {
  if (!isNonArrayObject(raw)) return { error: notAnObject(raw) };
  const id = raw['id'];
  if (id !== undefined && id !== null && typeof id !== 'string' && typeof id !== 'number') {
    return { error: err.invalidCommand("field '/id' must be a string or a number", '/id') };
  }
  try {
    const command = prepare(raw, 'id', 'json');
    return id === undefined || id === null ? { command } : { id, command };
  } catch (e) {
    const error = toStratumError(e);
    return id === undefined || id === null ? { error } : { id, error };
  }
}

/**
 * Reads one command from parsed JSON (no envelope: an `id` field is an unknown field). Values are
 * decoded from their JSON form. Throws `InvalidCommand` (or `InvalidInput` for a bad Value).
 */
export function parseCommand(raw: unknown): Command {
  if (!isNonArrayObject(raw)) throw notAnObject(raw);
  return prepare(raw, undefined, 'json');
}

/**
 * Checks a command built in TypeScript, with the same rules as {@link parseCommand}. Its Values are
 * already native (`Uint8Array`, `bigint`, …) and are kept as they are. Returns a checked copy.
 */
export function checkCommand(cmd: unknown): Command {
  if (!isNonArrayObject(cmd)) throw notAnObject(cmd);
  return prepare(cmd, undefined, 'native');
}

function notAnObject(x: unknown): StratumError {
  const what = Array.isArray(x) ? 'an array' : x === null ? 'null' : `a ${typeof x}`;
  return err.invalidCommand(`a command must be a JSON object, not ${what}`, '');
}

function prepare(raw: Record<string, unknown>, skip: string | undefined, mode: ValueMode): Command {
  const type = raw['type'];
  if (typeof type !== 'string') {
    throw err.invalidCommand(type === undefined ? "missing field 'type'" : "field '/type' must be a string naming a command", '/type');
  }
  const entry = ENTRIES.get(type);
  if (entry === undefined) throw err.invalidCommand(`unknown command type ${JSON.stringify(type)}`, '/type');
  const cmd = copyStripped(entry.plan, raw, skip);
  if (!entry.checker.Check(cmd)) throw checkFailure(entry, cmd);
  if (entry.plan.decode) decodeObject(entry.plan, cmd, '', mode, true);
  // The checker has just proven the shape, and the decode step turned every Value position into a Value.
  return cmd as Command;
}

function checkFailure(entry: Entry, cmd: unknown): StratumError {
  const e = entry.checker.Errors(cmd).First();
  if (e === undefined) return err.invalidCommand(`${entry.type}: invalid command`, '');
  const reason = `${entry.type}: ${describeError(e)}`;
  const special = entry.codeAt.find(([pointer]) => e.path === pointer || e.path.startsWith(`${pointer}/`));
  return special === undefined ? err.invalidCommand(reason, e.path) : err.invalidInput(reason, { path: e.path });
}

function describeError(e: ValueError): string {
  const segments = e.path.split('/');
  const name = (segments[segments.length - 1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
  const where = segments.length > 2 ? ` (at ${e.path})` : '';
  switch (e.type) {
    case ValueErrorType.ObjectAdditionalProperties:
      return `unknown field '${name}'${where}`;
    case ValueErrorType.ObjectRequiredProperty:
      return `missing field '${name}'${where}, expected ${expected(e.schema)}`;
    default:
      return `field '${e.path}' must be ${expected(e.schema)}`;
  }
}

const ARRAY_ITEMS: Record<string, string | undefined> = { Number: 'numbers', String: 'strings', Object: 'objects' };

/** What a schema accepts, in words. */
function expected(s: TSchema): string {
  if (isValueSchema(s)) return 'a value';
  const schema = s as TSchema & Record<string, unknown>;
  switch (schema[Kind]) {
    case 'Literal':
      return JSON.stringify(schema['const']);
    case 'Union': {
      const variants = schema['anyOf'] as TSchema[];
      return variants.every((v) => v[Kind] === 'Literal')
        ? `one of ${variants.map(expected).join(', ')}`
        : variants.map(expected).join(' or ');
    }
    case 'Integer': {
      const max = schema['maximum'] === Number.MAX_SAFE_INTEGER ? '2^53 - 1' : String(schema['maximum']);
      return `an integer from ${String(schema['minimum'])} to ${max}`;
    }
    case 'Number':
      return 'a finite number';
    case 'String':
      return 'a string';
    case 'Boolean':
      return 'a boolean';
    case 'Null':
      return 'null';
    case 'Array': {
      const items = ARRAY_ITEMS[(schema['items'] as TSchema)[Kind]];
      return items === undefined ? 'an array' : `an array of ${items}`;
    }
    case 'Object':
      return `an object with ${Object.keys(schema['properties'] as object).join(', ')}`;
    default:
      return 'something else';
  }
}
