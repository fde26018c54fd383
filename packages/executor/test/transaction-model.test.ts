import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Stratum, type Session } from '../src/index.js';

/*
 * Random interleavings of commands from a few sessions, checked against a reference model of
 * snapshot isolation with first-committer-wins: a transaction reads the committed state as of its
 * begin plus its own buffer; its commit fails with TransactionConflict iff it would write something
 * and some item it read or wrote was committed by someone else after its begin. Outside a
 * transaction every write commits at once.
 */

const SPACES = ['a', 'b'] as const;
const KEYS = ['k1', 'k2'] as const;
const CELL = 'cell';
const CELL_SPACE = 'a';

type Space = (typeof SPACES)[number];
type Op =
  | { op: 'begin' }
  | { op: 'commit' }
  | { op: 'rollback' }
  | { op: 'kvPut'; space: Space; key: string; value: number }
  | { op: 'kvGet'; space: Space; key: string }
  | { op: 'kvDelete'; space: Space; key: string }
  | { op: 'stateSet'; value: number }
  | { op: 'stateGet' }
  | { op: 'eventAppend'; space: Space; value: number }
  | { op: 'eventLen'; space: Space }
  | { op: 'vectorUpsert'; key: string; value: number }
  | { op: 'vectorGet'; key: string };

/** The one vector collection, in CELL_SPACE, created before every run. */
const COLLECTION = 'c';

/** Committed state: KV values by "space/key", the cell, event counts by space, vectors (their value and counter) by key. */
interface State {
  kv: Map<string, number>;
  cell: { value: number; counter: number } | undefined;
  events: Map<string, number>;
  vectors: Map<string, { value: number; counter: number }>;
}
const cloneState = (s: State): State => ({ kv: new Map(s.kv), cell: s.cell && { ...s.cell }, events: new Map(s.events), vectors: new Map(s.vectors) });

interface Txn {
  readonly snapshot: State;
  readonly snapshotAt: number;
  /** KV writes: a value, or null for a deletion. */
  readonly kv: Map<string, number | null>;
  /** Values set on the cell, in order. */
  readonly cellSets: number[];
  readonly appends: Map<string, number>;
  /** Values upserted per vector key, in order. */
  readonly vectors: Map<string, number[]>;
  /** Items read or written, as conflict keys. */
  readonly touched: Set<string>;
}

const kvItem = (space: string, key: string) => `kv/${space}/${key}`;
const eventItem = (space: string) => `ev/${space}`;
const cellItem = 'cell';
const vectorItem = (key: string) => `vec/${key}`;

/** What a command answers in the model, in the shape the test compares. */
type Outcome = { ok: true; value: unknown } | { ok: false; code: string };

class Model {
  committed: State = { kv: new Map(), cell: undefined, events: new Map(), vectors: new Map() };
  /** Commit counter and, per item, the commit that last wrote it. */
  commits = 0;
  readonly lastWrite = new Map<string, number>();
  readonly txns: (Txn | undefined)[];

  constructor(sessions: number) {
    this.txns = Array.from({ length: sessions }, () => undefined);
  }

