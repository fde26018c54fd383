import { copyFile, link, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StratumError } from '@stratum/core';

/**
 * A private copy of a LevelDB database directory. Opening a LevelDB database always rewrites
 * some of its files (the info log is rotated, the write-ahead log is folded into a new table and
 * manifest), so a tool that must leave a database byte for byte as it found it opens a copy.
 */
export interface LevelSnapshot {
  /** The copy: open it, read it, then `remove` it. */
  readonly dir: string;
  remove(): Promise<void>;
}

/** Tables are never rewritten once LevelDB has written them, so a hard link is as good as a copy. */
const IMMUTABLE = /\.(ldb|sst)$/;
/** The lock and LevelDB's own info logs are not part of the data. */
const SKIPPED = new Set(['LOCK', 'LOG', 'LOG.old']);

function ioError(reason: string, dir: string, extra: Record<string, unknown> = {}): StratumError {
  return new StratumError('Io', `I/O error: ${reason}`, { reason, path: dir, ...extra });
}

/**
 * Copies the database in `dir` to a fresh temporary directory without changing any of its files.
 * Fails with `Io` when `dir` holds no database, or when another process has it open: its files
 * may change under the copy (detected through the lock on Linux, and on every platform by the
 * files changing while they are copied).
 */
export async function snapshotLevelDir(dir: string): Promise<LevelSnapshot> {
  const before = await listing(dir);
  if (!before.has('CURRENT')) throw ioError('no database here (the directory has no CURRENT file)', dir);
  const holder = await lockHolder(join(dir, 'LOCK'));
  if (holder !== undefined) throw ioError('database is in use by another process', dir, { pid: holder });
  const copy = await mkdtemp(join(tmpdir(), 'stratum-snapshot-'));
  const remove = () => rm(copy, { recursive: true, force: true });
  try {
    for (const name of before.keys()) {
      if (SKIPPED.has(name)) continue;
      await copyOrLink(join(dir, name), join(copy, name), IMMUTABLE.test(name));
    }
    const after = await listing(dir);
    if (!sameListing(before, after)) throw ioError('database changed while it was being read (is another process using it?)', dir);
  } catch (e) {
    await remove();
    if (e instanceof StratumError) throw e;
    throw ioError(`cannot copy the database: ${(e as Error).message}`, dir);
  }
  return { dir: copy, remove };
}

async function copyOrLink(from: string, to: string, immutable: boolean): Promise<void> {
  if (immutable) {
    try {
      await link(from, to);
      return;
    } catch {
      // Another file system, or links not allowed: copy instead.
    }
  }
  await copyFile(from, to);
}

/** Each regular file's size and modification time, by name. */
async function listing(dir: string): Promise<Map<string, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw ioError(code === 'ENOENT' ? 'no database here (the directory does not exist)' : `cannot read the directory: ${(e as Error).message}`, dir);
  }
  const out = new Map<string, string>();
  for (const name of names) {
    try {
      const s = await stat(join(dir, name));
      if (s.isFile()) out.set(name, `${s.size}:${s.mtimeMs}`);
    } catch {
      out.set(name, 'vanished');
    }
  }
  return out;
}

function sameListing(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, v] of a) if (SKIPPED.has(name) ? !b.has(name) : b.get(name) !== v) return false;
  return true;
}

/**
 * The process holding the POSIX lock LevelDB takes on `LOCK`, from Linux's `/proc/locks`;
 * undefined when none holds it or the platform does not tell. Entries are matched by inode only:
 * some file systems (overlays) report another device number there than `stat` does.
 */
async function lockHolder(lockFile: string): Promise<number | undefined> {
  let inode: number;
  let table: string;
  try {
    inode = (await stat(lockFile)).ino;
    table = await readFile('/proc/locks', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of table.split('\n')) {
    // "1: POSIX  ADVISORY  WRITE 4242 fe:00:2155718 0 EOF"; waiting requests carry "->" and are skipped.
    const f = line.trim().split(/\s+/);
    if (f[1] !== 'POSIX' || f[5] === undefined) continue;
    if (Number(f[5].split(':')[2]) === inode) return Number(f[4]);
  }
  return undefined;
}
