/**
 * Maps whatever the AWS SDK (or the socket under it) threw onto Switchyard's failure
 * classes, which decide whether the retry policy tries again.
 */
import { ActionError, errorMessage, type FailureClass } from '../../errors.ts';

const CLASS_BY_NAME: ReadonlyMap<string, FailureClass> = new Map<string, FailureClass>([
  ...names('throttling', [
    'SlowDown',
    'Throttling',
    'ThrottlingException',
    'ThrottledException',
    'TooManyRequests',
    'TooManyRequestsException',
    'RequestLimitExceeded',
    'RequestThrottled',
    'RequestThrottledException',
    'ProvisionedThroughputExceededException',
    'AWS.SimpleQueueService.RequestThrottled',
  ]),
  ...names('network', [
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'ETIMEDOUT',
    'EPIPE',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'TimeoutError',
    'RequestTimeout',
    'RequestTimeoutException',
    'NetworkingError',
  ]),
  ...names('5xx', ['InternalError', 'InternalFailure', 'InternalServerError', 'ServiceUnavailable', 'ServiceUnavailableException']),
  ...names('access-denied', [
    'AccessDenied',
    'AccessDeniedException',
    'Forbidden',
    'InvalidAccessKeyId',
    'InvalidClientTokenId',
    'ExpiredToken',
    'ExpiredTokenException',
    'SignatureDoesNotMatch',
    'UnrecognizedClientException',
    'AuthorizationError',
    'AccountProhibited',
  ]),
  ...names('not-found', [
    'NoSuchBucket',
    'NoSuchKey',
    'NoSuchVersion',
    'NoSuchUpload',
    'NotFound',
    'NotFoundException',
    'QueueDoesNotExist',
    'AWS.SimpleQueueService.NonExistentQueue',
    'ParameterNotFound',
  ]),
  ...names('conflict', ['PreconditionFailed', 'ConditionalRequestConflict']),
]);

const NETWORK_MESSAGE = /socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|network|timed? ?out/i;
/** How deep to follow `cause` chains; the SDK nests socket errors one or two levels down. */
const MAX_CAUSE_DEPTH = 4;

export interface AwsErrorContext {
  route?: string;
  bucket?: string;
  key?: string;
  destination?: string;
  /** What was being attempted, e.g. `s3:CopyObject`; only used in the message. */
  operation?: string;
}

export function classifyAwsError(error: unknown): FailureClass {
  if (error instanceof ActionError) return error.failureClass;
  for (const facts of causeChain(error)) {
    for (const name of facts.names) {
      const known = CLASS_BY_NAME.get(name);
      if (known !== undefined) return known;
    }
    if (facts.status !== undefined) return classByStatus(facts.status);
    if (facts.message !== undefined && NETWORK_MESSAGE.test(facts.message) && facts.names.length === 0) return 'network';
  }
  return 'unknown';
}

/** The SDK error as an ActionError: code = the AWS error name (or socket code), class from the table. */
export function toActionError(error: unknown, context: AwsErrorContext): ActionError {
  if (error instanceof ActionError) return error;
  const { operation, ...where } = context;
  const code = errorCode(error);
  const target = where.bucket !== undefined ? ` s3://${where.bucket}/${where.key ?? ''}` : '';
  const message = `${operation ?? 'AWS call'}${target} failed: ${code}: ${errorMessage(error)}`;
  return new ActionError(code, message, classifyAwsError(error), where, { cause: error });
}

function classByStatus(status: number): FailureClass {
  if (status === 429) return 'throttling';
  if (status >= 500) return '5xx';
  if (status === 401 || status === 403) return 'access-denied';
  if (status === 404) return 'not-found';
  if (status === 412) return 'conflict';
  if (status >= 400) return 'validation';
  return 'unknown';
}

interface ErrorFacts {
  names: string[];
  status?: number;
  message?: string;
}

function* causeChain(error: unknown): Generator<ErrorFacts> {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth++) {
    yield factsOf(current as Record<string, unknown>);
    current = (current as { cause?: unknown }).cause;
  }
}

function factsOf(error: Record<string, unknown>): ErrorFacts {
  const names = [error.Code, error.code, error.name, error.errno].filter(
    (value): value is string => typeof value === 'string' && value !== '' && value !== 'Error',
  );
  const metadata = error.$metadata as { httpStatusCode?: unknown } | undefined;
  const response = error.$response as { statusCode?: unknown } | undefined;
  const status = [metadata?.httpStatusCode, response?.statusCode, error.statusCode].find(
    (value): value is number => typeof value === 'number',
  );
  const message = typeof error.message === 'string' ? error.message : undefined;
  return { names, ...(status !== undefined ? { status } : {}), ...(message !== undefined ? { message } : {}) };
}

function errorCode(error: unknown): string {
  for (const facts of causeChain(error)) {
    const [first] = facts.names;
    if (first !== undefined) return first;
    if (facts.status !== undefined) return `HTTP${facts.status}`;
  }
  return 'UnknownError';
}

function names(failureClass: FailureClass, list: string[]): [string, FailureClass][] {
  return list.map((name) => [name, failureClass]);
}
