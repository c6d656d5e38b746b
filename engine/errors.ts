/**
 * Typed errors. Every error a user can see has a stable code; runtime errors also carry
 * the route, the object and the destination they concern.
 */

/** How a failure should be treated by the retry policy. */
export type FailureClass =
  | 'throttling' // SlowDown, Throttling, TooManyRequests, 429
  | 'network' // connection reset/refused, socket timeout, DNS
  | '5xx' // InternalError, ServiceUnavailable, any 5xx without a more specific class
  | 'access-denied' // AccessDenied, 403, invalid/expired credentials
  | 'not-found' // NoSuchBucket, NoSuchKey, QueueDoesNotExist, ParameterNotFound
  | 'validation' // 4xx request errors: invalid argument, malformed input
  | 'config' // a route or a lookup is wrong: missing mapping, destination outside the allow-list
  | 'conflict' // precondition failed (e.g. If-None-Match on an existing marker)
  | 'unknown';

export class SwitchyardError extends Error {
  override readonly name: string = 'SwitchyardError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A failure while carrying out an action; `failureClass` decides whether it is retried. */
export class ActionError extends SwitchyardError {
  override readonly name = 'ActionError';
  constructor(
    code: string,
    message: string,
    readonly failureClass: FailureClass,
    readonly context: { route?: string; bucket?: string; key?: string; destination?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** Input the runtime cannot understand (an unknown event shape, an undecodable key). */
export class InputError extends SwitchyardError {
  override readonly name = 'InputError';
}

/** Problems with the command line itself (exit code 2). */
export class UsageError extends SwitchyardError {
  override readonly name = 'UsageError';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
