import { StratumError } from '@stratum/core';
import { checkDatabase, type CheckReport } from '@stratum/engine';
import { LevelAudit, directorySize, snapshotLevelDir } from '@stratum/storage';

export type { CheckReport, Problem, ProblemKind } from '@stratum/engine';

/** A check's report with the size of the database directory. */
export type DirectoryCheck = CheckReport & { readonly path: string; readonly diskSize: number };

/**
 * Verifies the database in `dir` offline, changing nothing: every record decodes, indexes agree
 * with the data, version and timestamp invariants hold (see `checkDatabase`). LevelDB rewrites
 * files as it opens a database, so the check opens a private snapshot of the directory (tables
 * hard-linked, the few other files copied) and removes it afterwards. Fails with `Io` when there
 * is no database in `dir`, another process holds it, or LevelDB cannot open it.
 */
export async function checkDirectory(dir: string): Promise<DirectoryCheck> {
  const diskSize = await directorySize(dir).catch(() => 0);
  const snapshot = await snapshotLevelDir(dir);
  try {
    const audit = await LevelAudit.open(snapshot.dir).catch((e: unknown) => {
      // The snapshot's path means nothing to the caller: name the database instead.
      throw e instanceof StratumError ? new StratumError('Io', e.message, { ...(e.details as object), path: dir }, { cause: e }) : e;
    });
    try {
      return { path: dir, diskSize, ...(await checkDatabase(audit)) };
    } finally {
      await audit.close().catch(() => undefined);
    }
  } finally {
    await snapshot.remove();
  }
}
