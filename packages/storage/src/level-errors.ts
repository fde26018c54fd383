import { StratumError, err } from '@stratum/core';

/** The error of any use of a closed store. */
export function closedError(): StratumError {
  return err.io('database is closed');
}

/** Wraps a backend failure once, here; StratumErrors (closed, corrupt payload) pass through. */
export function asIo(action: string, e: unknown): StratumError {
  if (e instanceof StratumError) return e;
  if (isClosedLevel(e)) return closedError();
  return err.io(`${action}: ${(e as Error).message}`, e);
}

function isClosedLevel(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'LEVEL_DATABASE_NOT_OPEN' || code === 'LEVEL_ITERATOR_NOT_OPEN';
}

/** A failed open, naming its cause: held by another process, or what LevelDB reported. */
export function openError(dir: string, e: unknown): StratumError {
  // classic-level reports the root cause (LEVEL_LOCKED, LEVEL_CORRUPTION, ...) as `cause`.
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause?.code === 'LEVEL_LOCKED') {
    const reason = 'database is in use by another process';
    return new StratumError('Io', `I/O error: ${reason}`, { reason, path: dir }, { cause: e });
  }
  const detail = typeof cause?.message === 'string' ? cause.message : (e as Error).message;
  const reason = `cannot open database: ${detail}`;
  return new StratumError('Io', `I/O error: ${reason}`, { reason, path: dir }, { cause: e });
}
