import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterEach } from 'vitest';
import { CLI } from './run-cli.js';

const running = new Set<ServeProcess>();

// A test that fails half-way leaves no server behind.
afterEach(async () => {
  const all = [...running];
  running.clear();
  for (const p of all) p.kill();
  await Promise.all(all.map((p) => p.exited));
});

/**
 * A `stratum … serve` child process on real pipes: writes go to its stdin as given (bytes, pieces,
 * big payloads with backpressure), every stdout line is collected in order.
 */
export class ServeProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  readonly #child: ChildProcessWithoutNullStreams;
  #partial: string[] = [];
  #stderr = '';
  #read = 0;
  #onLine: (() => void) | undefined;

  private constructor(args: readonly string[]) {
    this.#child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stdout.setEncoding('utf8').on('data', (text: string) => this.#take(text));
    this.#child.stderr.setEncoding('utf8').on('data', (text: string) => (this.#stderr += text));
    this.exited = new Promise((resolve) => this.#child.on('close', (code) => {
      this.#onLine?.();
      resolve(code);
    }));
  }

  /** Starts `stratum <globalArgs> serve`. */
  static start(globalArgs: readonly string[], serveArgs: readonly string[] = []): ServeProcess {
    const p = new ServeProcess([...globalArgs, 'serve', ...serveArgs]);
    running.add(p);
    return p;
  }

  get stderr(): string {
    return this.#stderr;
  }

  #take(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.#partial.push(text.slice(start, nl));
      this.lines.push(this.#partial.join(''));
      this.#partial = [];
      start = nl + 1;
    }
    if (start < text.length) this.#partial.push(text.slice(start));
    this.#onLine?.();
  }

  /** Writes to stdin, waiting for the pipe to drain when it is full. */
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#child.stdin.write(data, (e) => (e ? reject(e) : undefined))) resolve();
      else this.#child.stdin.once('drain', resolve);
    });
  }

  /** Writes one request per line. */
  send(...requests: readonly unknown[]): Promise<void> {
    return this.write(requests.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  /** Resolves once `count` lines have arrived in all (fails after `timeoutMs`). */
  async waitForLines(count: number, timeoutMs = 20_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} lines, got ${this.lines.length}; stderr: ${this.#stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#onLine = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#onLine = undefined;
      if (this.#child.exitCode !== null && this.lines.length < count) {
        throw new Error(`the server exited after ${this.lines.length} of ${count} lines; stderr: ${this.#stderr}`);
      }
    }
    return this.lines.slice(0, count);
  }

  /** The next `count` responses not yet read, parsed. */
  async next(count = 1): Promise<any[]> {
    await this.waitForLines(this.#read + count);
    const out = this.lines.slice(this.#read, this.#read + count).map((l) => JSON.parse(l) as unknown);
    this.#read += count;
    return out;
  }

  /** Sends one request and answers its response (the server must have answered everything before). */
  async ask(request: unknown): Promise<any> {
    await this.send(request);
    return (await this.next(1))[0];
  }

  /** Closes stdin and waits for the exit code. */
  async close(): Promise<number | null> {
    this.#child.stdin.end();
    return this.exited;
  }

  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill();
  }
}
