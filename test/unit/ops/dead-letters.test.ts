/**
 * What `replay` makes of a dead-lettered message, for each kind of dead-letter queue a stack
 * has: the event to run again, its object events, and the error recorded with it.
 */
import { describe, expect, it } from 'vitest';
import type { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { decodeDeadLetter, receiveDeadLetters } from '../../../deploy/ops/dead-letters.ts';
import type { DeadLetterQueue } from '../../../deploy/ops/deployment.ts';

const queue = (kind: DeadLetterQueue['kind']): DeadLetterQueue => ({ kind, logicalId: 'Q', url: 'http://q/123/q', name: 'q' });
const s3Notification = { Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', eventTime: '2026-11-30T10:00:00.000Z', awsRegion: 'us-east-1', s3: { bucket: { name: 'artifacts-source' }, object: { key: 'acme%2Fa+b.pdf', size: 3, eTag: 'e' } } }] };
const eventBridge = { version: '0', id: 'ev-1', 'detail-type': 'Object Created', source: 'aws.s3', account: '1', time: '2026-11-30T10:00:00Z', region: 'us-east-1', resources: [], detail: { bucket: { name: 'my-ingestion-bucket' }, object: { key: 'in/x.bin', size: 1, etag: 'e', sequencer: '01' } } };

const cases = [
  {
    name: 'an S3 notification moved by the redrive policy: the object, no recorded error, receive count and time',
    queue: queue('s3-notification'),
    message: { MessageId: 'm1', ReceiptHandle: 'r1', Body: JSON.stringify(s3Notification), Attributes: { ApproximateReceiveCount: '6', SentTimestamp: '1796000000000' } },
    objects: ['artifacts-source/acme/a b.pdf'],
    error: undefined,
    extra: { receiveCount: 6, sentAt: new Date(1796000000000) },
  },
  {
    name: "Lambda's OnFailure record: the request payload is the event, the response payload the error",
    queue: queue('async-invocation'),
    message: { MessageId: 'm2', ReceiptHandle: 'r2', Body: JSON.stringify({ requestContext: { condition: 'RetriesExhausted' }, requestPayload: eventBridge, responsePayload: { errorType: 'SwitchyardError', errorMessage: '1 record(s) failed' } }) },
    objects: ['my-ingestion-bucket/in/x.bin'],
    error: 'SwitchyardError: 1 record(s) failed',
    extra: {},
  },
  {
    name: 'an EventBridge rule DLQ message: the error from its ERROR_CODE / ERROR_MESSAGE attributes',
    queue: queue('eventbridge'),
    message: { MessageId: 'm3', ReceiptHandle: 'r3', Body: JSON.stringify(eventBridge), MessageAttributes: { ERROR_CODE: { DataType: 'String', StringValue: 'SDK_CLIENT_ERROR' }, ERROR_MESSAGE: { DataType: 'String', StringValue: 'Lambda throttled' } } },
    objects: ['my-ingestion-bucket/in/x.bin'],
    error: 'SDK_CLIENT_ERROR: Lambda throttled',
    extra: {},
  },
];

describe('decodeDeadLetter', () => {
  it.each(cases)('$name', ({ queue: q, message, objects, error, extra }) => {
    const decoded = decodeDeadLetter(q, message);
    expect(decoded.events.map((e) => `${e.bucket}/${e.key}`)).toEqual(objects);
    expect(decoded.error).toBe(error);
    expect(decoded.unreadable).toBeUndefined();
    expect(decoded).toMatchObject({ messageId: message.MessageId, receiptHandle: message.ReceiptHandle, ...extra });
  });

  it("a request through a route's API: the object inside, and the route it named, which alone runs it again", () => {
    const request = { switchyard: 'api', route: 'global-builds', request: { sourceBucket: 'global-builds', sourceKey: 'builds/app.zip' } };
    const body = JSON.stringify({ requestContext: { condition: 'RetriesExhausted' }, requestPayload: request, responsePayload: { errorType: 'SwitchyardError', errorMessage: '1 record(s) failed' } });
    const decoded = decodeDeadLetter(queue('async-invocation'), { MessageId: 'm4', ReceiptHandle: 'r4', Body: body });
    expect(decoded).toMatchObject({ route: 'global-builds', payload: request, error: 'SwitchyardError: 1 record(s) failed' });
    expect(decoded.events.map((e) => `${e.bucket}/${e.key}`)).toEqual(['global-builds/builds/app.zip']);
    expect(decoded.unreadable).toBeUndefined();
  });

  it('a body that is not an event is kept with the reason, never run', () => {
    expect(decodeDeadLetter(queue('s3-notification'), { MessageId: 'm', ReceiptHandle: 'r', Body: 'not json' })).toMatchObject({ events: [], unreadable: 'the message body is not JSON' });
    expect(decodeDeadLetter(queue('s3-notification'), { MessageId: 'm', ReceiptHandle: 'r', Body: '{"hello":1}' }).unreadable).toMatch(/./);
  });
});

describe('receiveDeadLetters', () => {
  it('lists each message once when the queue offers it again (the listing outlasted its hiding), and stops', async () => {
    // 25 messages; each receive gives the next 10, and after the last one the queue starts again from the first, as SQS does once they are visible again.
    const bodies = Array.from({ length: 25 }, (_, i) => ({ MessageId: `m${i}`, ReceiptHandle: `r${i}`, Body: JSON.stringify(s3Notification) }));
    let next = 0;
    let receives = 0;
    const sqs = {
      send: (command: ReceiveMessageCommand) => {
        receives++;
        const count = command.input.MaxNumberOfMessages ?? 10;
        const batch = Array.from({ length: count }, (_, i) => bodies[(next + i) % bodies.length]);
        next = (next + count) % bodies.length;
        return Promise.resolve({ Messages: batch });
      },
    } as unknown as Parameters<typeof receiveDeadLetters>[0];

    const listed = await receiveDeadLetters(sqs, queue('s3-notification'), { hideSeconds: 1 });

    expect(listed.map((d) => d.messageId).sort()).toEqual(bodies.map((b) => b.MessageId).sort());
    expect(receives).toBeLessThan(10);
  });
});
