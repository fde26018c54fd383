/**
 * Every error code a response can carry. StrataDB's executor variants, plus Stratum's
 * `ParseError`, `InvalidCommand` and `SpaceNotFound`. Codes are stable; messages are not.
 */
export const ERROR_CODES = {
  KeyNotFound: 'not_found',
  BranchNotFound: 'not_found',
  CollectionNotFound: 'not_found',
  StreamNotFound: 'not_found',
  CellNotFound: 'not_found',
  DocumentNotFound: 'not_found',
  SpaceNotFound: 'not_found',
  WrongType: 'wrong_type',
  InvalidKey: 'invalid_key',
  InvalidPath: 'invalid_path',
  InvalidInput: 'constraint',
  VersionConflict: 'conflict',
  TransitionFailed: 'conflict',
  Conflict: 'conflict',
  BranchClosed: 'constraint',
  BranchExists: 'constraint',
  CollectionExists: 'constraint',
  DimensionMismatch: 'constraint',
  ConstraintViolation: 'constraint',
  HistoryTrimmed: 'history_trimmed',
  Overflow: 'constraint',
  AccessDenied: 'constraint',
  TransactionNotActive: 'conflict',
  TransactionAlreadyActive: 'conflict',
  TransactionConflict: 'conflict',
  Io: 'storage',
  Serialization: 'serialization',
  Internal: 'internal',
  NotImplemented: 'internal',
  HistoryUnavailable: 'history_trimmed',
  ParseError: 'protocol',
  InvalidCommand: 'protocol',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ErrorCategory = (typeof ERROR_CODES)[ErrorCode];

/** JSON-safe detail values carried by an error. */
export type ErrorDetail = string | number | boolean | null | readonly ErrorDetail[] | { readonly [k: string]: ErrorDetail };
export type ErrorDetails = Readonly<Record<string, ErrorDetail>>;

/** The one error class of Stratum: a stable `code`, a human `message`, machine `details`. */
export class StratumError extends Error {
  override readonly name = 'StratumError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }

  get category(): ErrorCategory {
    return ERROR_CODES[this.code];
  }

  /** The wire form of §4: `{code, message, details?}`. */
  toWire(): { code: ErrorCode; message: string; details?: ErrorDetails } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isStratumError(e: unknown): e is StratumError {
  return e instanceof StratumError;
}

/** Anything thrown that is not a StratumError becomes `Internal`, keeping the original as cause. */
export function toStratumError(e: unknown): StratumError {
  if (e instanceof StratumError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new StratumError('Internal', message, { reason: message }, { cause: e });
}

/** Short constructors so call sites stay on one line and messages stay consistent. */
export const err = {
  invalidInput: (reason: string, extra?: Record<string, ErrorDetail>) =>
    new StratumError('InvalidInput', reason, { reason, ...extra }),
  constraint: (reason: string, extra?: Record<string, ErrorDetail>) =>
    new StratumError('ConstraintViolation', reason, { reason, ...extra }),
  capacity: (resource: string, limit: number, requested: number, extra?: Record<string, ErrorDetail>) => {
    const reason = `Capacity exceeded for ${resource}: limit ${limit}, requested ${requested}`;
    return new StratumError('ConstraintViolation', reason, { reason, resource, limit, requested, ...extra });
  },
  branchNotFound: (branch: string) => new StratumError('BranchNotFound', `branch not found: ${branch}`, { branch }),
  spaceNotFound: (space: string, branch?: string) =>
    new StratumError('SpaceNotFound', `space not found: ${space}`, branch === undefined ? { space } : { space, branch }),
  accessDenied: (command: string) =>
    new StratumError('AccessDenied', `access denied: ${command} rejected — database is read-only`, { command }),
  parse: (reason: string) => new StratumError('ParseError', `invalid JSON: ${reason}`, { reason }),
  invalidCommand: (reason: string, path: string) => new StratumError('InvalidCommand', reason, { reason, path }),
  notImplemented: (command: string) =>
    new StratumError('NotImplemented', `not implemented: ${command} - not available in this version of Stratum`, {
      feature: command,
      reason: 'not available in this version of Stratum',
    }),
  io: (reason: string, cause?: unknown) => new StratumError('Io', `I/O error: ${reason}`, { reason }, { cause }),
  serialization: (reason: string) => new StratumError('Serialization', `serialization error: ${reason}`, { reason }),
  internal: (reason: string, cause?: unknown) =>
    new StratumError('Internal', `internal error: ${reason}`, { reason }, { cause }),
} as const;

/** For impossible states: a programmer error, never a StratumError. */
export function unreachable(x: never): never {
  throw new Error(`unreachable: ${String(x)}`);
}
