import type { OutputFor } from '../command-meta.js';
import { Stratum } from '../stratum.js';

/** What `info` resolves to: engine version, durability mode, uptime and the database's counts. */
export type DatabaseInfo = OutputFor<'Info'>['value'];

declare module '../stratum.js' {
  interface Stratum {
    /** Checks that the database answers; resolves to the engine version. */
    ping(): Promise<string>;
    /** Engine version, durability mode, uptime, and counts of branches, spaces and live items. */
    info(): Promise<DatabaseInfo>;
    /** Makes every acknowledged write durable, whatever the durability mode (nothing to do in memory). */
    flush(): Promise<void>;
    /** Compacts the store, reclaiming the space of overwritten and deleted records; reads answer the same. */
    compact(): Promise<void>;
    /** Bytes the database occupies on disk (0 in memory). Not a command: no log records it. */
    diskSize(): Promise<number>;
  }
}

Stratum.prototype.ping = async function () {
  return (await this.execute({ type: 'Ping' })).version;
};

Stratum.prototype.info = async function () {
  return (await this.execute({ type: 'Info' })).value;
};

Stratum.prototype.flush = async function () {
  await this.execute({ type: 'Flush' });
};

Stratum.prototype.compact = async function () {
  await this.execute({ type: 'Compact' });
};

Stratum.prototype.diskSize = function () {
  return this.engine.db.store.diskSize();
};
