import type { Store } from '@stratum/storage';

/**
 * Syncs the store a short while after writes land. In `standard` mode a batch is acknowledged
 * once the operating system has it, which survives a process crash; this sync bounds what a
 * power loss can take to the last `delayMs` of writes. One timer at most is pending: a burst of
 * batches costs one sync.
 */
export class BackgroundSync {
  readonly #store: Store;
  readonly #delayMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(store: Store, delayMs: number) {
    this.#store = store;
    this.#delayMs = delayMs;
  }

  /** A batch has landed: it reaches stable storage within the delay. */
  note(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // A failure here is not lost: the next explicit flush (or close) meets it again.
      this.#running = this.#store.flush().then(
        () => (this.#running = undefined),
        () => (this.#running = undefined),
      );
    }, this.#delayMs);
    // A pending sync must not keep the process alive; close syncs everything anyway.
    this.#timer.unref();
  }

  /** Cancels the pending sync and waits for a running one, before the store closes. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
