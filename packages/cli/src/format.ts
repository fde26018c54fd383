import { stringifyJson } from '@stratum/core';
import type { Response } from '@stratum/executor';

/** Renders rows as an aligned text table with a header line. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const isoTime = (micros: number): string => new Date(Math.floor(micros / 1000)).toISOString();

/** A value as one line of JSON (bytes, big integers and special floats in their wire forms). */
export const showValue = (v: unknown): string => stringifyJson(v);

/** A failed response for people: `Code: message`. */
export function showError(r: Response): string {
  return r.ok ? '' : `${r.error.code}: ${r.error.message}`;
}
