import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseInput, type NormaliseOptions } from '../../../engine/events/normalise.ts';
import { objectEventId } from '../../../engine/events/event-id.ts';
import { decodeFormUrlEncodedKey } from '../../../engine/events/decode-key.ts';
import type { InputRecord, NormalisedInput, ObjectEvent } from '../../../engine/events/object-event.ts';

const NOW = '2026-01-02T03:04:05.000Z';
const now = (): Date => new Date(NOW);
const S3_TIME = '2026-03-04T10:11:12.345Z';
const EB_TIME = '2026-03-04T10:11:12Z';
const SUPPORTED =
  'an S3 notification ({Records: [...]}), an SNS notification carrying one, an EventBridge S3 event, ' +
  's3:TestEvent, or a direct invocation ({sourceBucket, sourceKey, destinationBuckets?})';
const TEST_EVENT_REASON =
  "s3:TestEvent for bucket 'change-metadata': S3 sends it when a notification configuration is saved; nothing to route";

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/events/${name}`, import.meta.url), 'utf8'));
}

/** The queue the SQS fixtures were read from (their records' eventSourceARN). */
const SQS_QUEUE = 'arn:aws:sqs:eu-west-1:111122223333:switchyard-events';

/** The expected event, its id derived from the same parts the normaliser must use. */
function expected(event: Omit<ObjectEvent, 'id'>): ObjectEvent {
  return { id: objectEventId(event), ...event };
}

function directExpected(bucket: string, key: string, destinationBuckets?: string[]): ObjectEvent {
  const event: ObjectEvent = {
    id: objectEventId({ bucket, key, sequencer: `direct@${NOW}` }),
    origin: 'direct',
    kind: 'created',
    eventName: 'DirectInvocation',
    bucket,
    key,
    eventTime: NOW,
  };
  return destinationBuckets === undefined ? event : { ...event, destinationBuckets };
}

function trickyKeyRecord(position: number, key: string, eTag: string, sequencer: string): InputRecord {
  return {
    recordId: `s3-record-${position}`,
    status: 'events',
    events: [
      expected({
        origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'my-ingestion-bucket',
        key, size: 1, eTag, sequencer, eventTime: S3_TIME, region: 'eu-west-1',
      }),
    ],
  };
}

interface Case {
  name: string;
  input: unknown;
  options?: NormaliseOptions;
  expected: NormalisedInput;
}

const fixtureCases: Case[] = [
  {
    name: 'S3 put delivered to Lambda: key form-decoded, versionId and sequencer kept',
    input: fixture('s3-put-direct.json'),
    expected: {
      viaSqs: false,
      records: [
        {
          recordId: 's3-record-1',
          status: 'events',
          events: [
            expected({
              origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'my-ingestion-bucket',
              key: 'incoming/red flower.jpg', size: 1024, eTag: '0123456789abcdef0123456789abcdef',
              versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko', sequencer: '0A1B2C3D4E5F678901', eventTime: S3_TIME, region: 'eu-west-1',
            }),
          ],
        },
      ],
    },
  },
  {
    name: 'S3 record in an SQS body: recordId is the messageId, quoted multipart eTag unquoted, viaSqs',
    input: fixture('s3-put-via-sqs.json'),
    expected: {
      viaSqs: true,
      records: [
        {
          recordId: '059f36b4-87a3-44ab-83d2-661975830a7d',
          status: 'events',
          events: [
            expected({
              queueArn: SQS_QUEUE,
              origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:CompleteMultipartUpload', bucket: 'global-builds',
              key: 'builds/2026/app-1.4.2.zip', size: 734003200, eTag: '9b2cf535f27731c974343645a3985328-140',
              sequencer: '0062E99A88DC407460', eventTime: S3_TIME, region: 'eu-west-1',
            }),
          ],
        },
      ],
    },
  },
  {
    name: 'S3 → SNS → SQS: the SNS envelope is unwrapped',
    input: fixture('s3-via-sns-via-sqs.json'),
    expected: {
      viaSqs: true,
      records: [
        {
          recordId: '2e1424d4-f796-459a-8184-9c92662be6da',
          status: 'events',
          events: [
            expected({
              queueArn: SQS_QUEUE,
              origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'change-metadata',
              key: 'customers/acme/CHG-0042.json', size: 2048, eTag: 'b1946ac92492d2347c6235b4d2611184',
              versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e', sequencer: '0065F2A1B2C3D4E5F6', eventTime: S3_TIME, region: 'eu-west-1',
            }),
          ],
        },
      ],
    },
  },
  {
    name: 'S3 → SNS (raw message delivery) → SQS: the body is the S3 JSON itself',
    input: fixture('s3-via-sns-raw-delivery-via-sqs.json'),
    expected: {
      viaSqs: true,
      records: [
        {
          recordId: 'c80e8021-a70a-42c7-a470-796e1186f753',
          status: 'events',
          events: [
            expected({
              queueArn: SQS_QUEUE,
              origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Copy', bucket: 'change-metadata',
              key: 'customers/globex/CHG-0043.json', size: 1999, eTag: '5d41402abc4b2a76b9719d911017c592',
              sequencer: '0065F2A1B2C3D4E5F7', eventTime: S3_TIME, region: 'eu-west-1',
            }),
          ],
        },
      ],
    },
  },
  {
    name: 'one SQS body with several S3 records gives several events; an ignored record among them is dropped',
    input: fixture('s3-several-records-in-one-sqs-body.json'),
    expected: {
      viaSqs: true,
      records: [
        {
          recordId: 'd6e1b2a0-1b2c-4d5e-8f90-a1b2c3d4e5f6',
          status: 'events',
          events: [
            expected({
              queueArn: SQS_QUEUE,
              origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'global-builds',
              key: 'builds/a.bin', size: 1, eTag: 'aaaa', sequencer: '01', eventTime: S3_TIME, region: 'eu-west-1',
            }),
            expected({
              queueArn: SQS_QUEUE,
              origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Post', bucket: 'global-builds',
              key: 'builds/b.bin', size: 2, eTag: 'cccc', sequencer: '02', eventTime: S3_TIME, region: 'eu-west-1',
            }),
          ],
        },
      ],
    },
  },
  {
    name: 'deletes: ObjectRemoved:Delete, DeleteMarkerCreated and LifecycleExpiration:Delete are all deletions',
    input: fixture('s3-deletes-via-sqs.json'),
    expected: {
      viaSqs: true,
      records: [
        {
          recordId: '7b0f3a52-5a43-4b8e-9f6e-2d1a3c4b5e6f',
          status: 'events',
          events: [
            expected({
              queueArn: SQS_QUEUE,
              origin: 's3-notification', kind: 'deleted', eventName: 'ObjectRemoved:Delete', bucket: 'my-ingestion-bucket',
              key: 'incoming/old.csv', sequencer: '0065F2A1B2C3D4E600', eventTime: S3_TIME, region: 'eu-west-1',
            }),
          ],
        },
        {
          recordId: '8c1e4b63-6b54-4c9f-8a7f-3e2b4d5c6f70',
          status: 'events',
          events: [
            expected({
              queueArn: SQS_QUEUE,
              origin: 's3-notification', kind: 'deleted', eventName: 'ObjectRemoved:DeleteMarkerCreated', bucket: 'my-ingestion-bucket',
              key: 'incoming/versioned.csv', versionId: '3HL4kqtJvjVBH40Nrjfkd', sequencer: '0065F2A1B2C3D4E601',
              eventTime: S3_TIME, region: 'eu-west-1',
            }),
          ],
        },
        {
          recordId: '9d2f5c74-7c65-4da0-9b80-4f3c5e6d7081',
          status: 'events',
          events: [
            expected({
              queueArn: SQS_QUEUE,
              origin: 's3-notification', kind: 'deleted', eventName: 'LifecycleExpiration:Delete', bucket: 'my-ingestion-bucket',
              key: 'incoming/expired.csv', sequencer: '0065F2A1B2C3D4E602', eventTime: S3_TIME, region: 'eu-west-1',
            }),
          ],
        },
      ],
    },
  },
  {
    name: 'S3 event names that neither create nor remove are ignored with the name in the reason',
    input: fixture('s3-ignored-event-names-direct.json'),
    expected: {
      viaSqs: false,
      records: [
        { recordId: 's3-record-1', status: 'ignored', reason: 'S3 record 1 is ObjectRestore:Completed, which neither creates nor removes an object' },
        { recordId: 's3-record-2', status: 'ignored', reason: 'S3 record 2 is LifecycleTransition, which neither creates nor removes an object' },
        { recordId: 's3-record-3', status: 'ignored', reason: 'S3 record 3 is Replication:OperationFailedReplication, which neither creates nor removes an object' },
        { recordId: 's3-record-4', status: 'ignored', reason: 'S3 record 4 is ObjectTagging:Put, which neither creates nor removes an object' },
      ],
    },
  },
  {
    name: 'tricky keys: + is a space, %2B a plus, %2F a slash, UTF-8 escapes, %25 a percent; bad escapes reject only their record',
    input: fixture('s3-tricky-keys-direct.json'),
    expected: {
      viaSqs: false,
      records: [
        trickyKeyRecord(1, 'reports/Q1 summary (final).pdf', 'e1', '10'),
        trickyKeyRecord(2, 'packages/c++ notes.txt', 'e2', '11'),
        trickyKeyRecord(3, 'café/日本/naïve.txt', 'e3', '12'),
        trickyKeyRecord(4, '100% done?.txt', 'e4', '13'),
        { recordId: 's3-record-5', status: 'rejected', reason: "S3 record 5: key 'a%ZZ' is not valid URL encoding (a '%' not followed by two hex digits)" },
        { recordId: 's3-record-6', status: 'rejected', reason: "S3 record 6: key 'half%E6%97' does not decode to valid UTF-8: S3 keys are UTF-8, so this event was not written by S3 or was mangled on the way; nothing is routed (it goes to the dead-letter queue to be looked at)" },
      ],
    },
  },
  {
    name: 'moto-style record: no versionId or sequencer, %2F in the key, zone-less microsecond eventTime read as UTC',
    input: fixture('s3-moto-style-via-sqs.json'),
    expected: {
      viaSqs: true,
      records: [
        {
          recordId: '3f2a9c1e-0d4b-4e8a-9c7f-5b6a7d8e9f01',
          status: 'events',
          events: [
            expected({
              queueArn: SQS_QUEUE,
              origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'ingest-bucket',
              key: 'customers/acme/CHG 0042.json', size: 16, eTag: '162cda817f978f4efeb3b1a8b951a4c3',
              eventTime: '2026-03-04T10:11:12.915Z', region: 'us-east-1',
            }),
          ],
        },
      ],
    },
  },
  {
    name: 'EventBridge Object Created delivered directly: recordId is the event id, eventName the detail-type',
    input: fixture('eventbridge-object-created.json'),
    expected: {
      viaSqs: false,
      records: [
        {
          recordId: '17793124-05d4-b198-2fde-7ededc63b103',
          status: 'events',
          events: [
            expected({
              origin: 'eventbridge', kind: 'created', eventName: 'Object Created', bucket: 'my-ingestion-bucket',
              key: 'incoming/red flower.jpg', size: 5, eTag: 'b1946ac92492d2347c6235b4d2611184',
              versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e', sequencer: '617f08299329d189', eventTime: EB_TIME, region: 'eu-west-1',
            }),
          ],
        },
      ],
    },
  },
  {
    name: 'EventBridge Object Deleted: a deletion without size or eTag',
    input: fixture('eventbridge-object-deleted.json'),
    expected: {
      viaSqs: false,
      records: [
        {
          recordId: '2ee9cc15-d022-99ea-1fb8-1b1bac4850f9',
          status: 'events',
          events: [
            expected({
              origin: 'eventbridge', kind: 'deleted', eventName: 'Object Deleted', bucket: 'my-ingestion-bucket',
              key: 'incoming/old.csv', versionId: '1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF', sequencer: '617f0837b476e463',
              eventTime: EB_TIME, region: 'eu-west-1',
            }),
          ],
        },
      ],
    },
  },
  {
    name: 'EventBridge event through an SQS target: %2B and + decoded, quoted etag unquoted',
    input: fixture('eventbridge-via-sqs.json'),
    expected: {
      viaSqs: true,
      records: [
        {
          recordId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
          status: 'events',
          events: [
            expected({
              queueArn: SQS_QUEUE,
              origin: 'eventbridge', kind: 'created', eventName: 'Object Created', bucket: 'my-ingestion-bucket',
              key: 'incoming/2026 report+.csv', size: 42, eTag: 'd41d8cd98f00b204e9800998ecf8427e',
              sequencer: '617f08299329d189', eventTime: EB_TIME, region: 'eu-west-1',
            }),
          ],
        },
      ],
    },
  },
  {
    name: 'other EventBridge S3 detail types are ignored',
    input: fixture('eventbridge-object-restore-completed.json'),
    expected: {
      viaSqs: false,
      records: [
        {
          recordId: '6924de0d-13e2-6bbf-c0c1-b903b753565d',
          status: 'ignored',
          reason: "EventBridge event is 'Object Restore Completed', which neither creates nor deletes an object",
        },
      ],
    },
  },
  {
    name: 'EventBridge events from other services are rejected',
    input: fixture('eventbridge-from-other-source.json'),
    expected: {
      viaSqs: false,
      records: [
        { recordId: 'c0ffee00-0000-4000-8000-000000000001', status: 'rejected', reason: "EventBridge event comes from 'aws.ec2', not from S3 (aws.s3)" },
      ],
    },
  },
  {
    name: 's3:TestEvent in SQS is acknowledged and ignored',
    input: fixture('s3-test-event-via-sqs.json'),
    expected: {
      viaSqs: true,
      records: [
        { recordId: 'f0e1d2c3-b4a5-4968-8776-5a4b3c2d1e0f', status: 'ignored', reason: `SQS message f0e1d2c3-b4a5-4968-8776-5a4b3c2d1e0f: ${TEST_EVENT_REASON}` },
      ],
    },
  },
  {
    name: 's3:TestEvent inside SNS inside SQS is ignored too',
    input: fixture('s3-test-event-via-sns-via-sqs.json'),
    expected: {
      viaSqs: true,
      records: [
        { recordId: 'e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7', status: 'ignored', reason: `SQS message e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7: ${TEST_EVENT_REASON}` },
      ],
    },
  },
  {
    name: 'direct invocation: key taken literally (no decoding), destinations carried, time from the clock',
    input: fixture('direct-invocation.json'),
    expected: {
      viaSqs: false,
      records: [
        {
          recordId: 'direct-invocation',
          status: 'events',
          events: [
            directExpected('global-builds', 'builds/2026/app 1.4.2+hotfix.zip', ['builds-eu-west-1', 'builds-us-east-1', 'builds-ap-southeast-2']),
          ],
        },
      ],
    },
  },
  {
    name: 'direct invocation without destinationBuckets leaves them to the route',
    input: fixture('direct-invocation-without-destinations.json'),
    expected: {
      viaSqs: false,
      records: [{ recordId: 'direct-invocation', status: 'events', events: [directExpected('global-builds', 'builds/2026/app-1.4.3.zip')] }],
    },
  },
  {
    name: 'direct invocation with an empty destination bucket name is rejected',
    input: fixture('direct-invocation-bad-destinations.json'),
    expected: {
      viaSqs: false,
      records: [
        { recordId: 'direct-invocation', status: 'rejected', reason: 'direct invocation has destinationBuckets[1] as an empty string, expected a bucket name' },
      ],
    },
  },
  {
    name: 'direct invocation with a misspelt field is rejected rather than silently using route destinations',
    input: fixture('direct-invocation-typo.json'),
    expected: {
      viaSqs: false,
      records: [
        {
          recordId: 'direct-invocation',
          status: 'rejected',
          reason: "direct invocation has unknown field 'destinationBucket' (expected sourceBucket, sourceKey, destinationBuckets)",
        },
      ],
    },
  },
  {
    name: 'a batch with malformed messages among good ones: each bad message rejected with its reason, the rest normalised',
    input: fixture('batch-with-one-malformed-message.json'),
    expected: {
      viaSqs: true,
      records: [
        {
          recordId: '11111111-1111-4111-8111-111111111111',
          status: 'events',
          events: [
            expected({
              queueArn: SQS_QUEUE,
              origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'change-metadata',
              key: 'customers/acme/CHG-1.json', size: 10, eTag: 'a1', sequencer: '21', eventTime: S3_TIME, region: 'eu-west-1',
            }),
          ],
        },
        {
          recordId: '7f3c9e2a-2222-4222-8222-222222222222',
          status: 'rejected',
          reason: 'SQS message 7f3c9e2a-2222-4222-8222-222222222222 body is not JSON (Expected double-quoted property name in JSON at position 40)',
        },
        {
          recordId: '33333333-3333-4333-8333-333333333333',
          status: 'rejected',
          reason: 'SQS message 33333333-3333-4333-8333-333333333333: S3 record 2 has no s3.object.key',
        },
        {
          recordId: '44444444-4444-4444-8444-444444444444',
          status: 'events',
          events: [
            expected({
              queueArn: SQS_QUEUE,
              origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'change-metadata',
              key: 'customers/globex/CHG-3.json', size: 11, eTag: 'a4', sequencer: '24', eventTime: S3_TIME, region: 'eu-west-1',
            }),
          ],
        },
        {
          recordId: '55555555-5555-4555-8555-555555555555',
          status: 'rejected',
          reason: `SQS message 55555555-5555-4555-8555-555555555555: payload with fields {hello} is not a supported event; expected ${SUPPORTED}`,
        },
        {
          recordId: '66666666-6666-4666-8666-666666666666',
          status: 'rejected',
          reason: "SQS message 66666666-6666-4666-8666-666666666666: S3 record 1 has eventVersion '3.0'; only 2.x is supported",
        },
      ],
    },
  },
  {
    name: 'moto capture (integration harness): S3 notification body with %2F and + in the key',
    input: fixture('moto-s3-via-sqs.json'),
    expected: {
      viaSqs: false,
      records: [
        {
          recordId: 's3-record-1',
          status: 'events',
          events: [
            expected({
              origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'ingest-bucket',
              key: 'incoming/red flower.jpg', size: 16, eTag: '162cda817f978f4efeb3b1a8b951a4c3',
              eventTime: '2026-11-23T15:15:40.915Z', region: 'us-east-1',
            }),
          ],
        },
      ],
    },
  },
  {
    name: "moto capture (integration harness): EventBridge body with eTag spelling and version-id 'null', keys raw",
    input: fixture('moto-eventbridge-via-sqs.json'),
    options: { eventBridgeKeys: 'raw' },
    expected: {
      viaSqs: false,
      records: [
        {
          recordId: '17793124-05d4-b198-2fde-7ededc63b103',
          status: 'events',
          events: [
            expected({
              origin: 'eventbridge', kind: 'created', eventName: 'Object Created', bucket: 'eb-ingest-bucket',
              key: 'incoming/red flower.jpg', size: 16, eTag: '162cda817f978f4efeb3b1a8b951a4c3',
              sequencer: '617f08299329d189', eventTime: '2026-11-23T15:15:41Z', region: 'us-east-1',
            }),
          ],
        },
      ],
    },
  },
];

const s3Body = (object: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  Records: [
    {
      eventVersion: '2.2', eventSource: 'aws:s3', awsRegion: 'eu-west-1', eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: 'b' }, object },
      ...extra,
    },
  ],
});
const sqs = (messageId: string, body: string) => ({ Records: [{ messageId, eventSource: 'aws:sqs', body }] });

const inlineCases: Case[] = [
  {
    name: 'input that is not an object is rejected, not thrown',
    input: 'hello',
    expected: { viaSqs: false, records: [{ recordId: 'input', status: 'rejected', reason: `payload is a string, expected ${SUPPORTED}` }] },
  },
  {
    name: 'null input is rejected',
    input: null,
    expected: { viaSqs: false, records: [{ recordId: 'input', status: 'rejected', reason: `payload is null, expected ${SUPPORTED}` }] },
  },
  {
    name: 'an empty Records list is rejected',
    input: { Records: [] },
    expected: { viaSqs: false, records: [{ recordId: 'input', status: 'rejected', reason: 'input has an empty Records list' }] },
  },
  {
    name: 'any 2.x eventVersion is accepted and a missing eventTime falls back to the clock',
    input: s3Body({ key: 'k', size: 0 }),
    expected: {
      viaSqs: false,
      records: [
        {
          recordId: 's3-record-1',
          status: 'events',
          events: [expected({ origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'b', key: 'k', size: 0, eventTime: NOW, region: 'eu-west-1' })],
        },
      ],
    },
  },
  {
    name: 'a size that is not a byte count is rejected naming the field',
    input: s3Body({ key: 'k', size: '12' }),
    expected: { viaSqs: false, records: [{ recordId: 's3-record-1', status: 'rejected', reason: 'S3 record 1 has s3.object.size "12", expected a byte count' }] },
  },
  {
    name: 'an unreadable eventTime is rejected naming the value',
    input: s3Body({ key: 'k' }, { eventTime: 'yesterday' }),
    expected: { viaSqs: false, records: [{ recordId: 's3-record-1', status: 'rejected', reason: 'S3 record 1 eventTime is not an ISO-8601 time: "yesterday"' }] },
  },
  {
    name: 'a record with a non-S3 eventSource is rejected',
    input: { Records: [{ eventVersion: '2.1', eventSource: 'aws:sns', eventName: 'ObjectCreated:Put' }] },
    expected: { viaSqs: false, records: [{ recordId: 's3-record-1', status: 'rejected', reason: "S3 record 1 has eventSource 'aws:sns', expected 'aws:s3'" }] },
  },
  {
    name: 'an SNS envelope whose Message is not JSON is rejected inside its SQS message',
    input: sqs('m-1', JSON.stringify({ Type: 'Notification', MessageId: 'sns-1', TopicArn: 'arn:aws:sns:eu-west-1:1:t', Message: 'not json' })),
    expected: {
      viaSqs: true,
      records: [
        { recordId: 'm-1', status: 'rejected', reason: "SQS message m-1: SNS message sns-1 Message is not JSON (Unexpected token 'o', \"not json\" is not valid JSON)" },
      ],
    },
  },
  {
    name: 'an SNS SubscriptionConfirmation is acknowledged and ignored',
    input: sqs('m-2', JSON.stringify({ Type: 'SubscriptionConfirmation', MessageId: 'sns-2', TopicArn: 'arn:aws:sns:eu-west-1:1:t', Message: 'confirm' })),
    expected: {
      viaSqs: true,
      records: [{ recordId: 'm-2', status: 'ignored', reason: 'SQS message m-2: SNS message sns-2 is a SubscriptionConfirmation, not a Notification' }],
    },
  },
  {
    name: 'an SQS record without a messageId gets a positional id and is rejected',
    input: { Records: [{ eventSource: 'aws:sqs', body: '{}' }] },
    expected: { viaSqs: true, records: [{ recordId: 'sqs-record-1', status: 'rejected', reason: 'SQS record 1 has no messageId' }] },
  },
  {
    name: 'EventBridge keys are form-URL-decoded by default, so an invalid escape rejects the event',
    input: {
      id: 'eb-1', 'detail-type': 'Object Created', source: 'aws.s3', time: EB_TIME,
      detail: { bucket: { name: 'b' }, object: { key: '50%off.txt', size: 1, etag: 'x' } },
    },
    expected: { viaSqs: false, records: [{ recordId: 'eb-1', status: 'rejected', reason: "EventBridge event: key '50%off.txt' is not valid URL encoding (a '%' not followed by two hex digits)" }] },
  },
  {
    name: "eventBridgeKeys 'raw' (moto) takes the EventBridge key literally, + included",
    input: {
      id: 'eb-2', 'detail-type': 'Object Created', source: 'aws.s3', time: 1772619072,
      detail: { bucket: { name: 'b' }, object: { key: 'c++ 50%.txt', size: 1, eTag: 'x', 'version-id': 'null' } },
    },
    options: { eventBridgeKeys: 'raw' },
    expected: {
      viaSqs: false,
      records: [
        {
          recordId: 'eb-2',
          status: 'events',
          events: [expected({ origin: 'eventbridge', kind: 'created', eventName: 'Object Created', bucket: 'b', key: 'c++ 50%.txt', size: 1, eTag: 'x', eventTime: '2026-03-04T10:11:12.000Z' })],
        },
      ],
    },
  },
  {
    name: 'direct invocation with destinationBuckets that is not an array is rejected',
    input: { sourceBucket: 'b', sourceKey: 'k', destinationBuckets: 'x' },
    expected: {
      viaSqs: false,
      records: [{ recordId: 'direct-invocation', status: 'rejected', reason: 'direct invocation has destinationBuckets as a string, expected an array of bucket names' }],
    },
  },
  {
    name: 'direct invocation with an empty destinationBuckets list is rejected',
    input: { sourceBucket: 'b', sourceKey: 'k', destinationBuckets: [] },
    expected: {
      viaSqs: false,
      records: [
        { recordId: 'direct-invocation', status: 'rejected', reason: "direct invocation has an empty destinationBuckets; leave it out to use the route's own destinations" },
      ],
    },
  },
  {
    name: 'direct invocation without sourceKey is rejected',
    input: { sourceBucket: 'b' },
    expected: { viaSqs: false, records: [{ recordId: 'direct-invocation', status: 'rejected', reason: 'direct invocation has no sourceKey' }] },
  },
];

describe('normaliseInput', () => {
  it.each([...fixtureCases, ...inlineCases])('$name', ({ input, options, expected: want }) => {
    expect(normaliseInput(input, now, options)).toStrictEqual(want);
  });
});

describe('the queue an SQS message was read from', () => {
  const body = JSON.stringify(s3Body({ key: 'k', size: 1, eTag: 'e', sequencer: '01' }));
  const read = (extra: Record<string, unknown>) => normaliseInput({ Records: [{ messageId: 'm1', eventSource: 'aws:sqs', body, ...extra }] }, now).records[0];

  it("is carried on each event as queueArn (matching tells an operator's queue from the intake queue by it)", () => {
    const record = read({ eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:operator-queue' });
    expect(record?.status === 'events' ? record.events.map((e) => e.queueArn) : record).toEqual(['arn:aws:sqs:eu-west-1:123456789012:operator-queue']);
  });

  it('does not change the event id: the same change read from two queues is one event', () => {
    const a = read({ eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:operator-queue' });
    const b = read({ eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:intake' });
    const ids = [a, b].map((record) => (record?.status === 'events' ? record.events[0]?.id : undefined));
    expect(ids[0]).toBeDefined();
    expect(ids[0]).toBe(ids[1]);
  });

  it('is absent when the record names no queue', () => {
    const record = read({});
    expect(record?.status === 'events' ? record.events[0] : record).not.toHaveProperty('queueArn');
  });
});

describe('decodeFormUrlEncodedKey', () => {
  const cases: { name: string; encoded: string; key?: string; reason?: string }[] = [
    { name: '+ is a space', encoded: 'red+flower.jpg', key: 'red flower.jpg' },
    { name: '%2B is a plus', encoded: 'c%2B%2B', key: 'c++' },
    { name: '%2F is a slash (moto)', encoded: 'a%2Fb', key: 'a/b' },
    { name: 'UTF-8 escapes become unicode', encoded: '%E6%97%A5%E6%9C%AC', key: '日本' },
    { name: 'decoded once: %2525 stays %25', encoded: '%2525', key: '%25' },
    { name: 'a lone percent is not valid', encoded: '100%', reason: "key '100%' is not valid URL encoding (a '%' not followed by two hex digits)" },
    { name: 'bytes that are not UTF-8 are not valid', encoded: '%FF', reason: "key '%FF' does not decode to valid UTF-8: S3 keys are UTF-8, so this event was not written by S3 or was mangled on the way; nothing is routed (it goes to the dead-letter queue to be looked at)" },
    { name: 'a truncated UTF-8 sequence is not valid', encoded: 'caf%C3', reason: "key 'caf%C3' does not decode to valid UTF-8: S3 keys are UTF-8, so this event was not written by S3 or was mangled on the way; nothing is routed (it goes to the dead-letter queue to be looked at)" },
  ];
  it.each(cases)('$name', ({ encoded, key, reason }) => {
    expect(decodeFormUrlEncodedKey(encoded)).toStrictEqual(key !== undefined ? { ok: true, key } : { ok: false, reason });
  });
});

describe('objectEventId', () => {
  const base = { bucket: 'b', key: 'k', eTag: 'e', sequencer: '01' };
  const cases: { name: string; a: Parameters<typeof objectEventId>[0]; b: Parameters<typeof objectEventId>[0]; same: boolean }[] = [
    { name: 'redelivery of the same change has the same id', a: base, b: { ...base }, same: true },
    { name: 'a later change (new sequencer) has a new id', a: base, b: { ...base, sequencer: '02' }, same: false },
    { name: 'another key has another id', a: base, b: { ...base, key: 'k2' }, same: false },
    { name: 'the versionId is preferred over the eTag', a: { ...base, versionId: 'v1' }, b: { ...base, versionId: 'v1', eTag: 'other' }, same: true },
    { name: "version 'null' names no version, so the eTag decides", a: { ...base, versionId: 'null' }, b: { ...base, eTag: 'other', versionId: 'null' }, same: false },
    { name: 'a quoted eTag is the same eTag', a: base, b: { ...base, eTag: '"e"' }, same: true },
    { name: 'field boundaries cannot be confused', a: { bucket: 'ab', key: 'c' }, b: { bucket: 'a', key: 'bc' }, same: false },
  ];
  it.each(cases)('$name', ({ a, b, same }) => {
    expect(objectEventId(a) === objectEventId(b)).toBe(same);
  });

  it('is pinned across releases (in-flight de-duplication keys must survive a deploy)', () => {
    // sha256 of the JSON array [bucket, key, versionId, sequencer], first 16 hex digits, computed outside Node.
    const id = objectEventId({
      bucket: 'my-ingestion-bucket', key: 'incoming/red flower.jpg',
      versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko', eTag: '0123456789abcdef0123456789abcdef', sequencer: '0A1B2C3D4E5F678901',
    });
    expect(id).toBe('3c61c493d08e251c');
  });
});
