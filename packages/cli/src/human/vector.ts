import { parseJson, valueFromJson } from '@stratum/core';
import type { Output } from '@stratum/executor';
import { InvalidArgumentError, type Command as Program } from 'commander';
import { isoTime, showValue, table } from '../format.js';
import { describe, int, pick, valueArg, type RunHuman } from './shared.js';

type Metric = 'cosine' | 'euclidean' | 'dot_product';
type FilterOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'contains';

interface CollectionInfo {
  name: string;
  dimension: number;
  metric: string;
  count: number;
}

/** Dimensions, k and moments are whole numbers; anything else is a usage error. */

function metric(text: string): Metric {
  if (text !== 'cosine' && text !== 'euclidean' && text !== 'dot_product') {
    throw new InvalidArgumentError('expected cosine, euclidean or dot_product.');
  }
  return text;
}

function json(text: string): unknown {
  try {
    return parseJson(text);
  } catch {
    throw new InvalidArgumentError('expected JSON.');
  }
}

/** A vector typed as a JSON array of numbers: `[0.1, 0.2, 0.3]`. */
function vectorArg(text: string): number[] {
  const v = json(text);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new InvalidArgumentError('expected a JSON array of numbers.');
  return v as number[];
}

/** A filter typed as JSON: one condition `{"field","op","value"}` or an array of them. */
function filterArg(text: string): { field: string; op: FilterOp; value: ReturnType<typeof valueFromJson> }[] {
  const parsed = json(text);
  const list: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  return list.map((c, i) => {
    if (typeof c !== 'object' || c === null || typeof (c as { field?: unknown }).field !== 'string' || typeof (c as { op?: unknown }).op !== 'string') {
      throw new InvalidArgumentError('expected {"field": ..., "op": ..., "value": ...} conditions.');
    }
    const { field, op, value } = c as { field: string; op: FilterOp; value?: unknown };
    return { field, op, value: valueFromJson(value ?? null, `/filter/${i}/value`) };
  });
}

const renderCollections = (o: Output): string => {
  const list = (o as { value: CollectionInfo[] }).value;
  if (list.length === 0) return '(no collections)';
  return table(['collection', 'dimension', 'metric', 'vectors'], list.map((c) => [c.name, String(c.dimension), c.metric, String(c.count)]));
};

const renderVector = (key: string) => (o: Output): string => {
  const v = (o as { value: { embedding: number[]; metadata: unknown; version: number; timestamp: number } | null }).value;
  if (v === null) return `(no vector '${key}')`;
  return table(['key', 'embedding', 'metadata', 'version', 'time'], [[key, showValue(v.embedding), showValue(v.metadata), String(v.version), isoTime(v.timestamp)]]);
};

const renderMatches = (o: Output): string => {
  const matches = (o as { value: { key: string; score: number; metadata: unknown }[] }).value;
  if (matches.length === 0) return '(no matches)';
  return table(['key', 'score', 'metadata'], matches.map((m) => [m.key, String(m.score), showValue(m.metadata)]));
};

const done = (yes: string, no: string) => (o: Output): string => ((o as { value: boolean }).value ? yes : no);

/** `stratum vector create|drop|list|stats|upsert|get|del|search`. */
export function addVectorCommands(program: Program, run: RunHuman): void {
  const vector = program.command('vector').description('Manage vector collections of the current space and search them');
  vector.command('create <collection>').argument('<dimension>', 'number of components of every vector, 1 to 8192', int)
    .description(describe('VectorCreateCollection'))
    .option('--metric <metric>', 'cosine, euclidean or dot_product', metric, 'cosine' as Metric)
    .option('--json', 'print the output as JSON')
    .action((collection: string, dimension: number, o: { metric: Metric; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'VectorCreateCollection', collection, dimension, metric: o.metric }), () => `created ${collection}`, o));
  vector.command('drop <collection>').description(describe('VectorDeleteCollection')).option('--json', 'print the output as JSON')
    .action((collection: string, o, cmd: Program) =>
      run(cmd, () => ({ type: 'VectorDeleteCollection', collection }), done(`deleted ${collection}`, 'not found'), o));
  vector.command('list').description(describe('VectorListCollections')).option('--json', 'print the output as JSON')
    .action((o, cmd: Program) => run(cmd, () => ({ type: 'VectorListCollections' }), renderCollections, o));
  vector.command('stats <collection>').description(describe('VectorCollectionStats')).option('--json', 'print the output as JSON')
    .action((collection: string, o, cmd: Program) => run(cmd, () => ({ type: 'VectorCollectionStats', collection }), renderCollections, o));
  vector.command('upsert <collection> <key>').argument('<vector>', 'the embedding, a JSON array of numbers', vectorArg)
    .argument('[metadata]', 'metadata: JSON, or plain text')
    .description(describe('VectorUpsert')).option('--json', 'print the output as JSON')
    .action((collection: string, key: string, vec: number[], metadata: string | undefined, o, cmd: Program) =>
      run(cmd, () => ({
        type: 'VectorUpsert', collection, key, vector: vec, ...(metadata === undefined ? {} : { metadata: valueArg(metadata) }),
      }), (out) => `version ${String((out as { value: number }).value)}`, o));
  vector.command('get <collection> <key>').description(describe('VectorGet'))
    .option('--as-of <us>', 'as it was at this moment (µs since the epoch)', int)
    .option('--json', 'print the output as JSON')
    .action((collection: string, key: string, o: { asOf?: number; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'VectorGet', collection, key, ...pick(o, ['asOf']) }), renderVector(key), o));
  vector.command('del <collection> <key>').description(describe('VectorDelete')).option('--json', 'print the output as JSON')
    .action((collection: string, key: string, o, cmd: Program) =>
      run(cmd, () => ({ type: 'VectorDelete', collection, key }), done('deleted', 'not found'), o));
  vector.command('search <collection>').argument('<query>', 'the query vector, a JSON array of numbers', vectorArg)
    .description(describe('VectorSearch'))
    .option('-k, --k <n>', 'at most this many matches', int, 10)
    .option('--filter <json>', 'metadata conditions: {"field","op","value"} or an array of them', filterArg)
    .option('--metric <metric>', 'must be the collection’s metric', metric)
    .option('--as-of <us>', 'search the vectors as they were at this moment (µs since the epoch)', int)
    .option('--json', 'print the output as JSON')
    .action((collection: string, query: number[], o: { k: number; filter?: ReturnType<typeof filterArg>; metric?: Metric; asOf?: number; json?: boolean }, cmd: Program) =>
      run(cmd, () => ({ type: 'VectorSearch', collection, query, k: o.k, ...pick(o, ['filter', 'metric', 'asOf']) }), renderMatches, o));
}
