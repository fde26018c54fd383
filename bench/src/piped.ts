import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';

export const CLI = fileURLToPath(new URL('../../packages/cli/bin/stratum.js', import.meta.url));
export const ECHO = fileURLToPath(new URL('./echo.js', import.meta.url));

const NEWLINE = 0x0a;
const FAILED = Buffer.from('"ok":false');

/** Joins request lines into pipe-sized chunks, so the writer spends its time writing rather than looping. */
export function chunks(lines: readonly string[], size = 64 * 1024): string[] {
  const out: string[] = [];
  let parts: string[] = [];
  let length = 0;
  for (const line of lines) {
    parts.push(line, '\n');
    length += line.length + 1;
    if (length >= size) {
      out.push(parts.join(''));
      parts = [];
      length = 0;
    }
  }
  if (parts.length > 0) out.push(parts.join(''));
  return out;
}

/**
 * A child process that answers newline-delimited requests on stdin with one line each on stdout.
 * Only complete responses are counted; their content is checked just for a failure marker.
 */
export class PipedChild {
  readonly #child: ChildProcessByStdio<Writable, Readable, null>;
  #received = 0;
  #failures = 0;
  #waiting: { until: number; resolve: () => void; reject: (e: Error) => void } | undefined;
  #exit: Promise<number | null>;

  constructor(args: readonly string[]) {
    this.#child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.#child.stdout.on('data', (buf: Buffer) => this.#read(buf));
    this.#exit = once(this.#child, 'exit').then(([code]) => {
      this.#waiting?.reject(new Error(`child exited with code ${String(code)} after ${this.#received} responses`));
      return code as number | null;
    });
  }

  /**
   * Writes `payload` (holding `n` requests) as fast as the pipe accepts it and resolves with the
   * seconds from the first write to the last response.
   */
  async exchange(payload: readonly string[], n: number): Promise<number> {
    const until = this.#received + n;
    const done = new Promise<void>((resolve, reject) => {
      this.#waiting = { until, resolve, reject };
    });
    // A child that dies mid-write must fail the run, not leave the writer waiting for 'drain'.
    done.catch(() => undefined);
    const start = process.hrtime.bigint();
    const { stdin } = this.#child;
    for (const chunk of payload) if (!stdin.write(chunk)) await Promise.race([once(stdin, 'drain'), done]);
    await done;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (this.#received !== until) throw new Error(`expected ${n} responses, got ${this.#received - until + n}`);
    if (this.#failures > 0) throw new Error(`${this.#failures} responses carried an error`);
    return seconds;
  }

  /** Ends stdin and waits for a clean exit. */
  async close(): Promise<void> {
    this.#child.stdin.end();
    const code = await this.#exit;
    if (code !== 0) throw new Error(`child exited with code ${String(code)}`);
  }

  #read(buf: Buffer): void {
    for (let i = buf.indexOf(NEWLINE); i !== -1; i = buf.indexOf(NEWLINE, i + 1)) this.#received++;
    if (buf.includes(FAILED)) this.#failures++;
    const w = this.#waiting;
    if (w !== undefined && this.#received >= w.until) {
      this.#waiting = undefined;
      w.resolve();
    }
  }
}
