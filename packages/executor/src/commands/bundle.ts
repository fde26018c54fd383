import { Type } from '@sinclair/typebox';
import { command } from './common.js';

const BundlePath = (description: string) => Type.String({ description });

export const BranchExport = command(
  'BranchExport',
  'Writes a branch, with every space and vector collection, to a single checksummed bundle file. Returns `BranchExported`.',
  {
    branch: Type.String({ description: 'Name of the branch to export.' }),
    path: BundlePath('File to write the bundle to.'),
  },
);

export const BranchImport = command(
  'BranchImport',
  'Recreates a branch from a bundle file; a malformed bundle changes nothing. Returns `BranchImported`; `BranchExists` if a branch of that name exists.',
  { path: BundlePath('Bundle file to read.') },
);

export const BranchBundleValidate = command(
  'BranchBundleValidate',
  'Checks a bundle file’s format and checksums without importing it. Returns `BundleValidated`.',
  { path: BundlePath('Bundle file to check.') },
);

export const BUNDLE_COMMANDS = { BranchExport, BranchImport, BranchBundleValidate } as const;
