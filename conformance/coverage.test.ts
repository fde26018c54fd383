/**
 * Keeps the scripts in step with the command list: every command is exercised, and every command
 * that still answers NotImplemented has a step pinning that answer (so the step fails, and must be
 * replaced by real scripts, once the command is implemented).
 */
import { join } from 'node:path';
import { COMMAND_TYPES, NOT_IMPLEMENTED } from '@stratum/executor';
import { describe, expect, it } from 'vitest';
import { isPlainObject, type Json } from './lib/json.js';
import { loadScripts, requestsOf, type Expectation } from './lib/script.js';

interface Use {
  readonly where: string;
  readonly expect: Expectation;
}

const scripts = loadScripts(join(import.meta.dirname, 'scripts'));
const uses = new Map<string, Use[]>();
for (const script of scripts) {
  for (const step of script.steps) {
    if (step.kind !== 'request') continue;
    for (const { request, expect } of requestsOf(step)) {
      const type = isPlainObject(request) ? request['type'] : undefined;
      if (typeof type !== 'string') continue;
      const list = uses.get(type) ?? [];
      list.push({ where: `${script.name}:${step.line}`, expect });
      uses.set(type, list);
    }
  }
}

const pending = new Set<string>(NOT_IMPLEMENTED);
const implemented = COMMAND_TYPES.filter((t) => !pending.has(t));
const usesOf = (type: string): Use[] => uses.get(type) ?? [];
const errorOf = (u: Use) => ('error' in u.expect ? u.expect.error : undefined);
const feature = (details: { [key: string]: Json } | undefined) => details?.['feature'];

describe('script coverage', () => {
  it('finds the scripts, all well-formed', () => {
    expect(scripts.length).toBeGreaterThan(0);
    const malformed = scripts.flatMap((s) =>
      s.steps.flatMap((step) => (step.kind === 'invalid' ? [`${s.name}:${step.line}: ${step.problem}`] : [])),
    );
    expect(malformed).toEqual([]);
  });

  it('only names commands that exist', () => {
    const known = new Set<string>(COMMAND_TYPES);
    const unknown = [...uses.entries()]
      .filter(([type, list]) => !known.has(type) && list.some((u) => !('error' in u.expect && u.expect.error.code === 'InvalidCommand')))
      .map(([type, list]) => `${type} at ${list.map((u) => u.where).join(', ')}`);
    expect(unknown).toEqual([]);
  });

  it.each(COMMAND_TYPES)('%s appears in at least one script', (type) => {
    expect(usesOf(type).map((u) => u.where)).not.toEqual([]);
  });

  it.each(implemented)('%s (implemented) has a step answered with an output', (type) => {
    expect(usesOf(type).filter((u) => 'ok' in u.expect).map((u) => u.where)).not.toEqual([]);
  });

  it.each(implemented)('%s (implemented) has no step still expecting NotImplemented', (type) => {
    const stale = usesOf(type).filter((u) => errorOf(u)?.code === 'NotImplemented');
    expect(stale.map((u) => `${u.where}: replace this pending step with real scripts`)).toEqual([]);
  });

  it.each([...pending])('%s (pending) has a step expecting NotImplemented with details.feature naming it', (type) => {
    const pinned = usesOf(type).filter((u) => errorOf(u)?.code === 'NotImplemented' && feature(errorOf(u)?.details) === type);
    expect(pinned.map((u) => u.where)).not.toEqual([]);
  });

  it.each([...pending])('%s (pending) has a step showing it is still validated (InvalidCommand)', (type) => {
    const validated = usesOf(type).filter((u) => errorOf(u)?.code === 'InvalidCommand');
    expect(validated.map((u) => u.where)).not.toEqual([]);
  });
});