  #commitItems(items: Iterable<string>): void {
    this.commits++;
    for (const i of items) this.lastWrite.set(i, this.commits);
  }

  run(session: number, cmd: Op): Outcome {
    const tx = this.txns[session];
    switch (cmd.op) {
      case 'begin':
        if (tx !== undefined) return { ok: false, code: 'TransactionAlreadyActive' };
        this.txns[session] = {
          snapshot: cloneState(this.committed),
          snapshotAt: this.commits,
          kv: new Map(),
          cellSets: [],
          appends: new Map(),
          vectors: new Map(),
          touched: new Set(),
        };
        return { ok: true, value: null };
      case 'rollback':
        if (tx === undefined) return { ok: false, code: 'TransactionNotActive' };
        this.txns[session] = undefined;
        return { ok: true, value: null };
      case 'commit':
        if (tx === undefined) return { ok: false, code: 'TransactionNotActive' };
        this.txns[session] = undefined;
        return this.#commit(tx);
      default:
        return { ok: true, value: tx === undefined ? this.#direct(cmd) : this.#inTxn(tx, cmd) };
    }
  }

  #commit(tx: Txn): Outcome {
    const appended = [...tx.appends.values()].some((n) => n > 0);
    // Nothing to write: nothing is validated nor committed.
    if (tx.kv.size === 0 && tx.cellSets.length === 0 && !appended && tx.vectors.size === 0) return { ok: true, value: null };
    for (const item of tx.touched) {
      if ((this.lastWrite.get(item) ?? 0) > tx.snapshotAt) return { ok: false, code: 'TransactionConflict' };
    }
    const written: string[] = [];
    for (const [k, v] of tx.kv) {
      written.push(`kv/${k}`);
      if (v === null) this.committed.kv.delete(k);
      else this.committed.kv.set(k, v);
    }
    const last = tx.cellSets.at(-1);
    if (last !== undefined) {
      written.push(cellItem);
      this.committed.cell = { value: last, counter: (this.committed.cell?.counter ?? 0) + tx.cellSets.length };
    }
    for (const [space, n] of tx.appends) {
      written.push(eventItem(space));
      this.committed.events.set(space, (this.committed.events.get(space) ?? 0) + n);
    }
    for (const [key, values] of tx.vectors) {
      written.push(vectorItem(key));
      const counter = (this.committed.vectors.get(key)?.counter ?? 0) + values.length;
      this.committed.vectors.set(key, { value: values.at(-1) as number, counter });
    }
    this.#commitItems(written);
    return { ok: true, value: null };
  }

  /** A command outside a transaction: reads see the committed state, writes commit at once. */
  #direct(cmd: Op): unknown {
    const s = this.committed;
    switch (cmd.op) {
      case 'kvGet':
        return s.kv.get(`${cmd.space}/${cmd.key}`) ?? null;
      case 'kvPut':
        s.kv.set(`${cmd.space}/${cmd.key}`, cmd.value);
        this.#commitItems([kvItem(cmd.space, cmd.key)]);
        return null;
      case 'kvDelete': {
        const had = s.kv.delete(`${cmd.space}/${cmd.key}`);
        if (had) this.#commitItems([kvItem(cmd.space, cmd.key)]);
        return had;
      }
      case 'stateGet':
        return s.cell === undefined ? null : { value: s.cell.value, version: s.cell.counter };
      case 'stateSet':
        s.cell = { value: cmd.value, counter: (s.cell?.counter ?? 0) + 1 };
        this.#commitItems([cellItem]);
        return s.cell.counter;
      case 'eventLen':
        return s.events.get(cmd.space) ?? 0;
      case 'eventAppend': {
        const seq = s.events.get(cmd.space) ?? 0;
        s.events.set(cmd.space, seq + 1);
        this.#commitItems([eventItem(cmd.space)]);
        return seq;
      }
      case 'vectorGet': {
        const v = s.vectors.get(cmd.key);
        return v === undefined ? null : { value: v.value, version: v.counter };
      }
      case 'vectorUpsert': {
        const counter = (s.vectors.get(cmd.key)?.counter ?? 0) + 1;
        s.vectors.set(cmd.key, { value: cmd.value, counter });
        this.#commitItems([vectorItem(cmd.key)]);
        return counter;
      }
      default:
        throw new Error(`not a data command: ${cmd.op}`);
    }
  }

  /** A command inside `tx`: the snapshot plus the transaction's own writes. */
  #inTxn(tx: Txn, cmd: Op): unknown {
    const s = tx.snapshot;
    switch (cmd.op) {
      case 'kvGet': {
        const k = `${cmd.space}/${cmd.key}`;
        tx.touched.add(kvItem(cmd.space, cmd.key));
        return tx.kv.has(k) ? tx.kv.get(k) : (s.kv.get(k) ?? null);
      }
      case 'kvPut':
        tx.touched.add(kvItem(cmd.space, cmd.key));
        tx.kv.set(`${cmd.space}/${cmd.key}`, cmd.value);
        return null;
      case 'kvDelete': {
        const k = `${cmd.space}/${cmd.key}`;
        tx.touched.add(kvItem(cmd.space, cmd.key));
        const visible = tx.kv.has(k) ? tx.kv.get(k) !== null : s.kv.has(k);
        if (!visible) return false;
        // Deleting a key the snapshot lacks only undoes the transaction's own write.
        if (s.kv.has(k)) tx.kv.set(k, null);
        else tx.kv.delete(k);
        return true;
      }
      case 'stateGet': {
        tx.touched.add(cellItem);
        const own = tx.cellSets.at(-1);
        if (own !== undefined) return { value: own, version: null };
        return s.cell === undefined ? null : { value: s.cell.value, version: s.cell.counter };
      }
      case 'stateSet':
        tx.touched.add(cellItem);
        tx.cellSets.push(cmd.value);
        return (s.cell?.counter ?? 0) + tx.cellSets.length;
      case 'eventLen':
        tx.touched.add(eventItem(cmd.space));
        return (s.events.get(cmd.space) ?? 0) + (tx.appends.get(cmd.space) ?? 0);
      case 'eventAppend': {
        tx.touched.add(eventItem(cmd.space));
        const own = tx.appends.get(cmd.space) ?? 0;
        tx.appends.set(cmd.space, own + 1);
        return (s.events.get(cmd.space) ?? 0) + own;
      }
      case 'vectorGet': {
        tx.touched.add(vectorItem(cmd.key));
        const own = tx.vectors.get(cmd.key)?.at(-1);
        if (own !== undefined) return { value: own, version: null };
        const v = s.vectors.get(cmd.key);
        return v === undefined ? null : { value: v.value, version: v.counter };
      }
      case 'vectorUpsert': {
        tx.touched.add(vectorItem(cmd.key));
        const own = tx.vectors.get(cmd.key) ?? [];
        tx.vectors.set(cmd.key, [...own, cmd.value]);
        return (s.vectors.get(cmd.key)?.counter ?? 0) + own.length + 1;
      }
      default:
        throw new Error(`not a data command: ${cmd.op}`);
    }
  }
}

