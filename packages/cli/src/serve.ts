import type { Readable, Writable } from 'node:stream';
import type { CommandLogWriter } from '@stratum/durability';
import type { Session } from '@stratum/executor';
import { LineReader } from './line-reader.js';
import { Pipeline, type Answer } from './pipeline.js';

export interface ServeOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly session: Session;
  readonly log?: CommandLogWriter | undefined;
}

/** Requests read ahead of the answers before input pauses, so a fast client cannot exhaust memory. */
const HIGH_WATER = 8192;

/**
 * Serves newline-delimited JSON requests: reads ahead, answers in request order, and writes the
 * answers gathered during one turn of the event loop in one write. Resolves when input ends and
 * every answer is written.
 */
export async function serve({ input, output, session, log }: ServeOptions): Promise<void> {
  const pipeline = new Pipeline(session);
  const reader = new LineReader();
  let ordered: Promise<void> = Promise.resolve();
  let outstanding = 0;
  let pending: string[] = [];
  let scheduled = false;
  let paused = false;

  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    output.write(text);
  };

  const deliver = (a: Answer) => {
    pending.push(a.responseJson + '\n');
    log?.append(a.at, a.requestJson, a.responseJson);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
    if (--outstanding < HIGH_WATER / 2 && paused) {
      paused = false;
      input.resume();
    }
  };

  const accept = (p: Promise<Answer>) => {
    outstanding++;
    ordered = ordered.then(() => p).then(deliver);
  };

  input.on('data', (chunk: Buffer) => {
    for (const line of reader.push(chunk)) {
      if (line.kind === 'oversized') accept(pipeline.submit({ oversized: line.bytes }));
      else if (line.text.trim() !== '') accept(pipeline.submit(line.text));
    }
    if (outstanding > HIGH_WATER && !paused) {
      paused = true;
      input.pause();
    }
  });

  await new Promise<void>((resolve, reject) => {
    input.once('end', resolve);
    input.once('error', reject);
  });
  for (const line of reader.end()) {
    if (line.kind === 'oversized') accept(pipeline.submit({ oversized: line.bytes }));
    else if (line.text.trim() !== '') accept(pipeline.submit(line.text));
  }
  await ordered;
  flush();
  await new Promise<void>((resolve) => output.write('', () => resolve()));
}
