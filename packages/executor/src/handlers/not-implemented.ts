import { err } from '@stratum/core';
import type { CommandType } from '../commands/index.js';
import type { Handler, HandlerMap } from '../handler.js';

/** Commands that parse and validate but whose capability has not landed yet; each answers NotImplemented naming itself. */
export const NOT_IMPLEMENTED = [
  'ConfigureModel', 'Search', 'EmbedStatus',
] as const satisfies readonly CommandType[];

type Pending = (typeof NOT_IMPLEMENTED)[number];

const refuse = (type: CommandType): Handler<Pending> => async () => {
  throw err.notImplemented(type);
};

export const notImplementedHandlers = Object.fromEntries(
  NOT_IMPLEMENTED.map((type) => [type, refuse(type)]),
) as unknown as HandlerMap<Pending>;
