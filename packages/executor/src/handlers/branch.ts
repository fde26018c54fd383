import { DEFAULT_BRANCH } from '@stratum/core';
import type { BranchInfo, Engine } from '@stratum/engine';
import type { HandlerMap } from '../handler.js';

type BranchCommandType =
  | 'BranchCreate' | 'BranchGet' | 'BranchList' | 'BranchExists' | 'BranchDelete'
  | 'BranchFork' | 'BranchDiff' | 'BranchMerge' | 'TimeRange';

/** BranchInfo as the protocol reports it. */
const infoOf = (b: BranchInfo) => ({
  id: b.name,
  status: 'active' as const,
  createdAt: b.createdAt,
  updatedAt: b.createdAt,
  parentId: b.parentName,
  forkVersion: b.forkVersion,
});

const versioned = (b: BranchInfo) => ({ info: infoOf(b), version: b.version, timestamp: b.timestamp });

function listed(engine: Engine, names: readonly string[]) {
  return names.map((name) => versioned(engine.branches.info(name) as BranchInfo));
}

/** A space filter names a valid space (every command that carries a space checks it). */
function checkedSpace(engine: Engine, branch: string, space: string | undefined): string | undefined {
  if (space !== undefined) engine.scope(branch, space);
  return space;
}

export const branchHandlers: HandlerMap<BranchCommandType> = {
  BranchCreate: async ({ engine, at }, c) => {
    const info = await engine.branches.create(c.branch, at);
    return { type: 'BranchWithVersion', info: infoOf(info), version: info.version };
  },
  BranchGet: async ({ engine }, c) => {
    const info = engine.branches.info(c.branch);
    return { type: 'MaybeBranchInfo', value: info === undefined ? null : versioned(info) };
  },
  BranchList: async ({ engine }, c) => {
    const names = await engine.branches.list();
    const from = Math.min(c.offset ?? 0, names.length);
    const page = c.limit === undefined ? names.slice(from) : names.slice(from, from + c.limit);
    return { type: 'BranchInfoList', value: listed(engine, page) };
  },
  BranchExists: async ({ engine }, c) => ({ type: 'Bool', value: engine.branches.exists(c.branch) }),
  BranchDelete: async ({ engine, at }, c) => {
    await engine.branches.delete(c.branch, at);
    return { type: 'Unit' };
  },
  BranchFork: async ({ engine, at }, c) => {
    const source = c.source ?? DEFAULT_BRANCH;
    const info = await engine.branches.fork(source, c.destination, at);
    return {
      type: 'BranchForked',
      source,
      destination: c.destination,
      forkVersion: info.forkVersion as number,
      spaces: await engine.spaces.list(c.destination),
    };
  },
  BranchDiff: async ({ engine }, c) => {
    const space = checkedSpace(engine, c.branchA, c.space);
    return { type: 'BranchDiff', ...(await engine.merger.diff(c.branchA, c.branchB, space)) };
  },
  BranchMerge: async ({ engine, at }, c) => ({
    type: 'BranchMerged',
    ...(await engine.merger.merge(c.source, c.target ?? DEFAULT_BRANCH, c.strategy, at)),
  }),
  TimeRange: async ({ engine }, c) => {
    const { oldest, latest } = await engine.timeRange(c.branch);
    return { type: 'TimeRange', oldestTs: oldest, latestTs: latest };
  },
};
