import { DEFAULT_BRANCH, DEFAULT_SPACE, TypeTag, isNonArrayObject, userKeyOf } from '@stratum/core';
import type { StorageProblem, StoredKey } from '@stratum/storage';
import { RECORD_PREFIX } from '../branches.js';
import { EventsCheck } from './events.js';
import { describeKey, isKnownTag, itemBytes, splitKey, type KeyParts } from './parts.js';
import { Problems, type CheckReport } from './report.js';
import { VectorsCheck } from './vectors.js';

/** What the check reads: every stored key with its versions, the meta entries, and what storage itself found wrong. */
export interface CheckSource {
  readonly meta: ReadonlyMap<string, unknown>;
  /** Filled while `keys` is walked. */
  readonly problems: readonly StorageProblem[];
  keys(prefix?: Uint8Array): AsyncIterable<StoredKey>;
}

interface BranchEntry {
  readonly name: string | null;
  readonly parent: string | null;
}

interface Clock {
  readonly version: number;
  readonly timestamp: number;
}

/** The namespace branch records live in (see branches.ts). */
const SYSTEM_ID = RECORD_PREFIX.toString('utf8', 0, RECORD_PREFIX.indexOf(0));
const DATA_TAGS = new Set<number>([TypeTag.Kv, TypeTag.Event, TypeTag.State, TypeTag.Json, TypeTag.Vector, TypeTag.VectorConfig]);

/** The per-(branch, space) checks, finished when the walk leaves the namespace. */
interface Namespace {
  readonly id: string;
  readonly fork: boolean;
  readonly events: EventsCheck;
  readonly vectors: VectorsCheck;
}

/**
 * Verifies a stored database without changing it: every record decodes; every latest record is
 * the newest version of its key (except a fork's copies of what it saw before its parent changed
 * the key); per key, versions and timestamps increase together; nothing exceeds the stored clock
 * lease; event type indexes agree with the events; vectors have their collection's dimension;
 * every space holding data is registered.
 */
export async function checkDatabase(source: CheckSource): Promise<CheckReport> {
  const problems = new Problems();
  const clock = readClock(source.meta.get('clock'), problems);
  const branches = await loadBranches(source, problems);
  const names = new Map<string, string>([[DEFAULT_BRANCH, DEFAULT_BRANCH], [SYSTEM_ID, SYSTEM_ID]]);
  for (const [id, b] of branches) names.set(id, b.name ?? `${id} (deleted, kept for its forks)`);

  const registered = new Map<string, Set<string>>();
  const withData = new Map<string, Map<string, string>>();
  const orphans = new Set<string>();
  const spaces = new Set<string>();
  let keys = 0;
  let versions = 0;
  let newestVersion = 0;
  let ns: Namespace | undefined;

  try {
    for await (const k of source.keys()) {
      keys++;
      versions += k.history.length;
      const parts = splitKey(k.key);
      if (parts === undefined) {
        problems.add('malformed-key', 'a key without branch, space and primitive parts', `0x${k.key.toString('hex')}`);
        continue;
      }
      const nsId = `${parts.branch}\u0000${parts.space}`;
      if (ns?.id !== nsId) {
        finish(ns);
        const fork = (branches.get(parts.branch)?.parent ?? null) !== null;
        ns = { id: nsId, fork, events: new EventsCheck(problems), vectors: new VectorsCheck(problems) };
        spaces.add(nsId);
      }
      if (parts.branch !== DEFAULT_BRANCH && parts.branch !== SYSTEM_ID && !branches.has(parts.branch)) orphans.add(parts.branch);
      const where = describeKey(parts, names);
      if (!isKnownTag(parts.tag)) problems.add('unknown-tag', `primitive tag 0x${parts.tag.toString(16)} is not one Stratum writes`, where);
      newestVersion = Math.max(newestVersion, checkVersions(k, ns.fork, clock, where, problems));
      const latest = k.latest;
      if (latest === undefined || latest.tombstone) continue;
      checkLive(parts, latest.value, where, ns);
      if (DATA_TAGS.has(parts.tag) && parts.space !== DEFAULT_SPACE) {
        let byBranch = withData.get(parts.branch);
        if (byBranch === undefined) withData.set(parts.branch, (byBranch = new Map()));
        if (!byBranch.has(parts.space)) byBranch.set(parts.space, where);
      }
      if (parts.tag === TypeTag.Space && parts.space === DEFAULT_SPACE) {
        let set = registered.get(parts.branch);
        if (set === undefined) registered.set(parts.branch, (set = new Set()));
        set.add(itemBytes(parts).toString('utf8'));
      }
    }
  } catch (e) {
    // Storage that cannot be read to the end (a damaged table) is the finding; the walk stops there.
    problems.add('unreadable', `the database cannot be read to the end: ${(e as Error).message}`);
  }
  finish(ns);

  // A fork's registry falls through to its parent's, so only root branches are held to this.
  for (const [id, spacesWithData] of withData) {
    if ((branches.get(id)?.parent ?? null) !== null) continue;
    for (const [space, where] of spacesWithData) {
      if (!registered.get(id)?.has(space)) problems.add('space-unregistered', `space '${space}' holds data but is not registered`, where);
    }
  }
  if (clock === undefined && newestVersion > 0) problems.add('clock-missing', 'records exist but the stored clock is missing');
  const reported = new Set<string>();
  for (const p of source.problems) {
    // The branch records are walked twice (alone first), so their damage is reported twice.
    const id = `${p.kind}|${p.key?.toString('hex') ?? ''}|${p.message}`;
    if (reported.has(id)) continue;
    reported.add(id);
    // Only these kinds carry a stored key; the others carry a raw LevelDB key (or a meta key).
    const stored = p.kind === 'undecodable-record' || p.kind === 'version-mismatch';
    const parts = p.key === undefined || !stored ? undefined : splitKey(p.key);
    problems.add(p.kind, p.message, parts !== undefined ? describeKey(parts, names) : p.key === undefined ? undefined : `0x${p.key.toString('hex')}`);
  }
  const notes = [...orphans].map((id) => `data of branch id '${id}' has no branch record (left by an interrupted branch delete; unreachable)`);
  return {
    ok: problems.count === 0,
    problems: problems.listed,
    problemCount: problems.count,
    notes,
    counts: { keys, versions, branches: 1 + [...branches.values()].filter((b) => b.name !== null).length, spaces: spaces.size },
    clock: clock ?? null,
  };

  function finish(done: Namespace | undefined): void {
    done?.events.finish();
    done?.vectors.finish(done.fork);
  }

  function checkLive(parts: KeyParts, value: unknown, where: string, n: Namespace): void {
    const item = itemBytes(parts);
    switch (parts.tag) {
      case TypeTag.Event: return n.events.event(item, value, where);
      case TypeTag.EventMeta: return n.events.log(value, where);
      case TypeTag.EventTypeIndex: return n.events.index(item, value, where);
      case TypeTag.Vector: return n.vectors.vector(item, value, where);
      case TypeTag.VectorConfig: return n.vectors.config(item, value, where);
      default: return undefined;
    }
  }
}

