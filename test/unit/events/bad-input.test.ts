/** Bad input at run time, rejected with a reason a person can act on: keys that are not UTF-8, events over 256 KB. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseInput } from '../../../engine/events/normalise.ts';

const now = (): Date => new Date('2026-01-02T03:04:05.000Z');
const NOT_UTF8 = 'does not decode to valid UTF-8: S3 keys are UTF-8, so this event was not written by S3';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../fixtures/events/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

function eventBridge(key: string): Record<string, unknown> {
  return { version: '0', id: 'eb-1', 'detail-type': 'Object Created', source: 'aws.s3', time: '2026-03-04T10:11:12Z', region: 'us-east-1', detail: { bucket: { name: 'b' }, object: { key, size: 1 } } };
}

describe('keys that are not valid UTF-8 after decoding', () => {
  const cases = [
    { proves: 'S3 notification: %FF is a byte no UTF-8 text has', input: () => ({ Records: [{ ...(fixture('s3-put-direct.json').Records as object[])[0], s3: { bucket: { name: 'b' }, object: { key: 'report%FF.pdf', size: 1 } } }] }), options: {} },
    { proves: 'EventBridge (raw keys, as moto sends them): a lone surrogate', input: () => eventBridge('report\uD800.pdf'), options: { eventBridgeKeys: 'raw' as const } },
    { proves: 'direct invocation: a lone surrogate in sourceKey', input: () => ({ sourceBucket: 'b', sourceKey: 'x\uDC00y' }), options: {} },
  ];

  it.each(cases)('$proves', ({ input, options }) => {
    const [record] = normaliseInput(input(), now, options).records;

    expect(record).toMatchObject({ status: 'rejected', reason: expect.stringContaining(NOT_UTF8) });
    expect(record?.status === 'rejected' && record.reason).toContain('goes to the dead-letter queue');
  });

  it('a well-formed pair of surrogates (an emoji) is fine', () => {
    expect(normaliseInput({ sourceBucket: 'b', sourceKey: 'photo-\uD83D\uDE00.jpg' }, now).records[0]).toMatchObject({ status: 'events' });
  });
});

describe('events over 256 KB', () => {
  const big = 'x'.repeat(300 * 1024);

  it('an SQS message whose body is over 256 KB is rejected by size, the rest of the batch is read', () => {
    const batch = fixture('s3-put-via-sqs.json') as { Records: Array<Record<string, unknown>> };
    const [first] = batch.Records;
    const input = { Records: [{ ...first, messageId: 'huge', body: JSON.stringify({ padding: big }) }, first] };

    const records = normaliseInput(input, now).records;

    expect(records[0]).toMatchObject({ recordId: 'huge', status: 'rejected', reason: expect.stringMatching(/^SQS message huge body is 300 KB, over the 256 KB an S3 event .* can be: not an event S3 sent/) });
    expect(records[1]?.status).toBe('events');
  });

  it('a direct invocation over 256 KB is rejected by size', () => {
    const records = normaliseInput({ sourceBucket: 'b', sourceKey: 'k', destinationBuckets: Array.from({ length: 20_000 }, (_, i) => `bucket-${i}-${'y'.repeat(8)}`) }, now).records;

    expect(records[0]).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^the input is \d+ KB, over the 256 KB/) });
  });

  it('an event just under the limit is read as usual', () => {
    const batch = fixture('s3-put-via-sqs.json') as { Records: Array<Record<string, unknown>> };
    expect(normaliseInput(batch, now).records.every((r) => r.status === 'events')).toBe(true);
  });
});
