import type { Readable, Writable } from 'node:stream';
import type { CommandLogWriter } from '@stratum/durability';
import { errorResponse, type Session } from '@stratum/executor';
import { stringifyJson } from '@stratum/core';
import { LineReader } from './line-reader.js';
import { Pipeline, type Answer } from './pipeline.js';

export interface ServeOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly session: Session;
  readonly log?: CommandLogWriter | undefined;
  /** Request lines run (and logged) before input is read; their answers are not written out. */
  readonly preamble?: readonly string[];
}

/** Requests read ahead of the answers before input pauses, so a fast client cannot exhaust memory. */
const HIGH_WATER = 8192;

/**
 * Serves newline-delimited JSON requests: reads ahead, answers in request order, and writes the
 * answers gathered during one turn of the event loop in one write. Resolves when input ends and
 * every answer is written.
 */
export async function serve({ input, output, session, log, preamble = [] }: ServeOptions): Promise<void> {
  const pipeline = new Pipeline(session);
  for (const line of preamble) {
    const a = await pipeline.submit(line);
    log?.append(a.at, a.requestJson, a.responseJson);
  }
  const reader = new LineReader();
  // Answers in request order: each slot is filled when its answer is ready; the head drains.
  const slots: (Answer | undefined)[] = [];
  let head = 0;
  let outstanding = 0;
  let finished: (() => void) | undefined;
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
    outstanding--;
    pending.push(a.responseJson + '\n');
    log?.append(a.at, a.requestJson, a.responseJson);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
    if (outstanding < HIGH_WATER / 2 && paused) {
      paused = false;
      input.resume();
    }
  };

  const pump = () => {
    while (head < slots.length && slots[head] !== undefined) {
      deliver(slots[head] as Answer);
      slots[head++] = undefined;
    }
    if (head === slots.length) {
      slots.length = 0;
      head = 0;
      if (outstanding === 0) finished?.();
    }
  };

  const accept = (p: Promise<Answer>) => {
    const slot = slots.length;
    slots.push(undefined);
    outstanding++;
    const fill = (a: Answer) => {
      slots[slot] = a;
      pump();
    };
    // An answer that failed to form still takes its turn, as an Internal error.
    void p.then(fill, (e: unknown) => fill(failedAnswer(e)));
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
  if (outstanding > 0) await new Promise<void>((resolve) => (finished = resolve));
  // The connection is over: a transaction it left open is rolled back.
  session.close();
  flush();
  await new Promise<void>((resolve) => output.write('', () => resolve()));
}

function failedAnswer(e: unknown): Answer {
  const response = errorResponse(undefined, e);
  return { at: 0, requestJson: 'null', responseJson: stringifyJson(response), response };
}
