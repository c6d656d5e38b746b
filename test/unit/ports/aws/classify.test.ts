import { NoSuchKey } from '@aws-sdk/client-s3';
import { QueueDoesNotExist } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { classifyAwsError, toActionError } from '../../../../engine/ports/aws/classify.ts';
import { ActionError, type FailureClass } from '../../../../engine/errors.ts';

/** An error shaped the way the SDK's deserialisers shape service errors. */
function serviceError(name: string, status?: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status }, ...extra });
}

/** An error shaped the way node's sockets report failures. */
function socketError(code: string, message = `connect ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

const cases: { proves: string; error: unknown; expected: FailureClass }[] = [
  { proves: 'S3 SlowDown is throttling', error: serviceError('SlowDown', 503), expected: 'throttling' },
  { proves: 'Throttling is throttling', error: serviceError('Throttling', 400), expected: 'throttling' },
  { proves: 'ThrottlingException is throttling', error: serviceError('ThrottlingException', 400), expected: 'throttling' },
  { proves: 'TooManyRequests is throttling', error: serviceError('TooManyRequests', 400), expected: 'throttling' },
  { proves: 'TooManyRequestsException (SES) is throttling', error: serviceError('TooManyRequestsException', 429), expected: 'throttling' },
  { proves: 'RequestLimitExceeded is throttling', error: serviceError('RequestLimitExceeded', 400), expected: 'throttling' },
  { proves: 'a bare 429 is throttling', error: serviceError('Unknown', 429), expected: 'throttling' },
  { proves: 'ECONNRESET is network', error: socketError('ECONNRESET', 'read ECONNRESET'), expected: 'network' },
  { proves: 'ECONNREFUSED is network', error: socketError('ECONNREFUSED'), expected: 'network' },
  { proves: 'ETIMEDOUT is network', error: socketError('ETIMEDOUT'), expected: 'network' },
  { proves: 'EPIPE is network', error: socketError('EPIPE'), expected: 'network' },
  { proves: 'a plain "socket hang up" is network', error: new Error('socket hang up'), expected: 'network' },
  { proves: 'TimeoutError is network', error: serviceError('TimeoutError'), expected: 'network' },
  { proves: 'NetworkingError is network', error: serviceError('NetworkingError'), expected: 'network' },
  {
    proves: 'a socket error wrapped as a cause is network',
    error: new Error('request failed', { cause: socketError('ECONNRESET') }),
    expected: 'network',
  },
  { proves: 'InternalError 500 is 5xx', error: serviceError('InternalError', 500), expected: '5xx' },
  { proves: 'an unnamed 503 is 5xx', error: serviceError('Unknown', 503), expected: '5xx' },
  { proves: 'an unnamed 502 is 5xx', error: serviceError('Unknown', 502), expected: '5xx' },
  { proves: 'AccessDenied is access-denied', error: serviceError('AccessDenied', 403), expected: 'access-denied' },
  { proves: 'a HEAD 403 (Forbidden) is access-denied', error: serviceError('Forbidden', 403), expected: 'access-denied' },
  { proves: 'an unnamed 403 is access-denied', error: serviceError('Unknown', 403), expected: 'access-denied' },
  { proves: 'InvalidAccessKeyId is access-denied', error: serviceError('InvalidAccessKeyId', 403), expected: 'access-denied' },
  { proves: 'ExpiredToken is access-denied', error: serviceError('ExpiredToken', 400), expected: 'access-denied' },
  { proves: 'SignatureDoesNotMatch is access-denied', error: serviceError('SignatureDoesNotMatch', 403), expected: 'access-denied' },
  { proves: 'NoSuchBucket is not-found', error: serviceError('NoSuchBucket', 404), expected: 'not-found' },
  {
    proves: 'the SDK NoSuchKey class is not-found',
    error: new NoSuchKey({ message: 'gone', $metadata: { httpStatusCode: 404 } }),
    expected: 'not-found',
  },
  { proves: 'a HEAD 404 (NotFound) is not-found', error: serviceError('NotFound', 404), expected: 'not-found' },
  { proves: 'an unnamed 404 is not-found', error: serviceError('Unknown', 404), expected: 'not-found' },
  {
    proves: 'the SDK QueueDoesNotExist class is not-found',
    error: new QueueDoesNotExist({ message: 'no queue', $metadata: { httpStatusCode: 400 } }),
    expected: 'not-found',
  },
  {
    proves: 'the legacy SQS NonExistentQueue code is not-found',
    error: serviceError('Unknown', 400, { Code: 'AWS.SimpleQueueService.NonExistentQueue' }),
    expected: 'not-found',
  },
  { proves: 'ParameterNotFound is not-found', error: serviceError('ParameterNotFound', 400), expected: 'not-found' },
  { proves: 'PreconditionFailed is conflict', error: serviceError('PreconditionFailed', 412), expected: 'conflict' },
  { proves: 'an unnamed 412 is conflict', error: serviceError('Unknown', 412), expected: 'conflict' },
  { proves: 'ConditionalRequestConflict 409 is conflict', error: serviceError('ConditionalRequestConflict', 409), expected: 'conflict' },
  { proves: 'InvalidArgument 400 is validation', error: serviceError('InvalidArgument', 400), expected: 'validation' },
  { proves: 'any other 4xx is validation', error: serviceError('EntityTooLarge', 400), expected: 'validation' },
  { proves: 'an ActionError keeps its own class', error: new ActionError('X', 'x', 'config'), expected: 'config' },
  { proves: 'a plain error without facts is unknown', error: new Error('something odd'), expected: 'unknown' },
  { proves: 'a thrown string is unknown', error: 'boom', expected: 'unknown' },
];

describe('classifyAwsError', () => {
  it.each(cases)('$proves', ({ error, expected }) => {
    expect(classifyAwsError(error)).toBe(expected);
  });
});

describe('toActionError', () => {
  it('carries the AWS error name as code, the class, the context and the cause', () => {
    const cause = serviceError('SlowDown', 503);
    const error = toActionError(cause, { operation: 's3:CopyObject', bucket: 'src', key: 'a/b.pdf', destination: 's3://dst/a/b.pdf' });

    expect(error).toBeInstanceOf(ActionError);
    expect(error.code).toBe('SlowDown');
    expect(error.failureClass).toBe('throttling');
    expect(error.context).toEqual({ bucket: 'src', key: 'a/b.pdf', destination: 's3://dst/a/b.pdf' });
    expect(error.message).toBe('s3:CopyObject s3://src/a/b.pdf failed: SlowDown: SlowDown happened');
    expect(error.cause).toBe(cause);
  });

  it('uses the socket code when there is no service error name', () => {
    expect(toActionError(socketError('ECONNRESET'), {}).code).toBe('ECONNRESET');
  });

  it('returns an ActionError unchanged', () => {
    const original = new ActionError('SY_X', 'already typed', 'validation');
    expect(toActionError(original, { bucket: 'other' })).toBe(original);
  });
});
