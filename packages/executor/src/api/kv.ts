import type { Value } from '@stratum/core';
import type { BatchItemResult, VersionedValue } from '@stratum/engine';
import { Stratum } from '../stratum.js';

declare module '../stratum.js' {
  interface Stratum {
    /** Writes `value` at `key` in the current space; resolves to the commit version. */
    kvPut(key: string, value: Value): Promise<number>;
    /** The value at `key` (as of `asOf`, µs, when given), or null. */
    kvGet(key: string, options?: { asOf?: number }): Promise<VersionedValue | null>;
    /** Deletes `key`; false when it did not exist. */
    kvDelete(key: string): Promise<boolean>;
    /** Live keys in byte order; `cursor` and `limit` page together. */
    kvList(options?: { prefix?: string; cursor?: string; limit?: number; asOf?: number }): Promise<string[]>;
    /** Writes every valid entry in one commit; invalid entries get their own error. */
    kvBatchPut(entries: readonly { key: string; value: Value }[]): Promise<BatchItemResult[]>;
    /** Every version of `key`, newest first, deletions marked; null if it never existed. */
    kvGetv(key: string, options?: { asOf?: number }): Promise<VersionedValue[] | null>;
  }
}

Stratum.prototype.kvPut = function (key, value) {
  return this.execute({ type: 'KvPut', key, value }).then((out) => out.value as number);
};

Stratum.prototype.kvGet = async function (key, options = {}) {
  return (await this.execute({ type: 'KvGet', key, ...options })).value as VersionedValue | null;
};

Stratum.prototype.kvDelete = async function (key) {
  return (await this.execute({ type: 'KvDelete', key })).value;
};

Stratum.prototype.kvList = async function (options = {}) {
  return (await this.execute({ type: 'KvList', ...options })).value;
};

Stratum.prototype.kvBatchPut = async function (entries) {
  return (await this.execute({ type: 'KvBatchPut', entries: [...entries] })).value as BatchItemResult[];
};

Stratum.prototype.kvGetv = async function (key, options = {}) {
  return (await this.execute({ type: 'KvGetv', key, ...options })).value as VersionedValue[] | null;
};
