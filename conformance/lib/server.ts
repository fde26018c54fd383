import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The command-line entry point (it runs the built `dist`). */
export const CLI = fileURLToPath(new URL('../../packages/cli/bin/stratum.js', import.meta.url));

/** A `stratum serve` child process spoken to over its real stdin/stdout pipes, one request at a time. */
export class Server {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  #waiter: ((line: string | undefined) => void) | undefined;
  #partial = '';
  #stderr = '';
  readonly #exited: Promise<number | null>;
  #done = false;

  private constructor(args: readonly string[]) {
    this.#child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stdout.setEncoding('utf8');
    this.#child.stderr.setEncoding('utf8');
    this.#child.stdout.on('data', (text: string) => {
      const parts = (this.#partial + text).split('\n');
      this.#partial = parts.pop() ?? '';
      for (const line of parts) this.#push(line);
    });
    this.#child.stderr.on('data', (text: string) => {
      this.#stderr += text;
    });
    this.#exited = new Promise((resolve) => {
      this.#child.on('close', (code) => {
        this.#done = true;
        this.#waiter?.(undefined);
        resolve(code);
      });
    });
  }

  /** Starts `stratum --db <dir> serve`. */
  static start(dbDir: string): Server {
    return new Server(['--db', dbDir, 'serve']);
  }

  get stderr(): string {
    return this.#stderr;
  }

  #push(line: string): void {
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter(line);
    } else {
      this.#lines.push(line);
    }
  }

  /** Sends one line and resolves to the next response line. */
  async request(line: string, timeoutMs = 10_000): Promise<string> {
    if (this.#lines.length > 0) throw new Error(`unexpected output before the request: ${this.#lines.join('\n')}`);
    this.#child.stdin.write(`${line}\n`);
    const next = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.#waiter = (l) => {
        clearTimeout(timer);
        resolve(l);
      };
      if (this.#done) this.#waiter(undefined);
    });
    if (next === undefined) {
      throw new Error(this.#done ? `the server exited without answering; stderr: ${this.#stderr}` : `no response within ${timeoutMs} ms`);
    }
    return next;
  }

  /** Closes stdin and waits for the process to exit: its exit code and any output nobody asked for. */
  async close(): Promise<{ code: number | null; unread: string[] }> {
    this.#child.stdin.end();
    const code = await this.#exited;
    const unread = [...this.#lines.splice(0), ...(this.#partial === '' ? [] : [this.#partial])];
    return { code, unread };
  }

  /** Ends the process if it is still running (after a failure). */
  kill(): void {
    if (!this.#done) this.#child.kill();
  }
}
