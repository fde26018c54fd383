import { err } from './errors.js';
import { LIMITS } from './limits.js';

export const DEFAULT_BRANCH = 'default';
export const DEFAULT_SPACE = 'default';
export const SYSTEM_SPACE_PREFIX = '_system_';
export const RESERVED_KEY_PREFIX = '_strata/';

const SPACE_NAME = /^[a-z][a-z0-9_-]*$/;

/** The reason a space name is refused, or undefined when it is valid (the seed's rules, in its order). */
export function spaceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Space name cannot be empty';
  // The limit counts UTF-8 bytes (a UTF-16 unit is at most 3), so a short name of non-ASCII
  // letters is refused for its length before its characters.
  const max = LIMITS.spaceNameLength;
  if (name.length > max || (name.length > max / 3 && Buffer.byteLength(name, 'utf8') > max))
    return `Space name cannot exceed ${max} characters`;
  const c = name.charCodeAt(0);
  if (c < 0x61 || c > 0x7a) return 'Space name must start with a lowercase letter';
  if (!SPACE_NAME.test(name)) return 'Space name can only contain lowercase letters, digits, hyphens, and underscores';
  if (name.startsWith(SYSTEM_SPACE_PREFIX)) return "Space names starting with '_system_' are reserved";
  return undefined;
}

/** Throws `InvalidInput` (`details.space`) when {@link spaceNameProblem} finds a problem. */
export function validateSpaceName(name: string): void {
  const problem = spaceNameProblem(name);
  if (problem !== undefined) throw err.invalidInput(problem, { space: name });
}

// Control characters: C0, DEL and C1.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Unicode White_Space, the set Rust's `str::trim` strips. String.prototype.trim differs: it also
// strips U+FEFF and keeps U+0085.
const WHITESPACE_ONLY = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** The reason a branch name is refused, or undefined when it is valid (reference §3.6, in its order). */
export function branchNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Branch name must not be empty';
  if (WHITESPACE_ONLY.test(name)) return 'Branch name must not be whitespace-only';
  if (name.includes('\u0000')) return 'Branch name must not contain NUL bytes';
  if (CONTROL.test(name)) return 'Branch name must not contain control characters';
  if (Buffer.byteLength(name, 'utf8') > LIMITS.branchNameBytes)
    return `Branch name must not exceed ${LIMITS.branchNameBytes} bytes`;
  return undefined;
}

/** Throws `InvalidInput` (`details.branch`) when {@link branchNameProblem} finds a problem. */
export function validateBranchName(name: string): void {
  const problem = branchNameProblem(name);
  if (problem !== undefined) throw err.invalidInput(problem, { branch: name });
}

/**
 * User keys (KV keys, JSON document keys, state cells, vector keys, non-empty list prefixes):
 * non-empty, ≤ 1024 UTF-8 bytes, no NUL, not under the reserved `_strata/` prefix. Reference §2 order.
 */
export function validateKey(key: string, field = 'key'): void {
  if (key.length === 0) throw err.invalidInput('Key must not be empty', { [field]: key });
  if (key.length > LIMITS.keyBytes / 3) {
    const n = Buffer.byteLength(key, 'utf8');
    if (n > LIMITS.keyBytes) throw err.capacity('key', LIMITS.keyBytes, n, { [field]: key.slice(0, 64) });
  }
  if (key.includes('\u0000')) throw err.invalidInput('Key must not contain NUL bytes', { [field]: key });
  if (key.startsWith(RESERVED_KEY_PREFIX))
    throw err.invalidInput("Key must not start with reserved prefix '_strata/'", { [field]: key });
}
