import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StratumError } from '@stratum/core';

/**
 * What the files of a LevelDB directory tell before and around opening it. LevelDB keeps one
 * flat directory: `CURRENT` names the live `MANIFEST-*`, which lists the `*.ldb`/`*.sst` tables;
 * `*.log` is the write-ahead log; `LOCK` is held (fcntl) by the process that has it open.
 */

/** Files only a LevelDB database that once held data contains. */
const DATA_FILE = /^(MANIFEST-\d+|\d+\.(ldb|sst|log))$/;

/** Sum of the sizes of the regular files in `dir` (LevelDB keeps no subdirectories). */
export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    try {
      total += (await stat(join(dir, entry.name))).size;
    } catch {
      // A file LevelDB removed between the listing and the stat holds nothing any more.
    }
  }
  return total;
}

/**
 * Refuses a directory that holds LevelDB data files but no `CURRENT`: opening it would create an
 * empty database there and delete the tables as obsolete. Resolves for an empty or missing
 * directory and for a complete database.
 */
export async function refuseHeadless(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  if (names.includes('CURRENT') || !names.some((n) => DATA_FILE.test(n))) return;
  const reason = 'cannot open database: the CURRENT file is missing but data files remain (refusing to start an empty database over them)';
  throw new StratumError('Io', `I/O error: ${reason}`, { reason, path: dir });
}
