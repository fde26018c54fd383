import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, type TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { COMMAND_META, COMMAND_SCHEMAS, OUTPUT_SCHEMAS, generateSchemas, isValueSchema } from '../src/index.js';

const SCHEMAS_DIR = fileURLToPath(new URL('../../../schemas/', import.meta.url));

type Node = TSchema & Record<string, unknown>;

/** Every property of every object reachable from a schema, with its JSON pointer. */
function* fields(schema: TSchema, path = ''): Generator<[string, Node]> {
  const s = schema as Node;
  if (isValueSchema(s)) return;
  if (s[Kind] === 'Object') {
    for (const [key, prop] of Object.entries(s['properties'] as Record<string, Node>)) {
      yield [`${path}/${key}`, prop];
      yield* fields(prop, `${path}/${key}`);
    }
  } else if (s[Kind] === 'Array') {
    yield* fields(s['items'] as TSchema, `${path}/0`);
  } else if (s[Kind] === 'Union') {
    for (const variant of s['anyOf'] as TSchema[]) yield* fields(variant, path);
  }
}

/** Every schema reachable from a schema, itself included. */
function* subschemas(schema: TSchema): Generator<Node> {
  const s = schema as Node;
  yield s;
  if (isValueSchema(s)) return;
  if (s[Kind] === 'Object') for (const prop of Object.values(s['properties'] as Record<string, Node>)) yield* subschemas(prop);
  if (s[Kind] === 'Array') yield* subschemas(s['items'] as TSchema);
  if (s[Kind] === 'Union') for (const variant of s['anyOf'] as TSchema[]) yield* subschemas(variant);
}

describe('command tables', () => {
  it('has 66 commands, the same in the schema table and the meta table', () => {
    const types = Object.keys(COMMAND_SCHEMAS);
    expect(types).toHaveLength(66);
    expect(Object.keys(COMMAND_META).sort()).toEqual([...types].sort());
  });

  it('names each schema after its type', () => {
    for (const [type, schema] of Object.entries(COMMAND_SCHEMAS)) {
      expect(schema.$id).toBe(type);
      expect(schema.properties.type.const).toBe(type);
    }
  });

  it('gives every command an output variant that exists', () => {
    for (const meta of Object.values(COMMAND_META)) expect(Object.keys(OUTPUT_SCHEMAS)).toContain(meta.output);
  });

  it('refuses exactly the writes in read-only mode', () => {
    const writes = Object.entries(COMMAND_META).filter(([, m]) => m.write).map(([t]) => t).sort();
    expect(writes).toEqual(
      [
        ...['KvPut', 'KvBatchPut', 'KvDelete', 'JsonSet', 'JsonBatchSet', 'JsonDelete', 'EventAppend', 'EventBatchAppend'],
        ...['StateSet', 'StateBatchSet', 'StateCas', 'StateInit', 'StateDelete', 'VectorUpsert', 'VectorDelete'],
        ...['VectorCreateCollection', 'VectorDeleteCollection', 'VectorBatchUpsert', 'BranchCreate', 'BranchDelete'],
        ...['SpaceCreate', 'SpaceDelete', 'TxnBegin', 'TxnCommit', 'TxnRollback', 'RetentionApply', 'Flush', 'Compact'],
        ...['BranchExport', 'BranchImport', 'ConfigureModel', 'BranchFork', 'BranchMerge'],
      ].sort(),
    );
  });

  it('reads committed state in a transaction for exactly the listed commands', () => {
    const reads = Object.entries(COMMAND_META).filter(([, m]) => m.txn === 'read').map(([t]) => t).sort();
    expect(reads).toEqual(
      [
        ...['BranchGet', 'BranchExists', 'BranchList', 'SpaceList', 'SpaceExists', 'SpaceInfo', 'Ping', 'Info', 'TimeRange'],
        ...['RetentionStats', 'RetentionPreview', 'EmbedStatus', 'BranchDiff', 'BranchBundleValidate'],
      ].sort(),
    );
  });

  it('defaults branch and space only where the command has those fields', () => {
    for (const [type, schema] of Object.entries(COMMAND_SCHEMAS)) {
      const { scope } = COMMAND_META[type as keyof typeof COMMAND_META];
      const props = schema.properties as Record<string, TSchema>;
      if (scope !== 'none') expect(props['branch'], type).toBeDefined();
      if (scope === 'data') expect(props['space'], type).toBeDefined();
    }
  });
});

describe('descriptions', () => {
  it.each(Object.entries(COMMAND_SCHEMAS))('%s and each of its fields are described', (_type, schema) => {
    expect(schema.description).toMatch(/\S/);
    for (const [path, field] of fields(schema)) expect(field.description, path).toMatch(/\S/);
  });

  it.each(Object.entries(OUTPUT_SCHEMAS))('output %s and each of its fields are described', (_type, schema) => {
    expect(schema.description).toMatch(/\S/);
    for (const [path, field] of fields(schema)) expect(field.description, path).toMatch(/\S/);
  });

  it('closes every object to unknown fields', () => {
    for (const schema of [...Object.values(COMMAND_SCHEMAS), ...Object.values(OUTPUT_SCHEMAS)]) {
      for (const sub of subschemas(schema)) if (sub[Kind] === 'Object') expect(sub.additionalProperties).toBe(false);
    }
  });
});

describe('schemas/', () => {
  const generated = generateSchemas();

  it('holds exactly the generated files', () => {
    const stored = readdirSync(SCHEMAS_DIR).filter((name) => name.endsWith('.json')).sort();
    expect(stored).toEqual(Object.keys(generated).sort());
  });

  it.each(Object.keys(generated))('%s is up to date (run `pnpm gen:schemas`)', (name) => {
    expect(readFileSync(`${SCHEMAS_DIR}${name}`, 'utf8')).toBe(generated[name]);
  });

  it('is deterministic and valid JSON', () => {
    expect(generateSchemas()).toEqual(generated);
    for (const text of Object.values(generated)) expect(() => JSON.parse(text)).not.toThrow();
  });

  it('lists every command and every output', () => {
    const commands = JSON.parse(generated['command.schema.json'] ?? '') as { oneOf: unknown[]; $defs: object };
    expect(commands.oneOf).toHaveLength(66);
    expect(Object.keys(commands.$defs)).toEqual(['Value', ...Object.keys(COMMAND_SCHEMAS)]);
    const outputs = JSON.parse(generated['output.schema.json'] ?? '') as { $defs: object };
    expect(Object.keys(outputs.$defs)).toEqual(['Value', ...Object.keys(OUTPUT_SCHEMAS)]);
  });
});
