import { describe, it, expect } from 'vitest';
import { StratumError, branchNameProblem, spaceNameProblem, validateBranchName, validateKey, validateSpaceName } from '../src/index.js';
import { thrown } from './tree.js';

const EMPTY_SPACE = 'Space name cannot be empty';
const LONG_SPACE = 'Space name cannot exceed 64 characters';
const SPACE_START = 'Space name must start with a lowercase letter';
const SPACE_CHARS = 'Space name can only contain lowercase letters, digits, hyphens, and underscores';

describe('spaceNameProblem', () => {
  it.each<[string, string | undefined]>([
    ['default', undefined],
    ['a', undefined],
    ['conversations', undefined],
    ['a-b_c9', undefined],
    ['a'.repeat(64), undefined],
    ['z0-_', undefined],
    ['', EMPTY_SPACE],
    ['a'.repeat(65), LONG_SPACE],
    ['A'.repeat(65), LONG_SPACE],
    // 33 characters but 65 bytes: the limit is in bytes and is checked before the characters.
    ['a' + 'é'.repeat(32), LONG_SPACE],
    ['a' + 'é'.repeat(31), SPACE_CHARS],
    ['Archive', SPACE_START],
    ['1abc', SPACE_START],
    ['-a', SPACE_START],
    ['_system_x', SPACE_START],
    ['_a', SPACE_START],
    ['éa', SPACE_START],
    [' a', SPACE_START],
    ['aB', SPACE_CHARS],
    ['a b', SPACE_CHARS],
    ['a.b', SPACE_CHARS],
    ['a/b', SPACE_CHARS],
    ['aé', SPACE_CHARS],
    ['a\u0000', SPACE_CHARS],
    ['a\n', SPACE_CHARS],
  ])('%j → %s', (name, problem) => {
    expect(spaceNameProblem(name)).toBe(problem);
  });

  it('validateSpaceName throws InvalidInput with the space', () => {
    const e = thrown(() => validateSpaceName('Archive'));
    expect(e).toBeInstanceOf(StratumError);
    expect(e.code).toBe('InvalidInput');
    expect(e.message).toBe(SPACE_START);
    expect(e.details).toEqual({ reason: SPACE_START, space: 'Archive' });
    expect(() => validateSpaceName('archive')).not.toThrow();
  });
});

const EMPTY_BRANCH = 'Branch name must not be empty';
const BLANK_BRANCH = 'Branch name must not be whitespace-only';
const NUL_BRANCH = 'Branch name must not contain NUL bytes';
const CONTROL_BRANCH = 'Branch name must not contain control characters';
const LONG_BRANCH = 'Branch name must not exceed 255 bytes';

describe('branchNameProblem', () => {
  it.each<[string, string | undefined]>([
    ['default', undefined],
    ['Feature/X', undefined],
    ['experiment-1', undefined],
    [' a ', undefined],
    ['é', undefined],
    ['😀', undefined],
    ['550e8400-e29b-41d4-a716-446655440000', undefined],
    // U+FEFF is neither White_Space nor a control character (Cf), so it is a valid name.
    ['\ufeff', undefined],
    ['\u200b', undefined],
    ['a'.repeat(255), undefined],
    ['é'.repeat(127) + 'a', undefined],
    ['', EMPTY_BRANCH],
    [' ', BLANK_BRANCH],
    ['\t\n\r\v\f', BLANK_BRANCH],
    ['\u00a0\u3000\u2028', BLANK_BRANCH],
    // U+0085 is White_Space (Rust trims it) though JavaScript's trim keeps it.
    ['\u0085', BLANK_BRANCH],
    [' '.repeat(300), BLANK_BRANCH],
    ['\u0000', NUL_BRANCH],
    ['a\u0000b', NUL_BRANCH],
    ['a\u0001\u0000', NUL_BRANCH],
    ['a\u0001', CONTROL_BRANCH],
    ['tab\there', CONTROL_BRANCH],
    ['a\u007f', CONTROL_BRANCH],
    ['a\u0085b', CONTROL_BRANCH],
    ['a\u009f', CONTROL_BRANCH],
    ['\u0001'.repeat(300), CONTROL_BRANCH],
    ['a'.repeat(256), LONG_BRANCH],
    ['é'.repeat(128), LONG_BRANCH],
    ['😀'.repeat(64), LONG_BRANCH],
  ])('%j → %s', (name, problem) => {
    expect(branchNameProblem(name)).toBe(problem);
  });

  it('validateBranchName throws InvalidInput with the branch', () => {
    const e = thrown(() => validateBranchName(''));
    expect(e.code).toBe('InvalidInput');
    expect(e.details).toEqual({ reason: EMPTY_BRANCH, branch: '' });
    expect(() => validateBranchName('main')).not.toThrow();
  });
});

describe('validateKey', () => {
  it.each(['k', 'msg_001', ' ', '\n', 'a/b:c', '_x', '_strata', '_strataX', '_strata\\x', 'é😀', 'a'.repeat(1024), '😀'.repeat(256)])(
    '%j is a valid key',
    (key) => {
      expect(() => validateKey(key)).not.toThrow();
    },
  );

  it.each<[string, string, string, Record<string, unknown>]>([
    ['', 'InvalidInput', 'Key must not be empty', { key: '' }],
    ['a'.repeat(1025), 'ConstraintViolation', 'Capacity exceeded for key: limit 1024, requested 1025', { resource: 'key', limit: 1024, requested: 1025 }],
    ['é'.repeat(513), 'ConstraintViolation', 'Capacity exceeded for key: limit 1024, requested 1026', { requested: 1026 }],
    ['😀'.repeat(256) + 'a', 'ConstraintViolation', 'Capacity exceeded for key: limit 1024, requested 1025', { requested: 1025 }],
    // Length is checked before NUL, NUL before the reserved prefix.
    ['\u0000'.repeat(2000), 'ConstraintViolation', 'Capacity exceeded for key: limit 1024, requested 2000', { requested: 2000 }],
    ['a\u0000', 'InvalidInput', 'Key must not contain NUL bytes', { key: 'a\u0000' }],
    ['_strata/\u0000', 'InvalidInput', 'Key must not contain NUL bytes', {}],
    ['_strata/', 'InvalidInput', "Key must not start with reserved prefix '_strata/'", { key: '_strata/' }],
    ['_strata/x', 'InvalidInput', "Key must not start with reserved prefix '_strata/'", { key: '_strata/x' }],
  ])('%j → %s', (key, code, message, details) => {
    const e = thrown(() => validateKey(key));
    expect(e).toBeInstanceOf(StratumError);
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
    expect(e.details).toMatchObject({ reason: message, ...details });
  });

  it('names the field it checked', () => {
    expect(thrown(() => validateKey('', 'prefix')).details).toEqual({ reason: 'Key must not be empty', prefix: '' });
  });
});
