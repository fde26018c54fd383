import { err, isValueObject, type Value } from '@stratum/core';

export type FilterOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'contains';

/** One condition on a top-level metadata field. */
export interface FilterCondition {
  readonly field: string;
  readonly op: FilterOp;
  readonly value: Value;
}

/** Whether a vector's metadata passes a filter. */
export type MetadataPredicate = (metadata: Value) => boolean;

type Test = (fieldValue: Value) => boolean;

const isNumeric = (v: Value): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';

/**
 * Equality for filters: numbers compare by numeric value whatever their kind (an Int equals the
 * Float of the same value, 0 equals -0, NaN equals nothing), everything else structurally.
 */
export function filterEquals(a: Value, b: Value): boolean {
  if (isNumeric(a) || isNumeric(b)) return isNumeric(a) && isNumeric(b) && a == b;
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => filterEquals(x, b[i] as Value));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && filterEquals(a[k] as Value, b[k] as Value));
}

/** Numeric order only: any other pair of kinds compares false, as does NaN. */
const numeric = (cmp: (a: number | bigint, b: number | bigint) => boolean) => (value: Value): Test => {
  if (!isNumeric(value)) return () => false;
  return (x) => isNumeric(x) && cmp(x, value);
};

const TESTS: Record<FilterOp, (value: Value, path: string) => Test> = {
  eq: (value) => (x) => filterEquals(x, value),
  ne: (value) => (x) => !filterEquals(x, value),
  gt: numeric((a, b) => a > b),
  gte: numeric((a, b) => a >= b),
  lt: numeric((a, b) => a < b),
  lte: numeric((a, b) => a <= b),
  in: (value, path) => {
    if (!Array.isArray(value)) {
      throw err.invalidInput("Filter op 'in' takes an array of allowed values", { path: `${path}/value` });
    }
    const allowed = value;
    return (x) => allowed.some((v) => filterEquals(x, v));
  },
  contains: (value) => (x) => {
    if (typeof x === 'string') return typeof value === 'string' && x.includes(value);
    if (Array.isArray(x)) return x.some((item) => filterEquals(item, value));
    return false;
  },
};

/**
 * Checks a filter and turns it into a predicate; undefined when it filters nothing (absent or
 * empty). Every condition must hold, several on the same field included. Metadata that is not an
 * object, or lacks the field, fails every condition (`ne` too). Throws `InvalidInput` for an
 * unknown op or an `in` whose value is not an array.
 */
export function compileFilter(filter: readonly FilterCondition[] | undefined, path = '/filter'): MetadataPredicate | undefined {
  if (filter === undefined || filter.length === 0) return undefined;
  const fields: string[] = [];
  const tests: Test[] = [];
  filter.forEach((c, i) => {
    const at = `${path}/${i}`;
    const make = Object.hasOwn(TESTS, c.op) ? TESTS[c.op] : undefined;
    if (make === undefined) throw err.invalidInput(`Unknown filter op '${String(c.op)}'`, { path: `${at}/op` });
    fields.push(c.field);
    tests.push(make(c.value, at));
  });
  const n = tests.length;
  return (metadata) => {
    if (!isValueObject(metadata)) return false;
    for (let i = 0; i < n; i++) {
      const field = fields[i] as string;
      if (!Object.hasOwn(metadata, field)) return false;
      if (!(tests[i] as Test)(metadata[field] as Value)) return false;
    }
    return true;
  };
}
