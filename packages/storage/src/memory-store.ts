import { err } from '@stratum/core';
import { HEADER_SIZE, applyMeta, decodeValue, encodeMeta, isDeletion, payloadOf } from './record-codec.js';
import type {
  AsOfScanOptions,
  HistoryEntry,
  MetaOp,
  ScanEntry,
  ScanOptions,
  Store,
  VersionInfo,
  VersionInfoEntry,
  VersionRef,
  VersionedRecord,
  WriteOp,
  WriteOptions,
} from './store.js';

/** One stored version; the payload is cbor so later changes to the caller's value cannot reach it. */
interface Version {
  readonly version: number;
  readonly timestamp: number;
  /** `undefined` marks a tombstone. */
  readonly payload: Buffer | undefined;
}

/**
 * The Store of `cache` mode: everything in memory, nothing on disk, same semantics as the
 * level store.
 *
 * Keys are held as latin1 strings (one char per byte), for which JS string order is byte order.
 * The sorted key list is maintained lazily: writes append new keys and mark it dirty, and the
 * next range read sorts it; a sorted run plus a short unsorted tail sorts in near-linear time.
 *
 * Versions of one key must be written in increasing version order (the engine's commit order).
 */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  /** History: every version of each key, oldest first. */
  readonly #versions = new Map<string, Version[]>();
  /** Latest records: the last version, or what a `latestOnly`/`keepTombstone` write set. */
  readonly #latest = new Map<string, Version>();
  readonly #keys: string[] = [];
  #sorted = true;
  readonly #meta = new Map<string, unknown>();
  #closed = false;

  get(key: Uint8Array): VersionedRecord | undefined {
    this.#assertOpen();
    const last = this.#latest.get(latin1(key));
    return last === undefined || last.payload === undefined ? undefined : toRecord(last);
  }

  peek(key: Uint8Array): VersionedRecord | undefined {
    this.#assertOpen();
    const last = this.#latest.get(latin1(key));
    return last === undefined ? undefined : toRecord(last);
  }

  async getAsOf(key: Uint8Array, ts: number): Promise<VersionedRecord | undefined> {
    this.#assertOpen();
    const found = asOf(this.#versions.get(latin1(key)), ts);
    return found === undefined ? undefined : toRecord(found);
  }

  async history(key: Uint8Array, limit?: number): Promise<VersionedRecord[]> {
    this.#assertOpen();
    const versions = this.#versions.get(latin1(key)) ?? [];
    const n = Math.max(0, Math.min(versions.length, limit ?? versions.length));
    const out: VersionedRecord[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = toRecord(versions[versions.length - 1 - i] as Version);
    return out;
  }

  async scan(prefix: Uint8Array, options: ScanOptions = {}): Promise<ScanEntry[]> {
    this.#assertOpen();
    const { after, limit = Infinity, tombstones = false } = options;
    const out: ScanEntry[] = [];
    if (limit <= 0) return out;
    const p = latin1(prefix);
    const cursor = after === undefined ? undefined : latin1(after);
    const start = cursor !== undefined && cursor >= p ? cursor : p;
    const keys = this.#sortedKeys();
    let i = lowerBound(keys, start);
    if (cursor !== undefined && keys[i] === cursor) i++;
    for (; i < keys.length && out.length < limit; i++) {
      const key = keys[i] as string;
      if (!key.startsWith(p)) break;
      const last = this.#latest.get(key);
      if (last !== undefined && (tombstones || last.payload !== undefined)) out.push([Buffer.from(key, 'latin1'), toRecord(last)]);
    }
    return out;
  }

  async scanAsOf(prefix: Uint8Array, ts: number, options: AsOfScanOptions = {}): Promise<ScanEntry[]> {
    this.#assertOpen();
    const out: ScanEntry[] = [];
    this.#eachKey(prefix, (key) => {
      const found = asOf(this.#versions.get(key), ts);
      if (found !== undefined && (options.tombstones === true || found.payload !== undefined)) {
        out.push([Buffer.from(key, 'latin1'), toRecord(found)]);
      }
    });
    return out;
  }

  async scanHistory(prefix: Uint8Array, options: ScanOptions = {}): Promise<HistoryEntry[]> {
    return this.#byKey(prefix, options, (versions) => versions.map(toRecord));
  }

  async scanVersions(prefix: Uint8Array, options: ScanOptions = {}): Promise<VersionInfoEntry[]> {
    return this.#byKey(prefix, options, (versions) => versions.map(toInfo));
  }

  /** Keys under `prefix` that have versions, each with `read(versions)`; at most `limit` after `after`. */
  #byKey<T>(prefix: Uint8Array, options: ScanOptions, read: (versions: readonly Version[]) => T): [Uint8Array, T][] {
    this.#assertOpen();
    const { after, limit = Infinity } = options;
    const out: [Uint8Array, T][] = [];
    if (limit <= 0) return out;
    const p = latin1(prefix);
    const cursor = after === undefined ? undefined : latin1(after);
    const keys = this.#sortedKeys();
    let i = lowerBound(keys, cursor !== undefined && cursor >= p ? cursor : p);
    if (cursor !== undefined && keys[i] === cursor) i++;
    for (; i < keys.length && out.length < limit; i++) {
      const key = keys[i] as string;
      if (!key.startsWith(p)) break;
      const versions = this.#versions.get(key);
      if (versions !== undefined && versions.length > 0) out.push([Buffer.from(key, 'latin1'), read(versions)]);
    }
    return out;
  }

  async dropVersions(versions: readonly VersionRef[], _options: { readonly sync: boolean }): Promise<void> {
    this.#assertOpen();
    const byKey = new Map<string, Set<number>>();
    for (const { key, version } of versions) {
      const k = latin1(key);
      let set = byKey.get(k);
      if (set === undefined) byKey.set(k, (set = new Set()));
      set.add(version);
    }
    for (const [key, drop] of byKey) {
      const kept = this.#versions.get(key)?.filter((v) => !drop.has(v.version));
      if (kept === undefined) continue;
      // The key stays listed even with no versions left: its latest record, if any, is untouched.
      if (kept.length > 0) this.#versions.set(key, kept);
      else this.#versions.delete(key);
    }
  }

  async count(prefix: Uint8Array): Promise<number> {
    this.#assertOpen();
    let n = 0;
    this.#eachKey(prefix, (key) => {
      if (this.#latest.get(key)?.payload !== undefined) n++;
    });
    return n;
  }

  async clear(prefix: Uint8Array): Promise<void> {
    this.#assertOpen();
    const p = latin1(prefix);
    const keys = this.#sortedKeys();
    const from = lowerBound(keys, p);
    let to = from;
    while (to < keys.length && (keys[to] as string).startsWith(p)) {
      this.#versions.delete(keys[to] as string);
      this.#latest.delete(keys[to] as string);
      to++;
    }
    keys.splice(from, to - from);
  }

  async write(ops: readonly WriteOp[], meta: readonly MetaOp[], options: WriteOptions): Promise<void> {
    this.#assertOpen();
    // Encode everything before touching state: a value that fails to encode leaves no trace.
    const payloads: Array<Buffer | undefined> = new Array(ops.length);
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as WriteOp;
      payloads[i] = isDeletion(op) ? undefined : payloadOf(op);
    }
    const entries = encodeMeta(meta);
    const keys = options.keys;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as WriteOp;
      const key = keys?.[i] ?? latin1(op.key);
      const version = { version: op.version, timestamp: op.timestamp, payload: payloads[i] };
      if (op.latestOnly !== true) this.#append(key, version);
      else if (!this.#versions.has(key) && !this.#latest.has(key)) this.#noteKey(key);
      if (version.payload === undefined && op.keepTombstone !== true) this.#latest.delete(key);
      else this.#latest.set(key, version);
    }
    applyMeta(this.#meta, entries);
  }

  /** The stored entry; callers must treat it as read-only. */
  getMeta(name: string): unknown {
    this.#assertOpen();
    return this.#meta.get(name);
  }

  async flush(): Promise<void> {
    this.#assertOpen();
  }

  /** Nothing to reclaim: memory holds no dead records beyond the history reads still answer. */
  async compact(): Promise<void> {
    this.#assertOpen();
  }

  async diskSize(): Promise<number> {
    this.#assertOpen();
    return 0;
  }

  /** Drops the contents; closing twice is a no-op. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#versions.clear();
    this.#latest.clear();
    this.#keys.length = 0;
    this.#meta.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw err.io('database is closed');
  }

  #append(key: string, version: Version): void {
    const versions = this.#versions.get(key);
    if (versions === undefined) {
      if (!this.#latest.has(key)) this.#noteKey(key);
      this.#versions.set(key, [version]);
      return;
    }
    // A key written twice with one version (one commit) keeps only the later write.
    if ((versions[versions.length - 1] as Version).version === version.version) versions[versions.length - 1] = version;
    else versions.push(version);
  }

  /** Adds a key seen for the first time to the key list (kept until `clear`, as its history is). */
  #noteKey(key: string): void {
    const keys = this.#keys;
    if (this.#sorted && keys.length > 0 && (keys[keys.length - 1] as string) > key) this.#sorted = false;
    keys.push(key);
  }

  #sortedKeys(): string[] {
    if (!this.#sorted) {
      // Default sort compares UTF-16 code units, which for latin1 strings is byte order.
      this.#keys.sort();
      this.#sorted = true;
    }
    return this.#keys;
  }

  #eachKey(prefix: Uint8Array, visit: (key: string) => void): void {
    const p = latin1(prefix);
    const keys = this.#sortedKeys();
    for (let i = lowerBound(keys, p); i < keys.length; i++) {
      const key = keys[i] as string;
      if (!key.startsWith(p)) break;
      visit(key);
    }
  }
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function toInfo(v: Version): VersionInfo {
  return { version: v.version, timestamp: v.timestamp, tombstone: v.payload === undefined, size: HEADER_SIZE + (v.payload?.length ?? 0) };
}

function toRecord(v: Version): VersionedRecord {
  return v.payload === undefined
    ? { version: v.version, timestamp: v.timestamp, tombstone: true, value: null }
    : { version: v.version, timestamp: v.timestamp, tombstone: false, value: decodeValue(v.payload) };
}

/** The newest version with `timestamp <= ts`. */
function asOf(versions: readonly Version[] | undefined, ts: number): Version | undefined {
  if (versions === undefined) return undefined;
  for (let i = versions.length - 1; i >= 0; i--) {
    const v = versions[i] as Version;
    if (v.timestamp <= ts) return v;
  }
  return undefined;
}

/** Index of the first key `>= target`. */
function lowerBound(keys: readonly string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
