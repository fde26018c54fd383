import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseJson } from '@stratum/core';

/** One recorded exchange of a command log (protocol §8). */
export interface LogEntry {
  readonly seq: number;
  /** The clock reading the command ran with (µs). */
  readonly ts: number;
  readonly request: unknown;
  readonly response: unknown;
}

/** A line of a command log: a plain request, or an entry recorded by `serve --log`. */
export type LogLine =
  | { readonly kind: 'request'; readonly line: number; readonly request: unknown }
  | { readonly kind: 'entry'; readonly line: number; readonly entry: LogEntry }
  | { readonly kind: 'torn'; readonly line: number; readonly text: string };

function isEntry(x: unknown): x is LogEntry {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const o = x as Record<string, unknown>;
  return typeof o['seq'] === 'number' && typeof o['ts'] === 'number' && 'request' in o && 'response' in o;
}

/**
 * Reads a command log line by line. A last line that does not parse (a write cut short by a
 * crash) is reported as `torn` instead of failing the whole log; a bad line elsewhere is a
 * plain request that replay answers with its ParseError, exactly as the server would.
 */
export async function* readCommandLog(path: string): AsyncGenerator<LogLine> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let pending: { text: string; line: number } | undefined;
  let n = 0;
  for await (const text of lines) {
    n++;
    if (pending !== undefined) yield classify(pending.text, pending.line, false);
    pending = text.trim() === '' ? undefined : { text, line: n };
  }
  if (pending !== undefined) yield classify(pending.text, pending.line, true);
}

function classify(text: string, line: number, last: boolean): LogLine {
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch (e) {
    if (last) return { kind: 'torn', line, text };
    return { kind: 'request', line, request: text };
  }
  return isEntry(parsed) ? { kind: 'entry', line, entry: parsed } : { kind: 'request', line, request: parsed };
}

/** Appends recorded entries to a log file, one JSON line each, buffered per event-loop turn. */
export class CommandLogWriter {
  /**
   * The log already ended in a line cut short (a crash during an earlier run). It is kept as it
   * is and closed with a newline, so the entries appended now stay whole lines of their own.
   */
  readonly tornTail: boolean;
  readonly #out: WriteStream;
  #buffer: string[] = [];
  #seq = 0;
  #scheduled = false;

  private constructor(out: WriteStream, tornTail: boolean) {
    this.#out = out;
    this.tornTail = tornTail;
  }

  static async open(path: string): Promise<CommandLogWriter> {
    const tornTail = await endsMidLine(path);
    const out = createWriteStream(path, { flags: 'a' });
    await once(out, 'open');
    if (tornTail) out.write('\n');
    return new CommandLogWriter(out, tornTail);
  }

  /** Records one exchange; `line` is the entry already serialised except for seq (kept in order here). */
  append(ts: number, requestJson: string, responseJson: string): void {
    this.#buffer.push(`{"seq":${this.#seq++},"ts":${ts},"request":${requestJson},"response":${responseJson}}\n`);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#drain());
    }
  }

  #drain(): void {
    this.#scheduled = false;
    if (this.#buffer.length === 0) return;
    this.#out.write(this.#buffer.join(''));
    this.#buffer = [];
  }

  async close(): Promise<void> {
    this.#drain();
    this.#out.end();
    await once(this.#out, 'close');
  }
}

/** Whether the file at `path` exists, is not empty, and does not end with a newline. */
async function endsMidLine(path: string): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const { size } = await file.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await file.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await file.close();
  }
}
