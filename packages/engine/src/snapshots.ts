import { latin1 } from './group-commit.js';

/**
 * The open transaction snapshots. While any is open, every commit notes the version it gave each
 * key it wrote, so {@link writtenAfter} answers exactly, deletions included (which a point read
 * cannot tell from absence); with the last one closed, the notes go.
 */
export class Snapshots {
  #open = 0;
  /** Timestamp → number of open snapshots taken at it. */
  readonly #times = new Map<number, number>();
  /** Key (latin1) → version of its newest commit since the oldest open snapshot. */
  readonly #written = new Map<string, number>();

  /** Whether commits must note their keys. */
  get tracking(): boolean {
    return this.#open > 0;
  }

  open(timestamp: number): void {
    this.#open++;
    this.#times.set(timestamp, (this.#times.get(timestamp) ?? 0) + 1);
  }

  /** Closes a snapshot opened at `timestamp`. */
  close(timestamp: number): void {
    const n = this.#times.get(timestamp) ?? 0;
    if (n > 1) this.#times.set(timestamp, n - 1);
    else this.#times.delete(timestamp);
    if (this.#open > 0 && --this.#open === 0) this.#written.clear();
  }

  /** The timestamps of the open snapshots: reads as of them must keep answering. */
  times(): number[] {
    return [...this.#times.keys()];
  }

  note(key: Uint8Array, version: number): void {
    this.#written.set(latin1(key), version);
  }

  /** Whether a commit after `version` wrote `key`; valid only while a snapshot at or before `version` is open. */
  writtenAfter(key: Uint8Array, version: number): boolean {
    return (this.#written.get(latin1(key)) ?? 0) > version;
  }
}
