import { TypeTag, tagPrefix, validateSpaceName, DEFAULT_SPACE } from '@stratum/core';
import type { BranchIndex } from './branches.js';

/** The primitives' type tags whose records are user data in a space. */
export const DATA_TAGS = [TypeTag.Kv, TypeTag.Event, TypeTag.State, TypeTag.Json, TypeTag.Vector, TypeTag.VectorConfig] as const;

/**
 * Where a command acts. Checks the space name (every command that carries a space does) and
 * that the branch exists, so primitives never see an unchecked namespace.
 */
export class Scope {
  readonly branch: string;
  readonly space: string;

  constructor(branches: BranchIndex, branch: string, space: string) {
    if (space !== DEFAULT_SPACE) validateSpaceName(space);
    branches.require(branch);
    this.branch = branch;
    this.space = space;
  }

  prefix(tag: (typeof TypeTag)[keyof typeof TypeTag]): Buffer {
    return tagPrefix(this.branch, this.space, tag);
  }
}
