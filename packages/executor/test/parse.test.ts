import { parseJson, type StratumError } from '@stratum/core';
import { describe, expect, it } from 'vitest';
import { checkCommand, parseCommand, parseRequest, type ParsedRequest } from '../src/index.js';

/** Parses a request line as the server does: lossless JSON, then the request. */
const request = (line: string): ParsedRequest => parseRequest(parseJson(line));

const failure = (r: ParsedRequest) => {
  if (!('error' in r)) throw new Error(`expected an error, got ${JSON.stringify(r.command)}`);
  return { code: r.error.code, path: r.error.details?.['path'] };
};

const command = (r: ParsedRequest) => {
  if ('error' in r) throw r.error;
  return r.command as unknown as Record<string, unknown>;
};

const thrown = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    const error = e as StratumError;
    return { code: error.code, path: error.details?.['path'] };
  }
  throw new Error('expected a throw');
};

describe('parseRequest: rejected requests', () => {
  it.each([
    ['a number', '5', 'InvalidCommand', ''],
    ['a string', '"KvPut"', 'InvalidCommand', ''],
    ['null', 'null', 'InvalidCommand', ''],
    ['an array', '[{"type": "Ping"}]', 'InvalidCommand', ''],
    ['missing type', '{"key": "a"}', 'InvalidCommand', '/type'],
    ['a non-string type', '{"type": 5}', 'InvalidCommand', '/type'],
    ['an unknown type', '{"type": "KvNope"}', 'InvalidCommand', '/type'],
    ['a prototype name as type', '{"type": "constructor"}', 'InvalidCommand', '/type'],
    ['__proto__ as type', '{"type": "__proto__"}', 'InvalidCommand', '/type'],
    ['an unknown top-level field', '{"type": "KvPut", "key": "a", "value": 1, "bogus": 1}', 'InvalidCommand', '/bogus'],
    ['an unknown field on a unit command', '{"type": "Ping", "x": 1}', 'InvalidCommand', '/x'],
    ['__proto__ as a field', '{"type": "Ping", "__proto__": {}}', 'InvalidCommand', '/__proto__'],
    ['an unknown field in a batch entry', '{"type": "KvBatchPut", "entries": [{"key": "a", "value": 1}, {"key": "b", "value": 1, "bogus": 2}]}', 'InvalidCommand', '/entries/1/bogus'],
    ['an unknown field two levels down', '{"type": "Search", "search": {"query": "q", "timeRange": {"start": "a", "end": "b", "x": 1}}}', 'InvalidCommand', '/search/timeRange/x'],
    ['an unknown field in a filter', '{"type": "VectorSearch", "collection": "c", "query": [1], "k": 1, "filter": [{"field": "f", "op": "eq", "value": 1, "extra": 0}]}', 'InvalidCommand', '/filter/0/extra'],
    ['a missing field', '{"type": "KvPut", "key": "a"}', 'InvalidCommand', '/value'],
    ['a missing key', '{"type": "KvGet"}', 'InvalidCommand', '/key'],
    ['a missing required subject branch', '{"type": "BranchGet"}', 'InvalidCommand', '/branch'],
    ['a missing nested field', '{"type": "TxnBegin", "options": {}}', 'InvalidCommand', '/options/readOnly'],
    ['a missing field in an entry', '{"type": "StateBatchSet", "entries": [{"cell": "c"}]}', 'InvalidCommand', '/entries/0/value'],
    ['a mistyped string', '{"type": "KvPut", "key": 1, "value": 1}', 'InvalidCommand', '/key'],
    ['null for a required string', '{"type": "KvPut", "key": null, "value": 1}', 'InvalidCommand', '/key'],
    ['a mistyped boolean', '{"type": "SpaceDelete", "space": "s", "force": "yes"}', 'InvalidCommand', '/force'],
    ['a string in a vector', '{"type": "VectorUpsert", "collection": "c", "key": "k", "vector": [1, "a"]}', 'InvalidCommand', '/vector/1'],
    ['an unknown metric', '{"type": "VectorCreateCollection", "collection": "c", "dimension": 3, "metric": "manhattan"}', 'InvalidCommand', '/metric'],
    ['an unknown merge strategy', '{"type": "BranchMerge", "source": "a", "strategy": "ours"}', 'InvalidCommand', '/strategy'],
    ['entries that are not an array', '{"type": "KvBatchPut", "entries": {}}', 'InvalidCommand', '/entries'],
    ['a negative u64', '{"type": "KvGet", "key": "k", "asOf": -1}', 'InvalidCommand', '/asOf'],
    ['a non-integer u64', '{"type": "KvGet", "key": "k", "asOf": 1.5}', 'InvalidCommand', '/asOf'],
    ['1e19 as u64', '{"type": "KvGet", "key": "k", "asOf": 1e19}', 'InvalidCommand', '/asOf'],
    ['an integer literal beyond 2^53 as u64', '{"type": "KvGet", "key": "k", "asOf": 10000000000000000000}', 'InvalidCommand', '/asOf'],
    ['a string u64', '{"type": "JsonList", "limit": "10"}', 'InvalidCommand', '/limit'],
    ['keepLast 0', '{"type": "RetentionApply", "policy": {"keepLast": 0}}', 'InvalidInput', '/policy'],
    ['both policies', '{"type": "RetentionPreview", "policy": {"keepLast": 1, "keepFor": 5}}', 'InvalidInput', '/policy'],
    ['an unknown policy', '{"type": "RetentionApply", "policy": {"keepAll": true}}', 'InvalidInput', '/policy'],
    ['an Int beyond 64 bits in a value', '{"type": "KvPut", "key": "k", "value": 18446744073709551616}', 'InvalidInput', '/value'],
    ['an Int beyond 64 bits deep in an entry', '{"type": "KvBatchPut", "entries": [{"key": "k", "value": {"a": [18446744073709551616]}}]}', 'InvalidInput', '/entries/0/value/a/0'],
  ])('%s', (_name, line, code, path) => {
    expect(failure(request(line))).toEqual({ code, path });
  });
});

