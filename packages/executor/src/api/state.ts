import type { Value } from '@stratum/core';
import type { BatchItemResult, VersionedValue } from '@stratum/engine';
import { Stratum } from '../stratum.js';

declare module '../stratum.js' {
  interface Stratum {
    /** Sets state cell `cell` in the current space; resolves to its new counter (1 for a new cell). */
    stateSet(cell: string, value: Value): Promise<number>;
    /** The cell's value with its counter as `version` (as of `asOf`, µs, when given), or null. */
    stateGet(cell: string, options?: { asOf?: number }): Promise<VersionedValue | null>;
    /**
     * Writes `value` only if the cell's counter is `expectedCounter` (null: only if the cell does
     * not exist). Resolves to the new counter, or null when the condition did not hold.
     */
    stateCas(cell: string, expectedCounter: number | null, value: Value): Promise<number | null>;
    /** Creates the cell with `value` if it is absent; resolves to its counter (unchanged if it existed). */
    stateInit(cell: string, value: Value): Promise<number>;
    /** Deletes the cell; false when it did not exist. */
    stateDelete(cell: string): Promise<boolean>;
    /** Names of live cells in byte order, optionally under `prefix` and as of `asOf`. */
    stateList(options?: { prefix?: string; asOf?: number }): Promise<string[]>;
    /** Every version of the cell, newest first, deletions marked; null if it never existed. */
    stateGetv(cell: string, options?: { asOf?: number }): Promise<VersionedValue[] | null>;
    /** Sets every valid entry in one commit; a cell named twice advances twice. */
    stateBatchSet(entries: readonly { cell: string; value: Value }[]): Promise<BatchItemResult[]>;
  }
}

Stratum.prototype.stateSet = async function (cell, value) {
  return (await this.execute({ type: 'StateSet', cell, value })).value as number;
};

Stratum.prototype.stateGet = async function (cell, options = {}) {
  return (await this.execute({ type: 'StateGet', cell, ...options })).value as VersionedValue | null;
};

Stratum.prototype.stateCas = async function (cell, expectedCounter, value) {
  // Callers from plain JavaScript may leave it out: absent means the same as null.
  const expected = expectedCounter === null || expectedCounter === undefined ? {} : { expectedCounter };
  return (await this.execute({ type: 'StateCas', cell, ...expected, value })).value;
};

Stratum.prototype.stateInit = async function (cell, value) {
  return (await this.execute({ type: 'StateInit', cell, value })).value as number;
};

Stratum.prototype.stateDelete = async function (cell) {
  return (await this.execute({ type: 'StateDelete', cell })).value;
};

Stratum.prototype.stateList = async function (options = {}) {
  return (await this.execute({ type: 'StateList', ...options })).value;
};

Stratum.prototype.stateGetv = async function (cell, options = {}) {
  return (await this.execute({ type: 'StateGetv', cell, ...options })).value as VersionedValue[] | null;
};

Stratum.prototype.stateBatchSet = async function (entries) {
  return (await this.execute({ type: 'StateBatchSet', entries: [...entries] })).value as BatchItemResult[];
};
