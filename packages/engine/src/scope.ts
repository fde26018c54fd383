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
  /** The branch's storage id: keys are built from it, not from the name (see BranchTree). */
  readonly id: string;

  constructor(branches: BranchIndex, branch: string, space: string) {
    if (space !== DEFAULT_SPACE) validateSpaceName(space);
    this.id = branches.require(branch).id;
    this.branch = branch;
    this.space = space;
  }

  /** The prefix of `tag` in this scope; shared between commands, so callers must not write to it. */
  prefix(tag: (typeof TypeTag)[keyof typeof TypeTag]): Buffer {
    const byTag = prefixesOf(this.id, this.space);
    return (byTag[tag] ??= tagPrefix(this.id, this.space, tag));
  }
}

/** Bounds the cache: names come from callers, so a stream of fresh spaces must not grow it forever. */
const MAX_CACHED_SPACES = 1024;
let cachedSpaces = 0;
/** Prefixes by branch, then space, then tag: every command builds its keys from one, so they are built once. */
const PREFIXES = new Map<string, Map<string, Buffer[]>>();

function prefixesOf(branch: string, space: string): Buffer[] {
  let bySpace = PREFIXES.get(branch);
  if (bySpace === undefined) {
    bySpace = new Map();
    PREFIXES.set(branch, bySpace);
  }
  let byTag = bySpace.get(space);
  if (byTag === undefined) {
    if (++cachedSpaces > MAX_CACHED_SPACES) {
      PREFIXES.clear();
      bySpace.clear();
      cachedSpaces = 1;
      PREFIXES.set(branch, bySpace);
    }
    byTag = [];
    bySpace.set(space, byTag);
  }
  return byTag;
}