describe('parseRequest: id', () => {
  it('is removed from the command and echoed', () => {
    expect(request('{"id": 7, "type": "Ping"}')).toEqual({ id: 7, command: { type: 'Ping' } });
    expect(request('{"type": "Ping", "id": "a-1"}')).toEqual({ id: 'a-1', command: { type: 'Ping' } });
  });

  it('is echoed with an invalid command', () => {
    const r = request('{"id": 8, "type": "KvPut", "key": "a"}');
    expect(r.id).toBe(8);
    expect(failure(r)).toEqual({ code: 'InvalidCommand', path: '/value' });
    const unknown = request('{"id": "x", "type": "Nope"}');
    expect(unknown.id).toBe('x');
    expect(failure(unknown)).toEqual({ code: 'InvalidCommand', path: '/type' });
  });

  it.each([['true'], ['{}'], ['[1]'], ['18446744073709551616']])('of the wrong type (%s) is an error, not echoed', (id) => {
    const r = request(`{"id": ${id}, "type": "Ping"}`);
    expect('id' in r).toBe(false);
    expect(failure(r)).toEqual({ code: 'InvalidCommand', path: '/id' });
  });

  it('null counts as absent', () => {
    expect(request('{"id": null, "type": "Ping"}')).toEqual({ command: { type: 'Ping' } });
  });

  it('is an unknown field for parseCommand, which reads a bare command', () => {
    expect(thrown(() => parseCommand({ id: 1, type: 'Ping' }))).toEqual({ code: 'InvalidCommand', path: '/id' });
  });
});

