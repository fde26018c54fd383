/**
 * What the parse step does around the schema check, compiled once per command from its schema:
 * before the check, optional fields given as `null` are dropped (protocol §1: null counts as absent);
 * after it, every Value position is decoded from its JSON form. Both walks copy what they change and
 * leave the caller's objects alone.
 */
import { Kind, OptionalKind, type TSchema } from '@sinclair/typebox';
import { err, isNonArrayObject, valueFromJson } from '@stratum/core';
import { isValueSchema } from './commands/common.js';

export interface ObjectPlan {
  readonly kind: 'object';
  readonly props: ReadonlyMap<string, PropPlan>;
  /** Props whose subtree needs a decode walk. */
  readonly decodeProps: readonly PropPlan[];
  readonly strip: boolean;
  readonly decode: boolean;
}

interface ArrayPlan {
  readonly kind: 'array';
  readonly item: Plan;
  readonly strip: boolean;
  readonly decode: boolean;
}

interface ValuePlan {
  readonly kind: 'value';
  readonly strip: false;
  readonly decode: true;
}

type Plan = ObjectPlan | ArrayPlan | ValuePlan;

interface PropPlan {
  readonly key: string;
  /** `/key`, escaped as a JSON pointer segment. */
  readonly pointer: string;
  readonly optional: boolean;
  /** Optional and not a Value: an explicit null means absent. A null Value is a value. */
  readonly nullIsAbsent: boolean;
  readonly child: Plan | undefined;
}

const VALUE_PLAN: ValuePlan = { kind: 'value', strip: false, decode: true };

export const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

export function objectPlan(schema: TSchema): ObjectPlan {
  const props = new Map<string, PropPlan>();
  const properties = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  for (const [key, prop] of Object.entries(properties)) {
    const optional = prop[OptionalKind] === 'Optional';
    const child = planOf(prop);
    props.set(key, { key, pointer: `/${escapePointer(key)}`, optional, nullIsAbsent: optional && !isValueSchema(prop), child });
  }
  const all = [...props.values()];
  return {
    kind: 'object',
    props,
    decodeProps: all.filter((p) => p.child?.decode === true),
    strip: all.some((p) => p.optional || p.child?.strip === true),
    decode: all.some((p) => p.child?.decode === true),
  };
}

function planOf(schema: TSchema): Plan | undefined {
  if (isValueSchema(schema)) return VALUE_PLAN;
  switch (schema[Kind]) {
    case 'Object':
      return objectPlan(schema);
    case 'Array': {
      const item = planOf((schema as unknown as { items: TSchema }).items);
      return item === undefined || (!item.strip && !item.decode) ? undefined : { kind: 'array', item, strip: item.strip, decode: item.decode };
    }
    default:
      // Unions, literals and scalars hold neither Values nor optional fields.
      return undefined;
  }
}

type Obj = Record<string, unknown>;

/** Whether the prop is to be dropped: optional and undefined, or null where null means absent. */
const absent = (p: PropPlan, v: unknown): boolean => (v === undefined ? p.optional : v === null && p.nullIsAbsent);

function assign(out: Obj, key: string, v: unknown): void {
  // A plain assignment of "__proto__" would set the prototype and hide the key from the checker.
  if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  else out[key] = v;
}

/**
 * A fresh copy of the top-level command object, without `skip` and without absent optional fields,
 * nested objects stripped likewise. The input is unchecked, so every step tolerates any shape.
 */
export function copyStripped(plan: ObjectPlan, x: Obj, skip: string | undefined): Obj {
  const out: Obj = {};
  for (const key in x) {
    if (key === skip || !Object.hasOwn(x, key)) continue;
    let v = x[key];
    const p = plan.props.get(key);
    if (p !== undefined) {
      if (absent(p, v)) continue;
      if (p.child?.strip === true) v = strip(p.child, v);
    }
    assign(out, key, v);
  }
  return out;
}

function strip(plan: Plan, x: unknown): unknown {
  if (plan.kind === 'object') return isNonArrayObject(x) ? stripObject(plan, x) : x;
  if (plan.kind === 'array') return Array.isArray(x) ? stripArray(plan, x) : x;
  return x;
}

function stripObject(plan: ObjectPlan, x: Obj): Obj {
  let changed = false;
  for (const p of plan.props.values()) {
    const v = x[p.key];
    if (absent(p, v) ? p.key in x : p.child?.strip === true && strip(p.child, v) !== v) {
      changed = true;
      break;
    }
  }
  return changed ? copyStripped(plan, x, undefined) : x;
}

function stripArray(plan: ArrayPlan, x: unknown[]): unknown[] {
  let out = x;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const nv = strip(plan.item, v);
    if (nv !== v) {
      if (out === x) out = x.slice();
      out[i] = nv;
    }
  }
  return out;
}

/** JSON Values are decoded from their wire form; native ones (built in TypeScript) are kept. */
export type ValueMode = 'json' | 'native';

/**
 * Decodes every Value position of a checked command. `own` says `x` is already a private copy that
 * may be written to; nested objects are copied on write.
 */
export function decodeObject(plan: ObjectPlan, x: Obj, path: string, mode: ValueMode, own: boolean): Obj {
  let out = x;
  for (const p of plan.decodeProps) {
    if (!(p.key in x)) continue;
    const v = x[p.key];
    const nv = decode(p.child as Plan, v, path + p.pointer, mode);
    // Object.is: decoding turns a -0 literal into Int 0, a change `!==` does not see.
    if (!Object.is(nv, v)) {
      if (out === x && !own) out = { ...x };
      out[p.key] = nv;
    }
  }
  return out;
}

function decode(plan: Plan, x: unknown, path: string, mode: ValueMode): unknown {
  switch (plan.kind) {
    case 'value':
      if (mode === 'json') return valueFromJson(x, path);
      if (x === undefined) throw err.invalidCommand(`field '${path}' must be a value, not undefined`, path);
      return x;
    case 'object':
      return decodeObject(plan, x as Obj, path, mode, false);
    case 'array': {
      const arr = x as unknown[];
      let out = arr;
      for (let i = 0; i < arr.length; i++) {
        const v = arr[i];
        const nv = decode(plan.item, v, `${path}/${i}`, mode);
        if (!Object.is(nv, v)) {
          if (out === arr) out = arr.slice();
          out[i] = nv;
        }
      }
      return out;
    }
  }
}
