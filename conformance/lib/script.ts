import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { exact, isPlainObject, parseExact, parseRaw, writeJson, type Json } from './json.js';

/** What one request must be answered with: an output, an error (details as a subset), or one of these per batch item. */
export type Expectation =
  | { readonly ok: Json }
  | { readonly error: { readonly code: string; readonly details?: { [key: string]: Json } } };

export type Step =
  | {
      readonly kind: 'request';
      readonly line: number;
      /** The request as written: a raw line (string), or a JSON tree whose numbers are kept verbatim. */
      readonly cmd: { readonly raw: string } | { readonly tree: Json };
      readonly expect: Expectation | { readonly batch: readonly Expectation[] };
    }
  | { readonly kind: 'restart'; readonly line: number }
  | { readonly kind: 'invalid'; readonly line: number; readonly problem: string };

export interface Script {
  /** Path relative to the scripts directory, e.g. `kv/basic.jsonl`. */
  readonly name: string;
  readonly steps: readonly Step[];
}

/** Every `*.jsonl` file below `root`, sorted, read into steps. */
export function loadScripts(root: string): Script[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.jsonl')) files.push(p);
    }
  };
  walk(root);
  return files.sort().map((file) => ({ name: relative(root, file), steps: readSteps(readFileSync(file, 'utf8')) }));
}

/** The steps of a script's text; comment lines and blank lines give none, a bad line gives an `invalid` step. */
export function readSteps(text: string): Step[] {
  const steps: Step[] = [];
  text.split('\n').forEach((source, index) => {
    const line = index + 1;
    if (source.trim() === '') return;
    try {
      const step = readStep(source, line);
      if (step !== undefined) steps.push(step);
    } catch (e) {
      steps.push({ kind: 'invalid', line, problem: (e as Error).message });
    }
  });
  return steps;
}

function readStep(source: string, line: number): Step | undefined {
  const tree = parseRaw(source);
  if (!isPlainObject(tree)) throw new Error('a step must be a JSON object');
  const keys = Object.keys(tree).sort().join(',');
  if (keys === 'comment') {
    if (typeof tree['comment'] !== 'string') throw new Error('"comment" must be a string');
    return undefined;
  }
  if (keys === 'restart') {
    if (tree['restart'] !== true) throw new Error('"restart" must be true');
    return { kind: 'restart', line };
  }
  if (keys !== 'cmd,expect') throw new Error(`unknown step shape with fields ${keys || '(none)'}: expected cmd+expect, restart or comment`);
  const cmd = tree['cmd'] as Json;
  let request: { raw: string } | { tree: Json };
  if (typeof cmd === 'string') {
    if (/[\r\n]/.test(cmd)) throw new Error('a raw cmd line must not contain a line break');
    request = { raw: cmd };
  } else if (isPlainObject(cmd) || Array.isArray(cmd)) {
    request = { tree: cmd };
  } else {
    throw new Error('"cmd" must be a request object, an array of requests or a raw line (string)');
  }
  const expectTree = exact(tree['expect'] as Json);
  if (isPlainObject(expectTree) && Object.keys(expectTree).join() === 'batch') {
    const items = expectTree['batch'];
    if (!Array.isArray(items)) throw new Error('"expect.batch" must be an array');
    if (!Array.isArray(cmd) || cmd.length !== items.length) throw new Error('"expect.batch" needs an array cmd with as many requests');
    return { kind: 'request', line, cmd: request, expect: { batch: items.map((x, i) => expectation(x, `expect.batch[${i}]`)) } };
  }
  if (Array.isArray(cmd)) throw new Error('an array cmd needs "expect": {"batch": [...]}');
  return { kind: 'request', line, cmd: request, expect: expectation(expectTree, 'expect') };
}

function expectation(x: Json, where: string): Expectation {
  if (!isPlainObject(x)) throw new Error(`"${where}" must be an object`);
  const keys = Object.keys(x).join(',');
  if (keys === 'ok') return { ok: x['ok'] as Json };
  if (keys !== 'error') throw new Error(`"${where}" must have exactly one field, "ok" or "error" (found ${keys || 'none'})`);
  const e = x['error'];
  if (!isPlainObject(e)) throw new Error(`"${where}.error" must be an object`);
  for (const k of Object.keys(e)) if (k !== 'code' && k !== 'details') throw new Error(`unknown field "${where}.error.${k}"`);
  const code = e['code'];
  if (typeof code !== 'string') throw new Error(`"${where}.error.code" must be a string`);
  const details = e['details'];
  if (details === undefined) return { error: { code } };
  if (!isPlainObject(details)) throw new Error(`"${where}.error.details" must be an object`);
  return { error: { code, details } };
}

/** The request objects a step sends (a raw line is read when it is JSON), for coverage checks. */
export function requestsOf(step: Step & { kind: 'request' }): { request: Json; expect: Expectation }[] {
  const tree = 'tree' in step.cmd ? exact(step.cmd.tree) : tryParse(step.cmd.raw);
  if ('batch' in step.expect) {
    const items = Array.isArray(tree) ? tree : [];
    return step.expect.batch.map((expect, i) => ({ request: items[i] ?? null, expect }));
  }
  return [{ request: tree, expect: step.expect }];
}

function tryParse(text: string): Json {
  try {
    return parseExact(text);
  } catch {
    return null;
  }
}

/** A short label of a step's request for test names. */
export function label(step: Step & { kind: 'request' }): string {
  const text = 'raw' in step.cmd ? `raw ${JSON.stringify(step.cmd.raw)}` : writeJson(step.cmd.tree);
  return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}