describe('parseRequest: accepted requests', () => {
  it.each([
    ['2.0', 2],
    ['1e3', 1000],
    ['0', 0],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('takes %s as a u64', (literal, expected) => {
    expect(command(request(`{"type": "KvGet", "key": "k", "asOf": ${literal}}`))['asOf']).toBe(expected);
  });

  it('treats an explicit null optional field as absent, at any depth', () => {
    const get = command(request('{"type": "KvGet", "key": "k", "branch": null, "space": null, "asOf": null}'));
    expect(get).toEqual({ type: 'KvGet', key: 'k' });
    expect('asOf' in get).toBe(false);
    const search = command(request('{"type": "Search", "search": {"query": "q", "k": null, "timeRange": null, "mode": null}}'));
    expect(search).toEqual({ type: 'Search', search: { query: 'q' } });
    expect(command(request('{"type": "TxnBegin", "options": null}'))).toEqual({ type: 'TxnBegin' });
    expect(command(request('{"type": "RetentionApply", "policy": null}'))).toEqual({ type: 'RetentionApply' });
    const search2 = command(request('{"type": "VectorSearch", "collection": "c", "query": [1], "k": 2, "filter": null, "metric": null}'));
    expect(search2).toEqual({ type: 'VectorSearch', collection: 'c', query: [1], k: 2 });
  });

  it('keeps null where it is a Value', () => {
    expect(command(request('{"type": "KvPut", "key": "k", "value": null}'))).toEqual({ type: 'KvPut', key: 'k', value: null });
    const upsert = command(request('{"type": "VectorUpsert", "collection": "c", "key": "k", "vector": [1], "metadata": null}'));
    expect(upsert).toHaveProperty('metadata', null);
    expect(command(request('{"type": "BranchCreate", "metadata": null}'))).toEqual({ type: 'BranchCreate', metadata: null });
  });

  it('keeps an empty string as a value', () => {
    expect(command(request('{"type": "KvGet", "key": "k", "space": ""}'))['space']).toBe('');
  });

  it('decodes $bytes and $f64 in Value positions', () => {
    const put = command(request('{"type": "KvPut", "key": "k", "value": {"b": {"$bytes": "AQID"}, "n": {"$f64": "NaN"}, "z": {"$f64": "-0.0"}}}'));
    const value = put['value'] as Record<string, unknown>;
    expect(value['b']).toEqual(new Uint8Array([1, 2, 3]));
    expect(value['n']).toBeNaN();
    expect(Object.is(value['z'], -0)).toBe(true);
  });

  it('decodes Values in nested entries and filters', () => {
    const batch = command(request('{"type": "KvBatchPut", "entries": [{"key": "a", "value": 1}, {"key": "b", "value": {"$bytes": "/w=="}}]}'));
    expect(batch['entries']).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: new Uint8Array([255]) },
    ]);
    const events = command(request('{"type": "EventBatchAppend", "entries": [{"eventType": "t", "payload": {"x": {"$f64": "+Inf"}}}]}'));
    expect(events['entries']).toEqual([{ eventType: 't', payload: { x: Infinity } }]);
    const search = command(
      request('{"type": "VectorSearch", "collection": "c", "query": [1, 0], "k": 1, "filter": [{"field": "f", "op": "eq", "value": {"$bytes": "AA=="}}]}'),
    );
    expect(search['filter']).toEqual([{ field: 'f', op: 'eq', value: new Uint8Array([0]) }]);
    const vectors = command(request('{"type": "VectorBatchUpsert", "collection": "c", "entries": [{"key": "k", "vector": [1], "metadata": {"$f64": "-Inf"}}]}'));
    expect(vectors['entries']).toEqual([{ key: 'k', vector: [1], metadata: -Infinity }]);
  });

  it('reads large integers in Values losslessly', () => {
    expect(command(request('{"type": "KvPut", "key": "k", "value": 9223372036854775807}'))['value']).toBe(9223372036854775807n);
  });

  it('takes a valid retention policy', () => {
    expect(command(request('{"type": "RetentionApply", "policy": {"keepLast": 3}}'))['policy']).toEqual({ keepLast: 3 });
    expect(command(request('{"type": "RetentionPreview", "policy": {"keepFor": 1000}}'))['policy']).toEqual({ keepFor: 1000 });
  });

  it('does not change the object it was given', () => {
    const raw = {
      id: 1,
      type: 'KvBatchPut',
      space: null,
      entries: [{ key: 'a', value: { $bytes: 'AQID' } }],
    };
    const before = structuredClone(raw);
    const r = parseRequest(raw);
    expect(command(r)['entries']).toEqual([{ key: 'a', value: new Uint8Array([1, 2, 3]) }]);
    expect(raw).toEqual(before);
    const search = { type: 'Search', search: { query: 'q', k: null } };
    parseRequest(search);
    expect(search.search).toEqual({ query: 'q', k: null });
  });
});

describe('checkCommand', () => {
  it('keeps native Values as they are', () => {
    const bytes = new Uint8Array([1]);
    const cmd = checkCommand({ type: 'KvPut', key: 'k', value: { b: bytes, big: 2n ** 60n, wire: { $bytes: 'AQID' } } });
    const value = (cmd as { value: Record<string, unknown> }).value;
    expect(value['b']).toBe(bytes);
    expect(value['big']).toBe(2n ** 60n);
    expect(value['wire']).toEqual({ $bytes: 'AQID' });
  });

  it('strips null and undefined optional fields', () => {
    expect(checkCommand({ type: 'KvGet', key: 'k', asOf: undefined, space: null })).toEqual({ type: 'KvGet', key: 'k' });
  });

  it.each([
    ['an undefined Value', { type: 'KvPut', key: 'k', value: undefined }, '/value'],
    ['an unknown field', { type: 'KvGet', key: 'k', extra: 1 }, '/extra'],
    ['a mistyped field', { type: 'KvGet', key: 'k', asOf: 2n }, '/asOf'],
    ['an unknown type', { type: 'Nope' }, '/type'],
    ['an array', [], ''],
  ])('rejects %s', (_name, cmd, path) => {
    expect(thrown(() => checkCommand(cmd))).toEqual({ code: 'InvalidCommand', path });
  });
});
