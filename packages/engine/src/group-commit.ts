import { err, isStratumError } from '@stratum/core';
import { decodeValue, type MetaOp, type Store, type VersionedRecord, type WriteOp } from '@stratum/storage';

interface Batch {
  ops: WriteOp[];
  /** The overlay key of each op, computed once (and handed to the store, which keys by it too). */
  keys: string[];
  /** Meta entries by name, later commits overwriting earlier ones; most batches have none. */
  meta: Map<string, unknown> | undefined;
  done: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
  /** The batch is over, stored or failed: what readers wait for. */
  settled: boolean;
  /** Made only when a reader waits for this batch: most batches have no such reader. */
  waiters: Promise<void> | undefined;
  wake: (() => void) | undefined;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A batch nobody awaits (every caller gone) must not crash the process on failure.
  done.catch(() => undefined);
  return {
    ops: [], keys: [], meta: undefined, done, resolve, reject,
    settled: false, waiters: undefined, wake: undefined,
  };
}

function settledOf(batch: Batch | undefined): Promise<void> {
  if (batch === undefined || batch.settled) return Promise.resolve();
  return (batch.waiters ??= new Promise<void>((res) => {
    batch.wake = res;
  }));
}

/** Keys as latin1 strings: one char per byte, so Map lookups compare bytes exactly. */
export const latin1 = (key: Uint8Array): string => Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');

/**
 * Group commit: writes queue into an open batch; when no batch is being written, the open one
 * goes to storage once the current run of synchronous code and microtasks is over, and while one
 * is being written, everything arriving meanwhile waits and goes next as one batch. One batch is
 * in flight at a time, so batches land in version order. Until its batch lands, a write is
 * visible to point reads through the overlay, so a pipelined read that follows a write sees it.
 */
export class GroupCommit {
  readonly #store: Store;
  readonly #sync: boolean;
  readonly #stored: (() => void) | undefined;
  #open: Batch | undefined;
  /** Batches sealed by a barrier, waiting their turn; later writes open a new batch. */
  readonly #waiting: Batch[] = [];
  #inFlight = false;
  #kickQueued = false;
  /** The batch opened last: batches settle in order, so it settles after every earlier one. */
  #last: Batch | undefined;
  readonly #overlay = new Map<string, { op: WriteOp; batch: Batch }>();

  /** `stored`, when given, is called after each batch lands (the database schedules background syncs on it). */
  constructor(store: Store, sync: boolean, stored?: () => void) {
    this.#store = store;
    this.#sync = sync;
    this.#stored = stored;
  }

  /** Adds a commit's ops and meta entries to the open batch (opening one if needed); resolves when that batch is stored. */
  enqueue(ops: readonly WriteOp[], meta?: readonly MetaOp[]): Promise<void> {
    let batch = this.#open;
    if (batch === undefined) {
      batch = newBatch();
      this.#open = batch;
      this.#last = batch;
      this.#queueKick();
    }
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as WriteOp;
      const k = latin1(op.key);
      batch.ops.push(op);
      batch.keys.push(k);
      this.#overlay.set(k, { op, batch });
    }
    if (meta !== undefined && meta.length > 0) {
      batch.meta ??= new Map();
      for (const m of meta) batch.meta.set(m.name, m.value);
    }
    return batch.done;
  }

  /** The latest record of `key` still waiting for storage: a record, `null` for a pending delete, or undefined. */
  pending(key: Uint8Array): VersionedRecord | null | undefined {
    if (this.#overlay.size === 0) return undefined;
    const hit = this.#overlay.get(latin1(key));
    if (hit === undefined) return undefined;
    const { op } = hit;
    if (op.tombstone === true) return null;
    // Decoded per read so no reader shares an object with the writer or with another reader.
    const value = op.payload === undefined ? op.value : decodeValue(op.payload);
    return { version: op.version, timestamp: op.timestamp, tombstone: false, value };
  }

  /**
   * Resolves once every write enqueued so far is stored. Writes enqueued after this call go to
   * a later batch, so a reader that awaits it and then reads storage sees exactly the writes
   * made before it.
   */
  barrier(): Promise<void> {
    if (this.#open !== undefined) {
      this.#waiting.push(this.#open);
      this.#open = undefined;
      this.#kick();
    }
    return settledOf(this.#last);
  }

  #queueKick(): void {
    if (this.#kickQueued || this.#inFlight) return;
    this.#kickQueued = true;
    queueMicrotask(() => {
      this.#kickQueued = false;
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#inFlight) return;
    let batch = this.#waiting.shift();
    if (batch === undefined) {
      batch = this.#open;
      this.#open = undefined;
    }
    if (batch === undefined) return;
    this.#inFlight = true;
    void this.#write(batch).then(() => {
      this.#inFlight = false;
      // One more microtask hop: readers released by this batch take their storage snapshot first.
      if (this.#open !== undefined || this.#waiting.length > 0) this.#queueKick();
    });
  }

  async #write(batch: Batch): Promise<void> {
    try {
      const meta: MetaOp[] = [];
      if (batch.meta !== undefined) for (const [name, value] of batch.meta) meta.push({ name, value });
      await this.#store.write(batch.ops, meta, { sync: this.#sync, keys: batch.keys });
      batch.resolve();
      this.#stored?.();
      this.#forget(batch);
    } catch (e) {
      const failure = isStratumError(e) ? e : err.io(e instanceof Error ? e.message : String(e), e);
      // Queued batches were built on this one's writes (counters, sequences, documents): they fail with it.
      const doomed = [batch, ...this.#waiting.splice(0), ...(this.#open ? [this.#open] : [])];
      this.#open = undefined;
      for (const b of doomed) {
        b.reject(failure);
        this.#forget(b);
      }
    }
  }

  #forget(batch: Batch): void {
    for (const k of batch.keys) {
      if (this.#overlay.get(k)?.batch === batch) this.#overlay.delete(k);
    }
    batch.settled = true;
    batch.wake?.();
  }
}
