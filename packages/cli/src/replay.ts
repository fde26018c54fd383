import { stringifyJson } from '@stratum/core';
import { readCommandLog } from '@stratum/durability';
import type { Session } from '@stratum/executor';
import { Pipeline, type Answer } from './pipeline.js';

export interface ReplayOptions {
  readonly session: Session;
  readonly verify: boolean;
  /** Called every `progressEvery` commands (for a terminal's progress line). */
  readonly onProgress?: (done: number) => void;
  readonly progressEvery?: number;
}

export type ReplayResult =
  | { readonly ok: true; readonly commands: number; readonly torn?: { line: number } }
  | {
      readonly ok: false;
      readonly commands: number;
      readonly mismatch: { line: number; seq: number; expected: string; actual: string };
      readonly torn?: { line: number };
    };

/** Requests in flight during a replay; bounded so a long log does not sit in memory. */
const WINDOW = 2048;

/**
 * Re-executes a command log. Recorded entries run with their recorded clock readings, so a
 * verified replay of an unchanged log reproduces every response byte for byte.
 */
export async function replay(path: string, options: ReplayOptions): Promise<ReplayResult> {
  const pipeline = new Pipeline(options.session);
  const inFlight: { answer: Promise<Answer>; line: number; seq: number; expected?: string }[] = [];
  let commands = 0;
  let torn: { line: number } | undefined;

  const settle = async (): Promise<ReplayResult | undefined> => {
    const head = inFlight.shift();
    if (head === undefined) return undefined;
    const a = await head.answer;
    commands++;
    if (options.onProgress && commands % (options.progressEvery ?? 10_000) === 0) options.onProgress(commands);
    if (options.verify && head.expected !== undefined && head.expected !== a.responseJson) {
      await pipeline.drain();
      return { ok: false, commands, mismatch: { line: head.line, seq: head.seq, expected: head.expected, actual: a.responseJson } };
    }
    return undefined;
  };

  for await (const item of readCommandLog(path)) {
    if (item.kind === 'torn') {
      torn = { line: item.line };
      break;
    }
    if (item.kind === 'entry') {
      const { request, response, ts, seq } = item.entry;
      const answer =
        typeof request === 'string'
          ? pipeline.submit(request, ts)
          : pipeline.submitParsed(request, stringifyJson(request), ts);
      inFlight.push({ answer, line: item.line, seq, expected: stringifyJson(response) });
    } else {
      const answer =
        typeof item.request === 'string'
          ? pipeline.submit(item.request)
          : pipeline.submitParsed(item.request, stringifyJson(item.request), options.session.clock());
      inFlight.push({ answer, line: item.line, seq: commands + inFlight.length });
    }
    if (inFlight.length >= WINDOW) {
      const failed = await settle();
      if (failed) return torn ? { ...failed, torn } : failed;
    }
  }
  while (inFlight.length > 0) {
    const failed = await settle();
    if (failed) return torn ? { ...failed, torn } : failed;
  }
  return torn ? { ok: true, commands, torn } : { ok: true, commands };
}

