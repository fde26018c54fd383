import type { OutputFor } from '../command-meta.js';
import { Stratum } from '../stratum.js';

/** Which versions a retention run keeps besides each item's newest: the `n` newest, or those younger than `µs`. */
export type RetentionPolicyInput = { keepLast: number } | { keepFor: number };

/** `RetentionStats` without its `type`: items, versions and stored bytes, in total and per primitive. */
export type RetentionStatsValue = Omit<OutputFor<'RetentionStats'>, 'type'>;
/** `RetentionPreview` without its `type`: versions and bytes a run would drop, in total and per primitive. */
export type RetentionPreviewValue = Omit<OutputFor<'RetentionPreview'>, 'type'>;

declare module '../stratum.js' {
  interface Stratum {
    /** Drops old versions of the current branch's items (only the newest of each without a policy). */
    retentionApply(policy?: RetentionPolicyInput): Promise<void>;
    /** Items, versions and stored bytes of the current branch's own items. */
    retentionStats(): Promise<RetentionStatsValue>;
    /** What `retentionApply` with the same policy would drop now. */
    retentionPreview(policy?: RetentionPolicyInput): Promise<RetentionPreviewValue>;
  }
}

Stratum.prototype.retentionApply = async function (policy) {
  await this.execute({ type: 'RetentionApply', ...(policy !== undefined ? { policy } : {}) });
};

Stratum.prototype.retentionStats = async function () {
  const { type: _type, ...figures } = await this.execute({ type: 'RetentionStats' });
  return figures;
};

Stratum.prototype.retentionPreview = async function (policy) {
  const { type: _type, ...figures } = await this.execute({ type: 'RetentionPreview', ...(policy !== undefined ? { policy } : {}) });
  return figures;
};
