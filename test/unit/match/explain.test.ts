import { describe, expect, it } from 'vitest';
import { explainStructural } from '../../../engine/match/explain.ts';
import { operatorQueuesOf } from '../../../engine/match/trigger.ts';
import type { StructuralEvent, StructuralMatch } from '../../../engine/match/structural.ts';

const OPERATOR_QUEUE = 'arn:aws:sqs:us-east-1:123456789012:operator-queue';

const changeNotifications: StructuralMatch = {
  route: 'change-notifications',
  bucket: 'my-bucket',
  prefixes: ['customers/', 'customers/acme/'],
  excludePrefixes: ['drafts/', 'customers/acme/drafts/'],
  suffixes: ['.json'],
  ignoreCase: false,
  kinds: ['created'],
};

const exports: StructuralMatch = {
  route: 'artifacts-export',
  bucket: 'my-bucket',
  prefixes: [],
  excludePrefixes: ['drafts/'],
  suffixes: ['.jpg', '.pdf'],
  ignoreCase: true,
  kinds: [],
};

const everything: StructuralMatch = { ...exports, excludePrefixes: [], suffixes: [], prefixes: [''] };

function event(key: string, overrides: Partial<StructuralEvent> = {}): StructuralEvent {
  return { bucket: 'my-bucket', key, kind: 'created', ...overrides };
}

const cases: { name: string; spec: StructuralMatch; event: StructuralEvent; matched: boolean; reason: string }[] = [
  {
    name: 'names both buckets when the bucket differs',
    spec: changeNotifications,
    event: event('customers/x.json', { bucket: 'other-bucket' }),
    matched: false,
    reason: 'bucket is other-bucket, route listens on my-bucket',
  },
  {
    name: 'names the event kind and the kinds listened to',
    spec: changeNotifications,
    event: event('customers/x.json', { kind: 'deleted' }),
    matched: false,
    reason: 'event is deleted, route listens on [created]',
  },
  {
    name: 'lists the prefixes when the key is under none of them',
    spec: changeNotifications,
    event: event('drafts/x.json'),
    matched: false,
    reason: 'key drafts/x.json is not under any of [customers/, customers/acme/]',
  },
  {
    name: 'names the excluded prefix the key is under',
    spec: exports,
    event: event('drafts/x.json'),
    matched: false,
    reason: 'key drafts/x.json is under excluded prefix drafts/',
  },
  {
    name: 'names the most specific excluded prefix',
    spec: changeNotifications,
    event: event('customers/acme/drafts/x.json'),
    matched: false,
    reason: 'key customers/acme/drafts/x.json is under excluded prefix customers/acme/drafts/',
  },
  {
    name: "shows the key's extension against the suffix list",
    spec: { ...exports, ignoreCase: false },
    event: event('photos/a.png'),
    matched: false,
    reason: 'suffix .png not in [.jpg, .pdf]',
  },
  {
    name: 'says when the suffix comparison ignored case',
    spec: exports,
    event: event('photos/a.png'),
    matched: false,
    reason: 'suffix .png not in [.jpg, .pdf] (ignoring case)',
  },
  {
    name: 'shows the whole key when it has no extension',
    spec: { ...exports, ignoreCase: false },
    event: event('photos.d/README'),
    matched: false,
    reason: 'key photos.d/README does not end with any of [.jpg, .pdf]',
  },
  {
    name: 'names the bucket, the most specific prefix and the suffix that matched',
    spec: changeNotifications,
    event: event('customers/acme/2024/change.json'),
    matched: true,
    reason: 'matched bucket my-bucket, prefix customers/acme/, suffix .json',
  },
  {
    name: 'names the suffix as written in the route when case was ignored',
    spec: exports,
    event: event('scans/A.PDF', { kind: 'deleted' }),
    matched: true,
    reason: 'matched bucket my-bucket, any prefix, suffix .pdf',
  },
  {
    name: "names the route's channel and the event's when an S3 notification meets an eventbridge route",
    spec: { ...changeNotifications, trigger: 'eventbridge' },
    event: event('customers/x.json', { origin: 's3-notification' }),
    matched: false,
    reason: 'route listens to eventbridge events; this is an s3-notification event',
  },
  {
    name: 'an sqs route takes what is read from its queue: EventBridge events too',
    spec: { ...changeNotifications, trigger: 'sqs', queueArn: OPERATOR_QUEUE },
    event: event('customers/x.json', { origin: 'eventbridge', queueArn: OPERATOR_QUEUE }),
    matched: true,
    reason: expect.stringContaining('matched'),
  },
  {
    name: "an sqs route does not take an EventBridge rule's own invocation (no queue): the bucket's eventbridge routes do",
    spec: { ...changeNotifications, trigger: 'sqs', queueArn: OPERATOR_QUEUE },
    event: event('customers/x.json', { origin: 'eventbridge' }),
    matched: false,
    reason: `route reads queue ${OPERATOR_QUEUE}; this is an eventbridge event read from no queue`,
  },
  {
    name: 'says a manual route runs only by direct invocation or backfill',
    spec: { ...changeNotifications, trigger: 'manual' },
    event: event('customers/x.json', { origin: 's3-notification' }),
    matched: false,
    reason: 'route runs only by hand (trigger: manual: direct invocation or backfill); this is an s3-notification event',
  },
  {
    name: 'a direct invocation reaches a manual route (the key rules decide)',
    spec: { ...changeNotifications, trigger: 'manual' },
    event: event('customers/x.json', { origin: 'direct' }),
    matched: true,
    reason: 'matched bucket my-bucket, prefix customers/, suffix .json',
  },
  {
    name: 'the bucket is named before the trigger',
    spec: { ...changeNotifications, trigger: 'eventbridge' },
    event: event('customers/x.json', { bucket: 'other-bucket', origin: 's3-notification' }),
    matched: false,
    reason: 'bucket is other-bucket, route listens on my-bucket',
  },
  {
    name: 'shows an empty-string prefix as ""',
    spec: everything,
    event: event('x'),
    matched: true,
    reason: 'matched bucket my-bucket, prefix "", any suffix',
  },
];

describe('explainStructural', () => {
  it.each(cases)('$name', ({ spec, event, matched, reason }) => {
    expect(explainStructural(spec, event, operatorQueuesOf([spec]))).toEqual({ matched, reason });
  });
});
