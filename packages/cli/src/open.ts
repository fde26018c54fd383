import { DEFAULT_BRANCH, DEFAULT_SPACE, StratumError, spaceNameProblem } from '@stratum/core';
import { parseDurability } from '@stratum/durability';
import { Stratum } from '@stratum/executor';

/** The global options every subcommand shares. */
export interface GlobalOptions {
  db: string;
  cache?: boolean;
  readOnly?: boolean;
  branch?: string;
  space?: string;
  durability?: string;
}

/** A problem with how the command line was written: exit code 2. */
export class UsageError extends Error {}

/**
 * Opens the database the options name and puts a handle on the session defaults they give:
 * `--space` is validated and registered when missing (only switched when read-only), `--branch`
 * must exist.
 */
export async function openFromOptions(
  o: GlobalOptions,
  extra: { ids?: 'seeded-by-first-command'; registerSpace?: boolean } = {},
): Promise<Stratum> {
  const space = o.space ?? DEFAULT_SPACE;
  const problem = space === DEFAULT_SPACE ? undefined : spaceNameProblem(space);
  if (problem !== undefined) throw new UsageError(`invalid --space '${space}': ${problem}`);
  let durability;
  try {
    durability = o.durability === undefined ? undefined : parseDurability(o.durability);
  } catch (e) {
    throw new UsageError((e as StratumError).message);
  }
  const cache = o.cache === true || durability === 'cache';
  const db = cache
    ? await Stratum.cache({ ...(extra.ids ? { ids: extra.ids } : {}), ...(o.readOnly ? { readOnly: true } : {}) })
    : await Stratum.open(o.db, {
        ...(durability ? { durability: durability as 'standard' | 'always' } : {}),
        ...(o.readOnly ? { readOnly: true } : {}),
        ...(extra.ids ? { ids: extra.ids } : {}),
      });
  try {
    const branch = o.branch ?? DEFAULT_BRANCH;
    if (branch !== DEFAULT_BRANCH) {
      if (!db.engine.branches.exists(branch)) throw new UsageError(`--branch '${branch}' does not exist`);
      await db.setBranch(branch);
    }
    if (space !== DEFAULT_SPACE) {
      if (extra.registerSpace === false) db.useSpace(space);
      else await db.setSpace(space);
    }
    return db;
  } catch (e) {
    await db.close();
    throw e;
  }
}
