/** A source of wall-clock readings in microseconds since the Unix epoch; injected so replay is exact. */
export type Clock = () => number;

const origin = Date.now() * 1000 - performance.now() * 1000;

/** The system clock with microsecond resolution. */
export const systemClock: Clock = () => Math.floor(origin + performance.now() * 1000);

/** A source of generated names (branch names, ids); injected so replay is exact. */
export type IdSource = () => string;
