import { err, isStratumError } from '@stratum/core';
import { decodeValue, type MetaOp, type Store, type VersionedRecord, type WriteOp } from '@stratum/storage';

interface Batch {
  ops: WriteOp[];
  meta: MetaOp[];
  done: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
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
  return { ops: [], meta: [], done, resolve, reject };
}

/**
 * Group commit: every write enqueued during one turn of the event loop goes to storage in one
 * atomic batch, one batch in flight at a time so batches land in version order. Until its batch
 * lands, a write is visible to point reads through the overlay, so a pipelined read that follows
 * a write sees it.
 */
export class GroupCommit {
  readonly #store: Store;
  readonly #sync: boolean;
  #open: Batch | undefined;
  #inFlight: Promise<void> | undefined;
  #last: Promise<void> = Promise.resolve();
  readonly #overlay = new Map<string, { op: WriteOp; batch: Batch }>();

  constructor(store: Store, sync: boolean) {
    this.#store = store;
    this.#sync = sync;
  }

  /** Adds ops to the open batch (opening one if needed); resolves when that batch is stored. */
  enqueue(ops: readonly WriteOp[], meta: readonly MetaOp[]): Promise<void> {
    let batch = this.#open;
    if (batch === undefined) {
      batch = newBatch();
      this.#open = batch;
      const sealed = batch;
      this.#last = sealed.done;
      setImmediate(() => this.#seal(sealed));
    }
    for (const op of ops) {
      batch.ops.push(op);
      this.#overlay.set(Buffer.from(op.key).toString('latin1'), { op, batch });
    }
    for (const m of meta) batch.meta.push(m);
    return batch.done;
  }

  /** The latest record of `key` still waiting for storage: a record, `null` for a pending delete, or undefined. */
  pending(key: Uint8Array): VersionedRecord | null | undefined {
    if (this.#overlay.size === 0) return undefined;
    const hit = this.#overlay.get(Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1'));
    if (hit === undefined) return undefined;
    const { op } = hit;
    if (op.tombstone === true) return null;
    // Decoded per read so no reader shares an object with the writer or with another reader.
    const value = op.payload === undefined ? op.value : decodeValue(op.payload);
    return { version: op.version, timestamp: op.timestamp, tombstone: false, value };
  }

  /** Seals the open batch and resolves once every write enqueued so far is stored. */
  barrier(): Promise<void> {
    const open = this.#open;
    if (open !== undefined) this.#seal(open);
    return this.#last;
  }

  get idle(): boolean {
    return this.#open === undefined && this.#inFlight === undefined;
  }

  #seal(batch: Batch): void {
    if (this.#open !== batch) return;
    this.#open = undefined;
    const previous = this.#inFlight ?? Promise.resolve();
    const run = previous.then(() => this.#write(batch));
    this.#inFlight = run;
    void run.then(() => {
      if (this.#inFlight === run) this.#inFlight = undefined;
    });
  }

  async #write(batch: Batch): Promise<void> {
    try {
      await this.#store.write(batch.ops, batch.meta, { sync: this.#sync });
      batch.resolve();
    } catch (e) {
      batch.reject(isStratumError(e) ? e : err.io(e instanceof Error ? e.message : String(e), e));
    } finally {
      for (const op of batch.ops) {
        const k = Buffer.from(op.key).toString('latin1');
        if (this.#overlay.get(k)?.batch === batch) this.#overlay.delete(k);
      }
    }
  }
}
