import { parseJson, valueFromJson, stringifyJson, type Value } from '@stratum/core';
import { COMMAND_SCHEMAS, type Command, type Output } from '@stratum/executor';
import { InvalidArgumentError, type Command as Program } from 'commander';
import { isoTime, showValue, table } from '../format.js';

/** Opens the database for `cmd`'s options, runs the built command, prints its output (table or `--json`). */
export type RunHuman = (cmd: Program, build: () => Command, render: (output: Output) => string, opts: { json?: boolean }) => Promise<void>;

export const describe = (type: keyof typeof COMMAND_SCHEMAS): string => COMMAND_SCHEMAS[type].description ?? type;

/** A value typed on the command line: JSON when it parses as JSON, else the text itself. */
export function valueArg(text: string): Value {
  try {
    return valueFromJson(parseJson(text), '/value');
  } catch {
    return text;
  }
}

export function renderVersioned(key: string) {
  return (o: Output): string => {
    const v = (o as { value: { value: unknown; version: number; timestamp: number } | null }).value;
    if (v === null) return `(no value for '${key}')`;
    return table(['key', 'value', 'version', 'time'], [[key, showValue(v.value), String(v.version), isoTime(v.timestamp)]]);
  };
}

export const renderList = (title: string) => (o: Output): string => {
  const items = (o as { value: string[] }).value;
  return items.length === 0 ? `(no ${title})` : table([title], items.map((k) => [k]));
};

export const renderScalar = (o: Output): string => ('value' in o ? showValue(o.value) : o.type === 'Unit' ? 'ok' : stringifyJson(o));


/** Only the options that were given. */
export function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** A whole-number option; anything else is a usage error (exit code 2). */
export function int(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number.');
  return n;
}
