import { LIMITS } from '@stratum/core';

export type Line = { kind: 'line'; text: string } | { kind: 'oversized'; bytes: number };

/**
 * Splits a byte stream into lines. CRLF and LF both end a line; a line longer than the cap is
 * reported once as `oversized` and its bytes are dropped as they arrive, so memory stays bounded.
 */
export class LineReader {
  readonly #cap: number;
  #parts: Buffer[] = [];
  #size = 0;
  #skipping = false;

  constructor(cap: number = LIMITS.lineBytes) {
    this.#cap = cap;
  }

  /** Lines completed by `chunk`, in order. */
  push(chunk: Buffer): Line[] {
    const out: Line[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      this.#take(chunk.subarray(start, nl), out, true);
      start = nl + 1;
    }
    if (start < chunk.length) this.#take(chunk.subarray(start), out, false);
    return out;
  }

  /** The last line when the stream ends without a newline. */
  end(): Line[] {
    const out: Line[] = [];
    if (this.#size > 0 || this.#skipping) this.#finish(out);
    return out;
  }

  #take(piece: Buffer, out: Line[], ends: boolean): void {
    if (!this.#skipping) {
      if (this.#size + piece.length > this.#cap) {
        this.#skipping = true;
        this.#parts = [];
      } else if (piece.length > 0) {
        this.#parts.push(piece);
      }
    }
    this.#size += piece.length;
    if (ends) this.#finish(out);
  }

  #finish(out: Line[]): void {
    if (this.#skipping) {
      out.push({ kind: 'oversized', bytes: this.#size });
    } else {
      const buf = this.#parts.length === 1 ? (this.#parts[0] as Buffer) : Buffer.concat(this.#parts);
      let text = buf.toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      out.push({ kind: 'line', text });
    }
    this.#parts = [];
    this.#size = 0;
    this.#skipping = false;
  }
}
