import { StratumError, type Value } from '@stratum/core';
import { describe, expect, it } from 'vitest';
import { deleteAt, formatPath, getAt, parsePath, setAt, type JsonPath } from '../src/index.js';

/** The error a call throws (the test fails when it does not throw). */
function thrown(fn: () => unknown): StratumError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StratumError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('parsePath: what parses', () => {
  it.each<[string, JsonPath]>([
    ['', []],
    ['$', []],
    ['.', []],
    ['$.', []],
    ['a', ['a']],
    ['$a', ['a']],
    ['.a', ['a']],
    ['$.a', ['a']],
    ['a.b', ['a', 'b']],
    ['$.a.b.c', ['a', 'b', 'c']],
    ['[0]', [0]],
    ['$[0]', [0]],
    ['.[0]', [0]],
    ['$.items[0]', ['items', 0]],
    ['items[0].title', ['items', 0, 'title']],
    ['a[0]b', ['a', 0, 'b']],
    ['a.[0]', ['a', 0]],
    ['a[1][2]', ['a', 1, 2]],
    ['[+5]', [5]],
    ['[007]', [7]],
    ['[18446744073709551615]', [18446744073709551615]],
    ['snake_case-and-dash', ['snake_case-and-dash']],
    ['_', ['_']],
    ['-', ['-']],
    ['0', ['0']],
    ['a.0', ['a', '0']],
    ['café.naïve', ['café', 'naïve']],
    ['数据.キー', ['数据', 'キー']],
    ['x²½', ['x²½']],
    ['a'.repeat(1000), ['a'.repeat(1000)]],
    [`$${'.k'.repeat(256)}`, Array.from({ length: 256 }, () => 'k')],
  ])('%j → %j', (text, segments) => {
    expect(parsePath(text)).toEqual(segments);
  });
});

