/**
 * An exact, readable rendering of a JSON-ish tree for comparisons: tells -0 from 0, 5 from 5n and
 * bytes from arrays, keeps key order and flags objects whose prototype is not Object.prototype.
 */
export function show(x: unknown): string {
  switch (typeof x) {
    case 'number':
      return Object.is(x, -0) ? '-0' : String(x);
    case 'bigint':
      return `${x}n`;
    case 'string':
      return JSON.stringify(x);
    case 'object':
      break;
    default:
      return String(x);
  }
  if (x === null) return 'null';
  if (x instanceof Uint8Array) return `bytes(${Buffer.from(x).toString('hex')})`;
  if (Array.isArray(x)) return `[${x.map(show).join(',')}]`;
  const proto = Object.getPrototypeOf(x) === Object.prototype ? '' : '<proto>';
  const entries = Object.keys(x).map((k) => `${JSON.stringify(k)}:${show((x as Record<string, unknown>)[k])}`);
  return `${proto}{${entries.join(',')}}`;
}

/** `value` nested inside `depth` single-element arrays. */
export function nest(depth: number, value: unknown): unknown {
  let out = value;
  for (let i = 0; i < depth; i++) out = [out];
  return out;
}

/** Runs `f` and returns what it threw (fails the test when nothing is thrown). */
export function thrown(f: () => unknown): { code?: unknown; details?: Record<string, unknown>; message?: string } {
  try {
    f();
  } catch (e) {
    return e as { code?: unknown; details?: Record<string, unknown> };
  }
  throw new Error('expected an error');
}
