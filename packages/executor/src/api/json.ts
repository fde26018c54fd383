import type { Value } from '@stratum/core';
import type { BatchItemResult, JsonListPage, VersionedValue } from '@stratum/engine';
import { Stratum } from '../stratum.js';

declare module '../stratum.js' {
  interface Stratum {
    /**
     * Sets `value` at `path` of document `key` in the current space ("$" for the whole document),
     * creating the document and missing objects on the way; resolves to the document's new counter.
     */
    jsonSet(key: string, path: string, value: Value): Promise<number>;
    /** The value at `path` (default "$") with the document's counter (as of `asOf`, µs, when given), or null. */
    jsonGet(key: string, path?: string, options?: { asOf?: number }): Promise<VersionedValue | null>;
    /** Removes the value at `path` (default "$": the whole document); resolves to 1, or 0 when nothing was there. */
    jsonDelete(key: string, path?: string): Promise<number>;
    /** Every version of the whole document, newest first, deletions marked; null if it never existed. */
    jsonGetv(key: string, options?: { asOf?: number }): Promise<VersionedValue[] | null>;
    /** Applies every valid entry, in order, in one commit; an entry that cannot be applied gets its own error. */
    jsonBatchSet(entries: readonly { key: string; path: string; value: Value }[]): Promise<BatchItemResult[]>;
    /** One page of document keys in byte order; pass the returned `cursor` back for the next page. */
    jsonList(options: { prefix?: string; cursor?: string; limit: number; asOf?: number }): Promise<JsonListPage>;
  }
}

Stratum.prototype.jsonSet = async function (key, path, value) {
  return (await this.execute({ type: 'JsonSet', key, path, value })).value as number;
};

Stratum.prototype.jsonGet = async function (key, path = '$', options = {}) {
  return (await this.execute({ type: 'JsonGet', key, path, ...options })).value as VersionedValue | null;
};

Stratum.prototype.jsonDelete = async function (key, path = '$') {
  return (await this.execute({ type: 'JsonDelete', key, path })).value;
};

Stratum.prototype.jsonGetv = async function (key, options = {}) {
  return (await this.execute({ type: 'JsonGetv', key, ...options })).value as VersionedValue[] | null;
};

Stratum.prototype.jsonBatchSet = async function (entries) {
  return (await this.execute({ type: 'JsonBatchSet', entries: [...entries] })).value as BatchItemResult[];
};

Stratum.prototype.jsonList = async function (options) {
  const { keys, cursor } = await this.execute({ type: 'JsonList', ...options });
  return { keys, cursor };
};