/** Runs one command on the real database and reduces its output to what the model answers. */
async function execute(session: Session, cmd: Op): Promise<Outcome> {
  try {
    switch (cmd.op) {
      case 'begin':
        await session.execute({ type: 'TxnBegin' });
        return { ok: true, value: null };
      case 'commit':
        await session.execute({ type: 'TxnCommit' });
        return { ok: true, value: null };
      case 'rollback':
        await session.execute({ type: 'TxnRollback' });
        return { ok: true, value: null };
      case 'kvPut':
        await session.execute({ type: 'KvPut', space: cmd.space, key: cmd.key, value: cmd.value });
        return { ok: true, value: null };
      case 'kvGet':
        return { ok: true, value: (await session.execute({ type: 'KvGet', space: cmd.space, key: cmd.key })).value?.value ?? null };
      case 'kvDelete':
        return { ok: true, value: (await session.execute({ type: 'KvDelete', space: cmd.space, key: cmd.key })).value };
      case 'stateSet':
        return { ok: true, value: (await session.execute({ type: 'StateSet', space: CELL_SPACE, cell: CELL, value: cmd.value })).value };
      case 'stateGet': {
        const got = (await session.execute({ type: 'StateGet', space: CELL_SPACE, cell: CELL })).value;
        return { ok: true, value: got === null ? null : { value: got.value, version: got.version } };
      }
      case 'eventAppend':
        return {
          ok: true,
          value: (await session.execute({ type: 'EventAppend', space: cmd.space, eventType: 'e', payload: { n: cmd.value } })).value,
        };
      case 'eventLen':
        return { ok: true, value: (await session.execute({ type: 'EventLen', space: cmd.space })).value };
      case 'vectorUpsert': {
        const vector = [cmd.value];
        const upsert = await session.execute({ type: 'VectorUpsert', space: CELL_SPACE, collection: COLLECTION, key: cmd.key, vector, metadata: { n: cmd.value } });
        return { ok: true, value: upsert.value };
      }
      case 'vectorGet': {
        const got = (await session.execute({ type: 'VectorGet', space: CELL_SPACE, collection: COLLECTION, key: cmd.key })).value;
        return { ok: true, value: got === null ? null : { value: (got.metadata as { n: number }).n, version: got.version } };
      }
    }
  } catch (e) {
    return { ok: false, code: (e as { code?: string }).code ?? String(e) };
  }
}

