import { toStratumError, type ErrorCode, type ErrorDetails } from '@stratum/core';
import type { Output } from './outputs.js';
import type { RequestId } from './parse.js';

export interface WireError {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

/** One response line of protocol §4. */
export type Response =
  | { id?: RequestId; ok: true; output: Output }
  | { id?: RequestId; ok: false; error: WireError };

export function okResponse(id: RequestId | undefined, output: Output): Response {
  return id === undefined ? { ok: true, output } : { id, ok: true, output };
}

export function errorResponse(id: RequestId | undefined, e: unknown): Response {
  const error = toStratumError(e).toWire();
  return id === undefined ? { ok: false, error } : { id, ok: false, error };
}

