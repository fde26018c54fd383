import type { HandlerMap } from '../handler.js';

type SpaceCommandType = 'SpaceList' | 'SpaceCreate' | 'SpaceDelete' | 'SpaceExists' | 'SpaceInfo';

export const spaceHandlers = {
  SpaceList: async ({ engine }, c) => ({ type: 'SpaceList', value: await engine.spaces.list(c.branch) }),
  SpaceCreate: async ({ engine, at }, c) => {
    await engine.spaces.create(c.branch, c.space, at);
    return { type: 'Unit' };
  },
  SpaceDelete: async ({ engine, at }, c) => {
    await engine.spaces.delete(c.branch, c.space, c.force ?? false, at);
    return { type: 'Unit' };
  },
  SpaceExists: async ({ engine }, c) => {
    const scope = engine.scope(c.branch, c.space);
    return { type: 'Bool', value: engine.spaces.exists(scope.branch, scope.space) };
  },
  SpaceInfo: async ({ engine }, c) => ({ type: 'SpaceInfo', ...(await engine.spaces.info(c.branch, c.space)) }),
} satisfies HandlerMap<SpaceCommandType>;
