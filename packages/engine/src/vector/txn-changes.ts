import type { Scope } from '../scope.js';
import type { Transaction } from '../transaction.js';
import { ExactIndex, type IndexHit } from './exact-index.js';
import type { MetadataPredicate } from './filter.js';
import type { IndexOp, IndexRegistry } from './index-registry.js';
import type { ConfigRecord } from './records.js';
import { compareKeys } from './top-k.js';

/** What one open transaction changed in one collection. */
export interface CollectionChanges {
  readonly scope: Scope;
  readonly name: string;
  /**
   * Created or deleted in the transaction: the snapshot's vectors no longer count, and after the
   * commit the collection's index is rebuilt from storage rather than patched.
   */
  reset: boolean;
  /** The transaction's last change of each key. */
  readonly ops: Map<string, IndexOp>;
  /** Whether each changed key was live at the snapshot, noted before its first change. */
  readonly atSnapshot: Map<string, boolean>;
  /**
   * Set by a deletion of a collection that existed at the snapshot: the committed index then, and
   * every key the transaction saw or changed. A vector committed by others since the snapshot is
   * not in the deletion's writes, so the commit fails rather than leave it behind.
   */
  guard?: { readonly index: ExactIndex; readonly seen: ReadonlySet<string> };
}

const SEP = '\u0000';
/** A collection within a transaction's branch: space and collection names hold no NUL. */
export const collectionId = (scope: Scope, name: string): string => `${scope.space}${SEP}${name}`;

/**
 * The vector changes of every open transaction, kept beside the transaction's buffered writes so
 * that its reads can overlay them on the snapshot and its commit can report them to the
 * in-memory indexes in the commit's synchronous step. A rollback drops them with the transaction.
 */
export class TxnChanges {
  readonly #registry: IndexRegistry;
  readonly #byTxn = new WeakMap<Transaction, Map<string, CollectionChanges>>();

  constructor(registry: IndexRegistry) {
    this.#registry = registry;
  }

  /** The transaction's changes to a collection, if it made any. */
  of(tx: Transaction, scope: Scope, name: string): CollectionChanges | undefined {
    return this.#byTxn.get(tx)?.get(collectionId(scope, name));
  }

  /** The changes to a collection, created (and the transaction's commit hook registered) on first use. */
  touch(tx: Transaction, scope: Scope, name: string): CollectionChanges {
    let all = this.#byTxn.get(tx);
    if (all === undefined) {
      const changes = new Map<string, CollectionChanges>();
      tx.onCommit({
        valid: () => [...changes.values()].every((c) => this.#guardHolds(c)),
        committed: () => {
          for (const c of changes.values()) {
            if (c.reset) this.#registry.drop(c.scope, c.name);
            else this.#registry.apply(c.scope, c.name, [...c.ops.values()]);
          }
        },
        failed: () => {
          for (const c of changes.values()) this.#registry.drop(c.scope, c.name);
        },
      });
      all = changes;
      this.#byTxn.set(tx, all);
    }
    const id = collectionId(scope, name);
    let c = all.get(id);
    if (c === undefined) {
      c = { scope, name, reset: false, ops: new Map(), atSnapshot: new Map() };
      all.set(id, c);
    }
    return c;
  }

  #guardHolds(c: CollectionChanges): boolean {
    const guard = c.guard;
    if (guard === undefined) return true;
    // A dropped or replaced index means the collection changed under the transaction.
    if (this.#registry.loaded(c.scope, c.name) !== guard.index) return false;
    return guard.index.keys().every((key) => guard.seen.has(key));
  }
}

/** Notes that `key` is about to change; `live` is whether the transaction sees it now (before its first change: the snapshot). */
export function noteChange(c: CollectionChanges, key: string, live: boolean, op: IndexOp): void {
  if (!c.atSnapshot.has(key) && !c.ops.has(key)) c.atSnapshot.set(key, live);
  c.ops.set(key, op);
}

/** The live vectors the transaction sees, given how many the snapshot held (ignored after a reset). */
export function countWith(c: CollectionChanges | undefined, atSnapshot: number): number {
  if (c === undefined) return atSnapshot;
  let n = c.reset ? 0 : atSnapshot;
  for (const [key, op] of c.ops) {
    const live = op.embedding !== undefined;
    const was = !c.reset && c.atSnapshot.get(key) === true;
    if (live && !was) n++;
    else if (!live && was) n--;
  }
  return n;
}

/**
 * The `k` best of the snapshot's hits and the transaction's own vectors, best first, ties by key.
 * `base` must have been searched for `k` plus the number of changed keys, so that dropping the
 * changed ones still leaves the `k` best unchanged ones.
 */
export function searchWith(
  c: CollectionChanges,
  base: readonly IndexHit[],
  config: ConfigRecord,
  query: Float32Array,
  k: number,
  predicate: MetadataPredicate | undefined,
): IndexHit[] {
  const own = new ExactIndex(config.dimension, config.metric, c.ops.size);
  for (const op of c.ops.values()) if (op.embedding !== undefined) own.put(op.key, op.embedding, op.metadata);
  const kept = c.reset ? [] : base.filter((h) => !c.ops.has(h.key));
  const all = [...kept.slice(0, k), ...own.search(query, k, predicate)];
  all.sort((x, y) => (x.score !== y.score ? y.score - x.score : compareKeys(x.key, y.key)));
  return all.slice(0, k);
}
