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
  if (name.length > LIMITS.spaceNameLength) return `Space name cannot exceed ${LIMITS.spaceNameLength} characters`;
  const c = name.charCodeAt(0);
  if (c < 0x61 || c > 0x7a) return 'Space name must start with a lowercase letter';
  if (!SPACE_NAME.test(name)) return 'Space name can only contain lowercase letters, digits, hyphens, and underscores';
  if (name.startsWith(SYSTEM_SPACE_PREFIX)) return "Space names starting with '_system_' are reserved";
  return undefined;
}

export function validateSpaceName(name: string): void {
  const problem = spaceNameProblem(name);
  if (problem !== undefined) throw err.invalidInput(problem, { space: name });
}

// Control characters: C0, DEL and C1.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function branchNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Branch name must not be empty';
  if (name.trim().length === 0) return 'Branch name must not be whitespace-only';
  if (name.includes('\u0000')) return 'Branch name must not contain NUL bytes';
  if (CONTROL.test(name)) return 'Branch name must not contain control characters';
  if (Buffer.byteLength(name, 'utf8') > LIMITS.branchNameBytes)
    return `Branch name must not exceed ${LIMITS.branchNameBytes} bytes`;
  return undefined;
}

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