describe('parsePath: what does not', () => {
  it.each<[string, string, Record<string, unknown>]>([
    // Positions count characters after one leading `$` is stripped.
    ['a..b', 'UnexpectedChar', { position: 2, char: '.' }],
    ['$$', 'UnexpectedChar', { position: 0, char: '$' }],
    ['$.a b', 'UnexpectedChar', { position: 2, char: ' ' }],
    ['a b', 'UnexpectedChar', { position: 1, char: ' ' }],
    ['a/b', 'UnexpectedChar', { position: 1, char: '/' }],
    ['a:b', 'UnexpectedChar', { position: 1, char: ':' }],
    ['@', 'UnexpectedChar', { position: 0, char: '@' }],
    ['*', 'UnexpectedChar', { position: 0, char: '*' }],
    ['a[0]]', 'UnexpectedChar', { position: 4, char: ']' }],
    ["['a']", 'InvalidIndex', { position: 1, index: "'a'" }],
    ['é é', 'UnexpectedChar', { position: 1, char: ' ' }],
    ['😀', 'UnexpectedChar', { position: 0, char: '😀' }],
    ['ab😀', 'UnexpectedChar', { position: 2, char: '😀' }],
    ['a.', 'EmptyKey', { position: 2 }],
    ['$a.', 'EmptyKey', { position: 2 }],
    ['..', 'EmptyKey', { position: 2 }],
    ['[x]', 'InvalidIndex', { position: 1, index: 'x' }],
    ['[]', 'InvalidIndex', { position: 1, index: '' }],
    ['[-1]', 'InvalidIndex', { position: 1, index: '-1' }],
    ['[ 1]', 'InvalidIndex', { position: 1, index: ' 1' }],
    ['[1.5]', 'InvalidIndex', { position: 1, index: '1.5' }],
    ['[+]', 'InvalidIndex', { position: 1, index: '+' }],
    ['[18446744073709551616]', 'InvalidIndex', { position: 1, index: '18446744073709551616' }],
    ['a[1', 'UnclosedBracket', { position: 1 }],
    ['[1', 'UnclosedBracket', { position: 0 }],
    ['$[', 'UnclosedBracket', { position: 0 }],
    [`${'.k'.repeat(257)}`, 'PathTooLong', { length: 257, limit: 256 }],
    [`${'[0]'.repeat(300)}`, 'PathTooLong', { length: 300, limit: 256 }],
  ])('%j → %s', (text, problem, details) => {
    const e = thrown(() => parsePath(text));
    expect(e.code).toBe('InvalidInput');
    expect(e.details).toMatchObject({ problem, ...details });
    expect(e.message).toMatch(/^Invalid JSON path '/);
    expect(e.details?.['reason']).toBe(e.message);
  });

  it('names the path as given, cut short when it is very long', () => {
    expect(thrown(() => parsePath('$.a..b')).details).toMatchObject({ jsonPath: '$.a..b', position: 3 });
    const long = `${'a'.repeat(5000)} `;
    const shown = thrown(() => parsePath(long)).details?.['jsonPath'] as string;
    expect(shown.length).toBeLessThan(300);
    expect(shown.startsWith('aaa')).toBe(true);
  });
});

describe('formatPath', () => {
  it.each<[JsonPath, string]>([
    [[], '$'],
    [['a'], '$.a'],
    [['a', 0, 'b'], '$.a[0].b'],
    [[3], '$[3]'],
  ])('%j → %s', (segments, text) => {
    expect(formatPath(segments)).toBe(text);
    expect(parsePath(text)).toEqual(segments);
  });
});

const DOC = (): Value => ({ a: { b: [10, { c: 'x' }] }, s: 'str', n: null, bytes: new Uint8Array([1]) });

describe('getAt', () => {
  it.each<[string, Value | undefined]>([
    ['$', DOC()],
    ['a.b', [10, { c: 'x' }]],
    ['a.b[0]', 10],
    ['a.b[1].c', 'x'],
    ['n', null],
    ['missing', undefined],
    ['a.b[2]', undefined],
    ['a.b.c', undefined],
    ['a[0]', undefined],
    ['s.length', undefined],
    ['s[0]', undefined],
    ['n.x', undefined],
    ['bytes[0]', undefined],
    ['constructor', undefined],
    ['__proto__', undefined],
    ['toString', undefined],
  ])('%s', (path, expected) => {
    expect(getAt(DOC(), parsePath(path))).toEqual(expected);
  });

  it('reads a scalar document at the root only', () => {
    expect(getAt(5, [])).toBe(5);
    expect(getAt(5, ['a'])).toBeUndefined();
    expect(getAt([1, 2], [1])).toBe(2);
  });
});

describe('setAt', () => {
  it.each<[string, Value, Value, Value]>([
    ['$', { a: 1 }, 7, 7],
    ['a', { a: 1 }, 2, { a: 2 }],
    ['b', { a: 1 }, 2, { a: 1, b: 2 }],
    ['a.b.c', {}, 1, { a: { b: { c: 1 } } }],
    ['items[0]', {}, 'x', { items: ['x'] }],
    ['items[0].title', { items: [] }, 't', null],
    ['items[1]', { items: ['a'] }, 'b', { items: ['a', 'b'] }],
    ['items[0]', { items: ['a'] }, 'z', { items: ['z'] }],
    ['[0]', [], 1, [1]],
    ['[0][0]', [[]], 1, [[1]]],
    ['m[0]x', { m: [{}] }, 1, { m: [{ x: 1 }] }],
  ])('%s on %j', (path, doc, value, expected) => {
    if (expected === null) {
      expect(thrown(() => setAt(doc, parsePath(path), value)).details).toMatchObject({ problem: 'IndexOutOfBounds' });
      return;
    }
    expect(setAt(doc, parsePath(path), value).root).toEqual(expected);
  });

  it.each<[string, Value, Record<string, unknown>, string]>([
    ['a.b', { a: 5 }, { problem: 'TypeMismatch', expected: 'object', found: 'number', at: '$.a' }, "Path error: type mismatch at '$.a': expected object, found number"],
    ['a[0]', { a: {} }, { problem: 'TypeMismatch', expected: 'array', found: 'object', at: '$.a' }, "Path error: type mismatch at '$.a': expected array, found object"],
    ['[0]', {}, { problem: 'TypeMismatch', expected: 'array', found: 'object', at: '$' }, "Path error: type mismatch at '$': expected array, found object"],
    ['a', 'text', { problem: 'TypeMismatch', expected: 'object', found: 'string', at: '$' }, "Path error: type mismatch at '$': expected object, found string"],
    ['a.b', { a: null }, { problem: 'TypeMismatch', found: 'null' }, "Path error: type mismatch at '$.a': expected object, found null"],
    ['a.b', { a: true }, { found: 'boolean' }, "Path error: type mismatch at '$.a': expected object, found boolean"],
    ['a.b', { a: [] }, { found: 'array' }, "Path error: type mismatch at '$.a': expected object, found array"],
    ['a.b', { a: new Uint8Array(1) }, { found: 'bytes' }, "Path error: type mismatch at '$.a': expected object, found bytes"],
    ['a.b', { a: 2n ** 60n }, { found: 'number' }, "Path error: type mismatch at '$.a': expected object, found number"],
    ['a[3]', { a: [1] }, { problem: 'IndexOutOfBounds', index: 3, length: 1, at: '$.a' }, "Path error: index out of bounds at '$.a': 3 >= 1"],
    ['a[1].b', { a: [1] }, { problem: 'IndexOutOfBounds', index: 1, length: 1, at: '$.a' }, "Path error: index out of bounds at '$.a': 1 >= 1"],
    ['x[0][0]', {}, { problem: 'IndexOutOfBounds', index: 0, length: 0, at: '$.x' }, "Path error: index out of bounds at '$.x': 0 >= 0"],
    ['x[1]', {}, { problem: 'IndexOutOfBounds', index: 1, length: 0, at: '$.x' }, "Path error: index out of bounds at '$.x': 1 >= 0"],
    ['__proto__', {}, { problem: 'ReservedKey', at: '$' }, "Object key '__proto__' is not supported (at '$')"],
    ['a.__proto__.b', {}, { problem: 'ReservedKey', at: '$.a' }, "Object key '__proto__' is not supported (at '$.a')"],
  ])('%s on %o fails and changes nothing', (path, doc, details, message) => {
    const before = structuredClone(doc);
    const e = thrown(() => setAt(doc, parsePath(path), 1));
    expect(e.code).toBe('InvalidInput');
    expect(e.details).toMatchObject(details);
    expect(e.message).toBe(message);
    expect(doc).toEqual(before);
  });

  it('leaves the document untouched when the failure is inside a branch it would create', () => {
    const doc: Value = { keep: 1 };
    expect(thrown(() => setAt(doc, parsePath('new.list[0][1]'), 1)).details).toMatchObject({ problem: 'IndexOutOfBounds' });
    expect(doc).toEqual({ keep: 1 });
  });

  it.each<[string, Value]>([
    ['a', { a: 1, b: 2 }],
    ['c', { a: 1, b: 2 }],
    ['l[0]', { l: [1, 2] }],
    ['l[2]', { l: [1, 2] }],
    ['x.y.z', { a: 1 }],
    ['$', { a: 1 }],
  ])('undo of %s restores %j with its key order', (path, doc) => {
    const before = structuredClone(doc);
    const { root, undo } = setAt(doc, parsePath(path), 'new');
    undo();
    if (path !== '$') expect(root).toBe(doc);
    expect(doc).toEqual(before);
    expect(Object.keys(doc as object)).toEqual(Object.keys(before as object));
  });

  it('keeps the position of a replaced key', () => {
    const doc: Value = { a: 1, b: 2, c: 3 };
    setAt(doc, ['b'], 9);
    expect(Object.keys(doc)).toEqual(['a', 'b', 'c']);
  });
});

describe('deleteAt', () => {
  it.each<[string, Value, boolean, Value]>([
    ['a', { a: 1, b: 2 }, true, { b: 2 }],
    ['l[0]', { l: [1, 2, 3] }, true, { l: [2, 3] }],
    ['l[2]', { l: [1, 2, 3] }, true, { l: [1, 2] }],
    ['l[3]', { l: [1, 2, 3] }, false, { l: [1, 2, 3] }],
    ['missing', { a: 1 }, false, { a: 1 }],
    ['x.y', { a: 1 }, false, { a: 1 }],
    ['a.y', { a: 1 }, false, { a: 1 }],
    ['a[0]', { a: {} }, false, { a: {} }],
    ['a.k', { a: [] }, false, { a: [] }],
    ['o.k', { o: { k: { deep: true }, j: 1 } }, true, { o: { j: 1 } }],
    ['constructor', { a: 1 }, false, { a: 1 }],
    ['__proto__', { a: 1 }, false, { a: 1 }],
  ])('%s on %j → %s', (path, doc, removed, after) => {
    expect(deleteAt(doc, parsePath(path))).toBe(removed);
    expect(doc).toEqual(after);
  });
});
