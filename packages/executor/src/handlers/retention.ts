import type { RetentionCommandType } from '../commands/index.js';
import type { HandlerMap } from '../handler.js';

export const retentionHandlers: HandlerMap<RetentionCommandType> = {
  RetentionApply: async ({ engine, at }, c) => {
    await engine.retention.apply(c.branch, c.policy, at);
    return { type: 'Unit' };
  },
  RetentionStats: async ({ engine }, c) => ({ type: 'RetentionStats', ...(await engine.retention.stats(c.branch)) }),
  RetentionPreview: async ({ engine, at }, c) => ({ type: 'RetentionPreview', ...(await engine.retention.preview(c.branch, c.policy, at)) }),
};
