import { fileURLToPath } from 'node:url';
import type { Value } from '@stratum/core';
import ts from 'typescript';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  BundleCommandType,
  Command,
  CommandOf,
  CommandType,
  KvCommandType,
  Output,
  OutputFor,
  OutputOf,
  ParsedRequest,
} from '../src/index.js';

describe('types', () => {
  it('maps each command to its one output variant', () => {
    expectTypeOf<OutputFor<'KvPut'>>().toEqualTypeOf<OutputOf<'Version'>>();
    expectTypeOf<OutputFor<'KvPut'>>().toEqualTypeOf<{ type: 'Version'; value: number | null }>();
    expectTypeOf<OutputFor<'KvGet'>['type']>().toEqualTypeOf<'MaybeVersioned'>();
    expectTypeOf<OutputFor<'VectorCollectionStats'>['type']>().toEqualTypeOf<'VectorCollectionList'>();
    expectTypeOf<OutputFor<'TxnCommit'>>().toEqualTypeOf<{ type: 'TxnCommitted'; version: number }>();
    expectTypeOf<OutputFor<CommandType>>().toEqualTypeOf<Output>();
  });

  it('gives commands their fields', () => {
    expectTypeOf<CommandOf<'KvPut'>['value']>().toEqualTypeOf<Value>();
    expectTypeOf<CommandOf<'KvPut'>['type']>().toEqualTypeOf<'KvPut'>();
    expectTypeOf<CommandOf<'KvPut'>>().toHaveProperty('key').toEqualTypeOf<string>();
    expectTypeOf<CommandOf<'KvGet'>>().toEqualTypeOf<{ type: 'KvGet'; branch?: string; space?: string; key: string; asOf?: number }>();
    expectTypeOf<CommandOf<'Ping'>>().toEqualTypeOf<{ type: 'Ping' }>();
    expectTypeOf<CommandOf<'KvBatchPut'>['entries']>().toEqualTypeOf<{ key: string; value: Value }[]>();
    expectTypeOf<CommandOf<'BranchMerge'>['strategy']>().toEqualTypeOf<'strict' | 'last_writer_wins'>();
    expectTypeOf<NonNullable<CommandOf<'RetentionApply'>['policy']>>().toEqualTypeOf<{ keepLast: number } | { keepFor: number }>();
  });

  it('derives the command union and family slices from the schema table', () => {
    expectTypeOf<Command['type']>().toEqualTypeOf<CommandType>();
    expectTypeOf<KvCommandType>().toEqualTypeOf<'KvPut' | 'KvGet' | 'KvDelete' | 'KvList' | 'KvBatchPut' | 'KvGetv'>();
    expectTypeOf<BundleCommandType>().toEqualTypeOf<'BranchExport' | 'BranchImport' | 'BranchBundleValidate'>();
  });

  it('carries either a command or an error in a parsed request', () => {
    expectTypeOf<ParsedRequest>().toHaveProperty('id').toEqualTypeOf<string | number | undefined>();
  });
});

// vitest runs the assertions above without looking at their types; this compiles them.
it('type-checks the assertions above', () => {
  const file = fileURLToPath(import.meta.url);
  const configPath = fileURLToPath(new URL('./tsconfig.json', import.meta.url));
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const program = ts.createProgram([file], config?.options ?? {});
  const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(file));
  expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
}, 30_000);
