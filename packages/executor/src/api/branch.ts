import type { Value } from '@stratum/core';
import type { OutputFor } from '../command-meta.js';
import { Stratum } from '../stratum.js';

/** A branch with the version and time of its record, as `getBranch` and `listBranches` give it. */
export type VersionedBranch = NonNullable<OutputFor<'BranchGet'>['value']>;
/** A branch's description: name (`id`), creation time, and for a fork its parent and fork version. */
export type BranchDescription = VersionedBranch['info'];
/** What `createBranch` resolves to: the new branch and the commit version that created it. */
export type CreatedBranch = Omit<OutputFor<'BranchCreate'>, 'type'>;
/** What `forkBranch` resolves to: source, destination, fork version and the spaces the fork sees. */
export type ForkedBranch = Omit<OutputFor<'BranchFork'>, 'type'>;
/** What `diffBranches` resolves to: per space, items only in B (added), only in A (removed), and modified. */
export type BranchDifferences = Omit<OutputFor<'BranchDiff'>, 'type'>;
/** What `mergeBranches` resolves to: counts, conflicts resolved for the source, and the spaces changed. */
export type MergedBranches = Omit<OutputFor<'BranchMerge'>, 'type'>;
/** How `mergeBranches` treats an item changed on both sides: fail (`strict`) or keep the source's value. */
export type MergeStrategy = 'strict' | 'last_writer_wins';
export type ExportedBundle = OutputFor<'BranchExport'>['value'];
export type ImportedBundle = OutputFor<'BranchImport'>['value'];
export type ValidatedBundle = OutputFor<'BranchBundleValidate'>['value'];
/** Oldest and newest timestamps (µs) of a branch's user data; nulls when it has none. */
export type BranchTimeRange = Omit<OutputFor<'TimeRange'>, 'type'>;

declare module '../stratum.js' {
  interface Stratum {
    /** Creates an empty branch (a random UUID name when `name` is omitted); BranchExists if the name is taken. This handle stays on its branch. */
    createBranch(name?: string, options?: { metadata?: Value }): Promise<CreatedBranch>;
    /** The branch named `name`, or null. */
    getBranch(name: string): Promise<VersionedBranch | null>;
    /** Branches in ascending byte order of their names, `default` included; `offset` skips, `limit` truncates. */
    listBranches(options?: { limit?: number; offset?: number }): Promise<VersionedBranch[]>;
    branchExists(name: string): Promise<boolean>;
    /** Deletes a branch with every space, item and collection; BranchNotFound if missing; `default` cannot be deleted. */
    deleteBranch(name: string): Promise<void>;
    /**
     * Creates `destination` seeing every space of `source` (this handle's branch unless given) as it
     * is now; later writes on either side are invisible to the other. This handle does not switch.
     */
    forkBranch(destination: string, options?: { source?: string }): Promise<ForkedBranch>;
    /** The items that differ between `branchA` and `branchB` (in one space when `space` is given). */
    diffBranches(branchA: string, branchB: string, options?: { space?: string }): Promise<BranchDifferences>;
    /**
     * Applies what `source` changed since its merge base with `target` (this handle's branch unless
     * given) to `target` in one commit. `strict` (the default) fails with Conflict and changes
     * nothing when an item changed on both sides; `last_writer_wins` keeps the source's value.
     */
    mergeBranches(source: string, options?: { target?: string; strategy?: MergeStrategy }): Promise<MergedBranches>;
    /** Writes `branch` to a new bundle file at `path` (an existing file is InvalidInput). */
    exportBranch(branch: string, path: string): Promise<ExportedBundle>;
    /** Recreates the branch a bundle holds, under its name (BranchExists if taken); a damaged bundle changes nothing. */
    importBranch(path: string): Promise<ImportedBundle>;
    /** Checks a bundle file without importing it. */
    validateBundle(path: string): Promise<ValidatedBundle>;
    /** Oldest and newest timestamps of the user data of this handle's branch (or `branch`). */
    timeRange(options?: { branch?: string }): Promise<BranchTimeRange>;
  }
}

/** An output without its `type` tag. */
function fields<T extends { type: string }>(output: T): Omit<T, 'type'> {
  const { type: _type, ...rest } = output;
  return rest;
}

Stratum.prototype.createBranch = async function (name, options = {}) {
  return fields(
    await this.execute({
      type: 'BranchCreate',
      ...(name !== undefined ? { branch: name } : {}),
      ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
    }),
  );
};

Stratum.prototype.getBranch = async function (name) {
  return (await this.execute({ type: 'BranchGet', branch: name })).value;
};

Stratum.prototype.listBranches = async function (options = {}) {
  return (await this.execute({ type: 'BranchList', ...options })).value;
};

Stratum.prototype.branchExists = async function (name) {
  return (await this.execute({ type: 'BranchExists', branch: name })).value;
};

Stratum.prototype.deleteBranch = async function (name) {
  await this.execute({ type: 'BranchDelete', branch: name });
};

Stratum.prototype.forkBranch = async function (destination, options = {}) {
  return fields(await this.execute({ type: 'BranchFork', source: options.source ?? this.currentBranch, destination }));
};

Stratum.prototype.diffBranches = async function (branchA, branchB, options = {}) {
  return fields(await this.execute({ type: 'BranchDiff', branchA, branchB, ...options }));
};

Stratum.prototype.mergeBranches = async function (source, options = {}) {
  return fields(
    await this.execute({
      type: 'BranchMerge',
      source,
      target: options.target ?? this.currentBranch,
      strategy: options.strategy ?? 'strict',
    }),
  );
};

Stratum.prototype.exportBranch = async function (branch, path) {
  return (await this.execute({ type: 'BranchExport', branch, path })).value;
};

Stratum.prototype.importBranch = async function (path) {
  return (await this.execute({ type: 'BranchImport', path })).value;
};

Stratum.prototype.validateBundle = async function (path) {
  return (await this.execute({ type: 'BranchBundleValidate', path })).value;
};

Stratum.prototype.timeRange = async function (options = {}) {
  return fields(await this.execute({ type: 'TimeRange', ...options }));
};
