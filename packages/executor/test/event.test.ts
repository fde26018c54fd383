import type { Value } from '@stratum/core';
import { describe, expect, it } from 'vitest';
import { Stratum, type Command } from '../src/index.js';
import { tempDir } from './helpers.js';

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

/** Everything a bad command could have changed. */
async function snapshot(db: Stratum) {
  const info = (await db.execute({ type: 'Info' })).value;
  const spaces = await db.listSpaces();
  const logs: Record<string, unknown> = {};
  for (const space of spaces) {
    logs[space] = await db.inSpace(space, async (s) => ({
      len: await s.eventLen(),
      click: await s.eventGetByType('click'),
      first: await s.eventGet(0),
    }));
  }
  return { totalKeys: info.totalKeys, spaceCount: info.spaceCount, spaces, logs };
}

describe('events (the spaces seed test list, event primitive)', () => {
  it('gives each space its own log, numbered from 0, invisible from the others', async () => {
    const db = await Stratum.cache();
    await db.setSpace('conversations');
    expect(await db.eventAppend('user_message', { content: "What's the weather?" })).toBe(0);
    expect(await db.eventAppend('assistant_message', { content: 'Let me check...' })).toBe(1);
    expect(await db.eventAppend('tool_call', { tool: 'weather_api', status: 'ok' })).toBe(2);
    await db.setSpace('tool-results');
    await db.kvPut('weather_api:run_1', { temp: 72, conditions: 'sunny' });
    expect(await db.eventLen()).toBe(0);
    expect(await db.eventGet(0)).toBeNull();
    expect(await db.eventGetByType('tool_call')).toEqual([]);
    expect(await db.eventAppend('tool_call', { tool: 'other' })).toBe(0);
    await db.setSpace('conversations');
    expect(await db.eventLen()).toBe(3);
    expect((await db.eventGet(0))?.value).toEqual({ content: "What's the weather?" });
    expect((await db.eventGetByType('tool_call')).map((e) => e.value)).toEqual([{ tool: 'weather_api', status: 'ok' }]);
    expect(await db.inSpace('tool-results', (s) => s.eventLen())).toBe(1);
    expect(await db.inSpace('default', (s) => s.eventLen())).toBe(0);
    expect((await db.inSpace('tool-results', (s) => s.eventGet(0)))?.value).toEqual({ tool: 'other' });
    await db.close();
  });

  it('keeps each handle appending to its own space', async () => {
    const db = await Stratum.cache();
    const a = db.newHandle();
    const b = db.newHandle();
    await a.setSpace('a');
    await b.setSpace('b');
    const seqs = await Promise.all([a.eventAppend('t', { from: 'a' }), b.eventAppend('t', { from: 'b' }), a.eventAppend('t', { from: 'a' })]);
    expect(seqs).toEqual([0, 0, 1]);
    expect((await a.eventGetByType('t')).map((e) => e.value)).toEqual([{ from: 'a' }, { from: 'a' }]);
    expect((await b.eventGetByType('t')).map((e) => e.value)).toEqual([{ from: 'b' }]);
    expect(await db.eventLen()).toBe(0);
    await db.close();
  });

  it('answers every command through the typed methods, with time travel', async () => {
    const db = await Stratum.cache();
    expect(await db.eventAppend('click', { x: 1 })).toBe(0);
    const batch = await db.eventBatchAppend([
      { eventType: 'view', payload: { page: '/' } },
      { eventType: 'click', payload: { x: 2 } },
      { eventType: '', payload: {} },
    ]);
    expect(batch).toEqual([{ version: 1 }, { version: 2 }, { error: { code: 'InvalidInput', message: 'event_type cannot be empty' } }]);
    expect(await db.eventAppend('click', { x: 3 })).toBe(3);
    const first = await db.eventGet(0);
    expect(first).toEqual({ value: { x: 1 }, version: 0, timestamp: expect.any(Number) });
    const second = await db.eventGet(2);
    expect(second?.timestamp).toBeGreaterThan(first!.timestamp);
    expect(await db.eventGet(4)).toBeNull();
    expect(await db.eventLen()).toBe(4);
    const clicks = await db.eventGetByType('click');
    expect(clicks.map((e) => [e.version, e.value])).toEqual([[0, { x: 1 }], [2, { x: 2 }], [3, { x: 3 }]]);
    expect((await db.eventGetByType('click', { afterSequence: 0, limit: 1 })).map((e) => e.version)).toEqual([2]);
    expect(await db.eventGetByType('click', { limit: 0 })).toEqual([]);
    expect((await db.eventGetByType('click', { asOf: second!.timestamp })).map((e) => e.version)).toEqual([0, 2]);
    expect(await db.eventGet(3, { asOf: second!.timestamp })).toBeNull();
    expect(await db.eventGet(2, { asOf: second!.timestamp })).toEqual(second);
    expect(await db.eventGet(0, { asOf: first!.timestamp - 1 })).toBeNull();
    await db.close();
  });

  it('counts events in SpaceInfo and Info, and keeps them across a restart', async () => {
    const dir = await tempDir();
    let db = await Stratum.open(dir);
    await db.inSpace('log', (s) => s.eventBatchAppend([{ eventType: 'a', payload: {} }, { eventType: 'b', payload: {} }]));
    await db.eventAppend('a', { n: 1 });
    await db.kvPut('k', 1);
    const counts = async () => ({
      log: (await db.execute({ type: 'SpaceInfo', space: 'log' })).counts,
      default: (await db.execute({ type: 'SpaceInfo', space: 'default' })).counts,
      total: (await db.execute({ type: 'Info' })).value.totalKeys,
    });
    const expected = {
      log: { kv: 0, json: 0, state: 0, events: 2, collections: 0, vectors: 0 },
      default: { kv: 1, json: 0, state: 0, events: 1, collections: 0, vectors: 0 },
      total: 4,
    };
    expect(await counts()).toEqual(expected);
    await db.close();
    db = await Stratum.open(dir);
    expect(await counts()).toEqual(expected);
    expect(await db.inSpace('log', (s) => s.eventAppend('c', {}))).toBe(2);
    expect(await db.inSpace('log', (s) => s.eventLen())).toBe(3);
    await db.close();
  });

  it('registers a space with its first event, in the same commit, and not for a refused one', async () => {
    const db = await Stratum.cache();
    expect(await code(db.inSpace('ghost', (s) => s.eventAppend('t', 1 as unknown as { [k: string]: Value })))).toBe('InvalidInput');
    expect(await db.inSpace('ghost', (s) => s.eventBatchAppend([{ eventType: '', payload: {} }]))).toHaveLength(1);
    expect(await db.inSpace('ghost', (s) => s.eventBatchAppend([]))).toEqual([]);
    expect(await db.spaceExists('ghost')).toBe(false);
    await db.execute({ type: 'EventAppend', space: 'fresh', eventType: 't', payload: { a: 1 } });
    const event = await db.inSpace('fresh', (s) => s.eventGet(0));
    const info = await db.execute({ type: 'SpaceInfo', space: 'fresh' });
    expect(info.createdAt).toBe(event?.timestamp);
    await db.close();
  });

  it('refuses appends on a read-only database', async () => {
    const dir = await tempDir();
    const writer = await Stratum.open(dir);
    await writer.eventAppend('t', { n: 0 });
    await writer.close();
    const db = await Stratum.open(dir, { readOnly: true });
    expect(await code(db.eventAppend('t', { n: 1 }))).toBe('AccessDenied');
    expect(await code(db.eventBatchAppend([{ eventType: 't', payload: {} }]))).toBe('AccessDenied');
    expect(await db.eventLen()).toBe(1);
    expect((await db.eventGetByType('t')).map((e) => e.value)).toEqual([{ n: 0 }]);
    await db.close();
  });

  const bad: [string, Record<string, unknown>, string, Record<string, unknown>?][] = [
    ['a number payload', { type: 'EventAppend', eventType: 'click', payload: 5 }, 'InvalidInput', { reason: 'payload must be a JSON object' }],
    ['an array payload', { type: 'EventAppend', eventType: 'click', payload: [] }, 'InvalidInput'],
    ['a null payload', { type: 'EventAppend', eventType: 'click', payload: null }, 'InvalidInput'],
    ['a NaN in the payload', { type: 'EventAppend', eventType: 'click', payload: { v: Number.NaN } }, 'InvalidInput', { path: '/payload/v' }],
    ['an empty type', { type: 'EventAppend', eventType: '', payload: {} }, 'InvalidInput', { reason: 'event_type cannot be empty' }],
    ['an over-long type', { type: 'EventAppend', eventType: 't'.repeat(257), payload: {} }, 'InvalidInput'],
    ['an oversized payload', { type: 'EventAppend', eventType: 'click', payload: { s: 'x'.repeat(16 * 1024 * 1024 + 1) } }, 'ConstraintViolation'],
    ['a missing payload', { type: 'EventAppend', eventType: 'click' }, 'InvalidCommand', { path: '/payload' }],
    ['a numeric type', { type: 'EventAppend', eventType: 1, payload: {} }, 'InvalidCommand', { path: '/eventType' }],
    ['an unknown field', { type: 'EventAppend', eventType: 'click', payload: {}, sequence: 1 }, 'InvalidCommand', { path: '/sequence' }],
    ['snake_case event_type', { type: 'EventAppend', event_type: 'click', payload: {} }, 'InvalidCommand'],
    ['a bad space', { type: 'EventAppend', space: 'Bad', eventType: 'click', payload: {} }, 'InvalidInput', { space: 'Bad' }],
    ['a missing branch', { type: 'EventAppend', branch: 'nope', eventType: 'click', payload: {} }, 'BranchNotFound', { branch: 'nope' }],
    ['entries not an array', { type: 'EventBatchAppend', entries: {} }, 'InvalidCommand', { path: '/entries' }],
    ['an unknown entry field', { type: 'EventBatchAppend', entries: [{ eventType: 'click', payload: {}, x: 1 }] }, 'InvalidCommand', { path: '/entries/0/x' }],
    ['a batch on a missing branch', { type: 'EventBatchAppend', branch: 'nope', entries: [] }, 'BranchNotFound'],
    ['a batch in a bad space', { type: 'EventBatchAppend', space: '_system_x', entries: [] }, 'InvalidInput'],
    ['a negative sequence', { type: 'EventGet', sequence: -1 }, 'InvalidCommand', { path: '/sequence' }],
    ['a fractional sequence', { type: 'EventGet', sequence: 1.5 }, 'InvalidCommand', { path: '/sequence' }],
    ['a string asOf', { type: 'EventGet', sequence: 0, asOf: '1' }, 'InvalidCommand', { path: '/asOf' }],
    ['a get on a missing branch', { type: 'EventGet', branch: 'nope', sequence: 0 }, 'BranchNotFound'],
    ['a get in a bad space', { type: 'EventGet', space: 'has space', sequence: 0 }, 'InvalidInput'],
    ['a negative limit', { type: 'EventGetByType', eventType: 'click', limit: -1 }, 'InvalidCommand', { path: '/limit' }],
    ['a string afterSequence', { type: 'EventGetByType', eventType: 'click', afterSequence: '0' }, 'InvalidCommand', { path: '/afterSequence' }],
    ['a missing eventType', { type: 'EventGetByType' }, 'InvalidCommand', { path: '/eventType' }],
    ['a by-type read on a missing branch', { type: 'EventGetByType', branch: 'nope', eventType: 'click' }, 'BranchNotFound'],
    ['a by-type read in a bad space', { type: 'EventGetByType', space: 'A', eventType: 'click' }, 'InvalidInput'],
    ['a field EventLen does not have', { type: 'EventLen', eventType: 'click' }, 'InvalidCommand', { path: '/eventType' }],
    ['a length on a missing branch', { type: 'EventLen', branch: 'nope' }, 'BranchNotFound'],
    ['a length in a bad space', { type: 'EventLen', space: '' }, 'InvalidInput'],
  ];

  it.each(bad)('refuses %s with a structured error and changes nothing', async (_what, command, expected, details) => {
    const db = await Stratum.cache();
    await db.eventAppend('click', { x: 1 });
    await db.inSpace('other', (s) => s.eventAppend('click', { x: 2 }));
    const before = await snapshot(db);
    const e = await db.execute(command as unknown as Command).then(() => undefined, (x: unknown) => x);
    expect(e).toMatchObject({ code: expected, ...(details ? { details } : {}) });
    expect(await snapshot(db)).toEqual(before);
    await db.close();
  });
});