/**
 * The version checks of one key; returns the highest version seen (for the clock check). A key
 * with a record that did not decode was reported by storage already and is not judged further.
 */
function checkVersions(k: StoredKey, fork: boolean, clock: Clock | undefined, where: string, problems: Problems): number {
  const { history, latest } = k;
  const all = latest === undefined ? history : [...history, latest];
  let highest = 0;
  for (const r of all) highest = Math.max(highest, r.version);
  if (k.damaged) return highest;
  const beyond = clock === undefined ? undefined : all.find((r) => r.version > clock.version || r.timestamp > clock.timestamp);
  if (beyond !== undefined && clock !== undefined) {
    problems.add('beyond-clock', `version ${beyond.version} at ${beyond.timestamp} is past the stored clock (version ${clock.version}, ${clock.timestamp})`, where);
  }
  for (let i = 1; i < history.length; i++) {
    const [a, b] = [history[i - 1], history[i]] as const;
    if (a !== undefined && b !== undefined && (b.version <= a.version || b.timestamp <= a.timestamp)) {
      problems.add('history-order', `version ${b.version} (at ${b.timestamp}) follows version ${a.version} (at ${a.timestamp})`, where);
      break;
    }
  }
  const newest = history[history.length - 1];
  if (latest === undefined) {
    if (newest !== undefined && !newest.tombstone) problems.add('latest-missing', `version ${newest.version} is live but the key has no latest record`, where);
    return highest;
  }
  // A fork's copy of what it saw before its parent changed the key has no version of its own.
  if (!k.latestIsNewest && !(fork && history.length === 0)) {
    const against = newest === undefined ? 'the key has no versions' : `the newest version is ${newest.version}${newest.tombstone ? ' (a deletion)' : ''}`;
    problems.add('latest-mismatch', `the latest record (version ${latest.version}) is not the newest version: ${against}`, where);
  }
  if (latest.tombstone && !fork) problems.add('stray-tombstone', 'a deletion kept as the latest record outside a fork', where);
  return highest;
}

function readClock(value: unknown, problems: Problems): Clock | undefined {
  if (value === undefined) return undefined;
  if (isNonArrayObject(value) && Number.isSafeInteger(value['version']) && Number.isSafeInteger(value['timestamp'])) {
    return { version: value['version'] as number, timestamp: value['timestamp'] as number };
  }
  problems.add('malformed-record', 'the stored clock is not {version, timestamp}');
  return undefined;
}

async function loadBranches(source: CheckSource, problems: Problems): Promise<Map<string, BranchEntry>> {
  const out = new Map<string, BranchEntry>();
  for await (const k of source.keys(RECORD_PREFIX)) {
    const v = k.latest?.value;
    if (k.latest === undefined || k.latest.tombstone) continue;
    const id = userKeyOf(RECORD_PREFIX, k.key);
    if (!isNonArrayObject(v) || (typeof v['name'] !== 'string' && v['name'] !== null)) {
      problems.add('malformed-record', 'a branch record is not {name, parent}', `branch record ${JSON.stringify(id)}`);
      continue;
    }
    out.set(id, { name: v['name'] as string | null, parent: typeof v['parent'] === 'string' ? v['parent'] : null });
  }
  return out;
}
