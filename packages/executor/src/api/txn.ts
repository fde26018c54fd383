import { isStratumError } from '@stratum/core';
import type { OutputFor } from '../command-meta.js';
import { Stratum } from '../stratum.js';

/** The open transaction as `txnInfo` describes it. */
export type TxnInfoValue = NonNullable<OutputFor<'TxnInfo'>['value']>;

/** Options of `Stratum.transaction`. */
export interface TransactionOptions {
  /** How many more times `fn` runs after a `TransactionConflict` (default 10). */
  readonly retries?: number;
}

declare module '../stratum.js' {
  interface Stratum {
    /** Opens a transaction in this handle's session, bound to its current branch (or `branch`). */
    txnBegin(options?: { readOnly?: boolean; branch?: string }): Promise<void>;
    /** Commits this handle's transaction; resolves to the commit version. */
    txnCommit(): Promise<number>;
    /** Discards this handle's transaction. */
    txnRollback(): Promise<void>;
    /** This handle's open transaction, or null. */
    txnInfo(): Promise<TxnInfoValue | null>;
    /** Whether a transaction is open in this handle's session. */
    txnIsActive(): Promise<boolean>;
    /**
     * Runs `fn` in a new transaction on its own session (this handle's branch and space) and
     * commits when it returns, or rolls back and rethrows when it throws. On `TransactionConflict`
     * the whole of `fn` runs again, up to `retries` more times, after a short random pause.
     *
     * @example
     * await db.transaction(async (tx) => {
     *   const n = ((await tx.kvGet('n'))?.value as number | undefined) ?? 0;
     *   await tx.kvPut('n', n + 1);
     * });
     */
    transaction<T>(fn: (tx: Stratum) => Promise<T>, options?: TransactionOptions): Promise<T>;
  }
}

const DEFAULT_RETRIES = 10;

Stratum.prototype.txnBegin = async function (options = {}) {
  const { branch, readOnly } = options;
  await this.execute({
    type: 'TxnBegin',
    ...(branch !== undefined ? { branch } : {}),
    ...(readOnly !== undefined ? { options: { readOnly } } : {}),
  });
};

Stratum.prototype.txnCommit = async function () {
  return (await this.execute({ type: 'TxnCommit' })).version;
};

Stratum.prototype.txnRollback = async function () {
  await this.execute({ type: 'TxnRollback' });
};

Stratum.prototype.txnInfo = async function () {
  return (await this.execute({ type: 'TxnInfo' })).value;
};

Stratum.prototype.txnIsActive = async function () {
  return (await this.execute({ type: 'TxnIsActive' })).value;
};

const isConflict = (e: unknown): boolean => isStratumError(e) && e.code === 'TransactionConflict';

/** Grows with the attempt so that many contenders spread out instead of colliding again. */
const backoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 50)));

Stratum.prototype.transaction = async function <T>(this: Stratum, fn: (tx: Stratum) => Promise<T>, options: TransactionOptions = {}) {
  const retries = options.retries ?? DEFAULT_RETRIES;
  for (let attempt = 0; ; attempt++) {
    try {
      // A view on a fresh session: it captures only its own commands and cannot close the database.
      return await this.inSpace(this.currentSpace, (tx) => attemptOnce(tx, fn));
    } catch (e) {
      if (!isConflict(e) || attempt >= retries) throw e;
      await backoff(attempt);
    }
  }
};

/** One run of `fn` in a transaction on `tx`'s session, which `fn` may also have ended itself. */
async function attemptOnce<T>(tx: Stratum, fn: (tx: Stratum) => Promise<T>): Promise<T> {
  await tx.txnBegin();
  let result: T;
  try {
    result = await fn(tx);
  } catch (e) {
    // The error of `fn` is the one worth reporting; a failed rollback only means nothing is open.
    if (await tx.txnIsActive()) await tx.txnRollback().catch(() => undefined);
    throw e;
  }
  if (await tx.txnIsActive()) await tx.txnCommit();
  return result;
}
