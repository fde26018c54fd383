import type { CommandType } from '../commands/index.js';
import type { HandlerMap } from '../handler.js';
import { branchHandlers } from './branch.js';
import { bundleHandlers } from './bundle.js';
import { dbHandlers } from './db.js';
import { eventHandlers } from './event.js';
import { jsonHandlers } from './json.js';
import { kvHandlers } from './kv.js';
import { notImplementedHandlers } from './not-implemented.js';
import { retentionHandlers } from './retention.js';
import { spaceHandlers } from './space.js';
import { stateHandlers } from './state.js';
import { txnHandlers } from './txn.js';
import { vectorHandlers } from './vector.js';

/** Every command's handler; the type makes a forgotten command a compile error. */
export const handlers: HandlerMap<CommandType> = {
  ...kvHandlers,
  ...eventHandlers,
  ...jsonHandlers,
  ...spaceHandlers,
  ...stateHandlers,
  ...txnHandlers,
  ...vectorHandlers,
  ...dbHandlers,
  ...branchHandlers,
  ...bundleHandlers,
  ...retentionHandlers,
  ...notImplementedHandlers,
};
