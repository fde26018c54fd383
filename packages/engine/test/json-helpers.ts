import { namespacePrefix, type Value } from '@stratum/core';
import { openStore, type MetaOp, type Store, type WriteOp } from '@stratum/storage';
import { Engine, type Scope } from '../src/index.js';

/** A memory engine whose clock the test drives: each `tick()` is 10 µs later than the last. */
export async function open(store?: Store): Promise<{ engine: Engine; scope: Scope; tick: () => number }> {
  const engine = await Engine.open({ store: store ?? (await openStore({ memory: true })), durability: 'cache' });
  let now = 1_000;
  return { engine, scope: engine.scope('default', 'default'), tick: () => (now += 10) };
}

/** Every live record of the default branch plus the commit version: equal snapshots mean nothing changed. */
export async function snapshot(engine: Engine): Promise<unknown> {
  await engine.db.settled();
  const records = await engine.db.store.scan(namespacePrefix('default'));
  return { version: engine.db.version, records: records.map(([k, r]) => [Buffer.from(k).toString('hex'), r]) };
}

/** The error code a promise rejects with, or 'ok'. */
export const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);
/** The error details a promise rejects with (undefined when it resolves). */
export const details = (p: Promise<unknown>) => p.then(() => undefined, (e: { details?: unknown }) => e.details);

/** `depth` arrays around a 1 (a scalar is depth 0). */
export const nested = (depth: number): Value => {
  let v: Value = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

/** Counts the storage batches a store receives. */
export function counting(store: Store): { store: Store; batches: number[] } {
  const batches: number[] = [];
  const write = store.write.bind(store);
  store.write = (ops: readonly WriteOp[], meta: readonly MetaOp[], o: { sync: boolean }) => {
    batches.push(ops.length);
    return write(ops, meta, o);
  };
  return { store, batches };
}
