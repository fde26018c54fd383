/**
 * Generates the JSON Schemas of the protocol from the TypeBox definitions. Run as a script with a
 * directory argument, it writes them there: `node packages/executor/dist/schema-gen.js schemas`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VALUE_MARKER } from './commands/common.js';
import { COMMAND_SCHEMAS } from './commands/index.js';
import { ErrorCodeSchema } from './output-shapes.js';
import { OUTPUT_SCHEMAS } from './outputs.js';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

const VALUE_DEF = {
  description:
    'A Stratum value in plain JSON: null, a boolean, a number (an integer literal is an Int, within the signed 64-bit range; any other number a Float), a string, an array or an object. Bytes are written {"$bytes": "<standard base64>"}; NaN, infinities and negative zero are written {"$f64": "NaN" | "+Inf" | "-Inf" | "-0.0"}.',
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The plain JSON of a TypeBox schema: symbol keys dropped (by `Object.entries`), Value positions
 * turned into references to the Value definition, and the parse step's private keywords removed.
 */
function toJson(x: unknown): Json {
  if (Array.isArray(x)) return x.map(toJson);
  if (typeof x !== 'object' || x === null) return x as Json;
  const schema = x as Record<string, unknown>;
  if (schema[VALUE_MARKER] === true) {
    return typeof schema['description'] === 'string'
      ? { $ref: '#/$defs/Value', description: schema['description'] }
      : { $ref: '#/$defs/Value' };
  }
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(schema)) {
    // `$id` names the TypeBox schema; in the file the `$defs` key names it, and refs stay file-relative.
    if (key === '$id' || key.startsWith('x-stratum-')) continue;
    out[key] = toJson(value);
  }
  return out;
}

function unionFile(title: string, description: string, schemas: Record<string, unknown>): Json {
  const defs: { [key: string]: Json } = { Value: VALUE_DEF };
  for (const [name, schema] of Object.entries(schemas)) defs[name] = toJson(schema);
  return {
    $schema: DRAFT,
    title,
    description,
    oneOf: Object.keys(schemas).map((name) => ({ $ref: `#/$defs/${name}` })),
    $defs: defs,
  };
}

function errorFile(): Json {
  const envelope = (ok: boolean, field: string, ref: string, description: string): Json => ({
    type: 'object',
    description,
    properties: {
      id: { $ref: '#/$defs/RequestId' },
      ok: { const: ok, description: ok ? 'The command succeeded.' : 'The command failed.' },
      [field]: { $ref: ref },
    },
    required: ['ok', field],
    additionalProperties: false,
  });
  return {
    $schema: DRAFT,
    title: 'Stratum error',
    description:
      'The error of a failed response. Clients act on `code` and `details`; `message` is for people. `$defs.Response` is the response envelope.',
    type: 'object',
    properties: {
      code: { $ref: '#/$defs/ErrorCode' },
      message: { type: 'string', description: 'What went wrong, for people; not stable.' },
      details: {
        type: 'object',
        description:
          'Fields clients can act on, by code: `branch` (BranchNotFound, BranchExists), `collection` (CollectionNotFound, CollectionExists), `expected` and `actual` (DimensionMismatch), `command` (AccessDenied), `path` (InvalidCommand: JSON pointer of the offending field), `space` (SpaceNotFound), `reason`.',
      },
    },
    required: ['code', 'message'],
    additionalProperties: false,
    $defs: {
      ErrorCode: toJson(ErrorCodeSchema),
      RequestId: {
        description: 'The request’s `id`, echoed when the request had one.',
        anyOf: [{ type: 'string' }, { type: 'number' }],
      },
      Response: {
        description: 'One response: exactly one per request, in request order.',
        oneOf: [
          envelope(true, 'output', 'output.schema.json', 'A successful response.'),
          envelope(false, 'error', '#', 'A failed response.'),
        ],
      },
    },
  };
}

/** The JSON Schema files of the protocol, by file name, as they are stored in `schemas/`. */
export function generateSchemas(): Record<string, string> {
  const files: Record<string, Json> = {
    'command.schema.json': unionFile(
      'Stratum command',
      'One command of the Stratum protocol, version 1. A request is such an object, optionally with an `id` (a string or a number) that its response echoes. Unknown fields are rejected; an optional field given as null counts as absent.',
      COMMAND_SCHEMAS,
    ),
    'output.schema.json': unionFile(
      'Stratum output',
      'The output of a successful command: one variant per command, named by `type`.',
      OUTPUT_SCHEMAS,
    ),
    'error.schema.json': errorFile(),
  };
  return Object.fromEntries(Object.entries(files).map(([name, json]) => [name, `${JSON.stringify(json, null, 2)}\n`]));
}

function main(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(generateSchemas())) writeFileSync(join(dir, name), text);
}

const script = process.argv[1];
if (script !== undefined && import.meta.url === pathToFileURL(script).href) main(process.argv[2] ?? 'schemas');
