import type { HandlerMap } from '../handler.js';
import { ENGINE_VERSION } from '../version.js';

export const dbHandlers = {
  Ping: async () => ({ type: 'Pong', version: ENGINE_VERSION }),
  Info: async ({ engine, at }) => {
    const branches = await engine.branches.list();
    return {
      type: 'DatabaseInfo',
      value: {
        version: ENGINE_VERSION,
        durability: engine.db.durability,
        uptimeSecs: engine.db.uptimeSecs(at),
        branchCount: branches.length,
        spaceCount: await engine.spaces.countAll(branches),
        totalKeys: await engine.totalKeys(),
      },
    };
  },
  Flush: async ({ engine }) => {
    await engine.db.flush();
    return { type: 'Unit' };
  },
  Compact: async ({ engine }) => {
    await engine.db.compact();
    return { type: 'Unit' };
  },
} satisfies HandlerMap<'Ping' | 'Info' | 'Flush' | 'Compact'>;