const space = fc.constantFrom(...SPACES);
const key = fc.constantFrom(...KEYS);
const value = fc.integer({ min: 0, max: 999 });
// Transaction control is weighted up so that sessions overlap often.
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ op: 'begin' as const }) },
  { weight: 3, arbitrary: fc.constant({ op: 'commit' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'rollback' as const }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('kvPut' as const), space, key, value }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('kvGet' as const), space, key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('kvDelete' as const), space, key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('stateSet' as const), value }) },
  { weight: 1, arbitrary: fc.constant({ op: 'stateGet' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('eventAppend' as const), space, value }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('eventLen' as const), space }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('vectorUpsert' as const), key, value }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('vectorGet' as const), key }) },
);
const scenario = fc
  .integer({ min: 2, max: 3 })
  .chain((sessions) =>
    fc.record({
      sessions: fc.constant(sessions),
      steps: fc.array(fc.record({ session: fc.integer({ min: 0, max: sessions - 1 }), cmd: op }), { minLength: 1, maxLength: 60 }),
    }),
  );

/** The committed state as a fresh session reads it, in the model's terms. */
async function committedState(db: Stratum): Promise<unknown> {
  const reader = db.session();
  const kv: Record<string, unknown> = {};
  for (const s of SPACES) for (const k of KEYS) kv[`${s}/${k}`] = (await execute(reader, { op: 'kvGet', space: s, key: k }) as { value: unknown }).value;
  const events = await Promise.all(SPACES.map(async (s) => (await execute(reader, { op: 'eventLen', space: s }) as { value: unknown }).value));
  const cell = (await execute(reader, { op: 'stateGet' }) as { value: unknown }).value;
  const vectors = await Promise.all(KEYS.map(async (key) => (await execute(reader, { op: 'vectorGet', key }) as { value: unknown }).value));
  return { kv, events, cell, vectors };
}

function modelState(m: Model): unknown {
  const kv: Record<string, unknown> = {};
  for (const s of SPACES) for (const k of KEYS) kv[`${s}/${k}`] = m.committed.kv.get(`${s}/${k}`) ?? null;
  const events = SPACES.map((s) => m.committed.events.get(s) ?? 0);
  const c = m.committed.cell;
  const vectors = KEYS.map((key) => {
    const v = m.committed.vectors.get(key);
    return v === undefined ? null : { value: v.value, version: v.counter };
  });
  return { kv, events, cell: c === undefined ? null : { value: c.value, version: c.counter }, vectors };
}

describe('transactions against a model of snapshot isolation with first-committer-wins', () => {
  it('every read and every commit outcome agrees with the model', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ sessions: n, steps }) => {
        const db = await Stratum.cache();
        try {
          await db.execute({ type: 'VectorCreateCollection', space: CELL_SPACE, collection: COLLECTION, dimension: 1, metric: 'dot_product' });
          const sessions = Array.from({ length: n }, () => db.session());
          const model = new Model(n);
          for (const [i, step] of steps.entries()) {
            const expected = model.run(step.session, step.cmd);
            const actual = await execute(sessions[step.session] as Session, step.cmd);
            expect({ step: i, ...actual }).toEqual({ step: i, ...expected });
          }
          for (const s of sessions) s.close();
          expect(await committedState(db)).toEqual(modelState(model));
        } finally {
          await db.close();
        }
      }),
      { numRuns: Number(process.env.MODEL_RUNS ?? 300) },
    );
  }, 60_000);
});
