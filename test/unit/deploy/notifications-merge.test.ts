/** Merging Switchyard's notification entries into a bucket's configuration: what is kept, what is replaced, and the overlaps S3 refuses. */
import { describe, expect, it } from 'vitest';
import { mergeNotifications, type NotificationEntry } from '../../../deploy/notifications/merge.ts';

const filter = (prefix?: string, suffix?: string): NotificationEntry['Filter'] => ({
  Key: { FilterRules: [...(prefix !== undefined ? [{ Name: 'prefix', Value: prefix }] : []), ...(suffix !== undefined ? [{ Name: 'suffix', Value: suffix }] : [])] },
});
const ours = (prefix?: string, suffix?: string): NotificationEntry => ({ Id: 'switchyard-router', QueueArn: 'arn:aws:sqs:eu-west-1:1:intake', Events: ['s3:ObjectCreated:*'], Filter: filter(prefix, suffix) });
const theirs = (events: string[], prefix?: string, suffix?: string): NotificationEntry => ({ Id: 'thumbnails', TopicArn: 'arn:aws:sns:eu-west-1:1:thumbs', Events: events, Filter: filter(prefix, suffix) });

describe('mergeNotifications', () => {
  it("keeps other tools' entries, replaces Switchyard's own by Id, and keeps EventBridge delivery on", () => {
    const current = { TopicConfigurations: [theirs(['s3:ObjectCreated:*'], 'images/')], QueueConfigurations: [{ ...ours('old/'), QueueArn: 'arn:aws:sqs:eu-west-1:1:old' }], EventBridgeConfiguration: {} };
    const result = mergeNotifications('b', current, { QueueConfigurations: [ours('customers/', '.json')] }, 'switchyard');
    expect(result.configuration).toEqual({ QueueConfigurations: [ours('customers/', '.json')], TopicConfigurations: [theirs(['s3:ObjectCreated:*'], 'images/')], EventBridgeConfiguration: {} });
    expect({ replaced: result.replaced, added: result.added, kept: result.kept }).toEqual({ replaced: ['switchyard-router'], added: [], kept: ['thumbnails'] });
  });

  it('adds EventBridge delivery where a route needs it, and says so', () => {
    const result = mergeNotifications('b', {}, { EventBridgeConfiguration: {} }, 'switchyard');
    expect(result.configuration).toEqual({ EventBridgeConfiguration: {} });
    expect(result.eventBridgeAdded).toBe(true);
  });

  it.each([
    ['the same prefix', ours('customers/'), theirs(['s3:ObjectCreated:Put'], 'customers/'), true],
    ['a prefix inside the other', ours('customers/'), theirs(['s3:ObjectCreated:*'], 'customers/hts/'), true],
    ['no filter against any filter', ours(), theirs(['s3:ObjectCreated:*'], 'images/', '.png'), true],
    ['disjoint prefixes', ours('customers/'), theirs(['s3:ObjectCreated:*'], 'images/'), false],
    ['the same prefix, disjoint suffixes', ours('data/', '.json'), theirs(['s3:ObjectCreated:*'], 'data/', '.png'), false],
    ['overlapping filters, other event types', ours('data/'), theirs(['s3:ObjectRemoved:*'], 'data/'), false],
  ] as const)('%s: refused %s', (_name, mine, other, refused) => {
    const merge = (): unknown => mergeNotifications('metadata', { TopicConfigurations: [other] }, { QueueConfigurations: [mine] }, 'switchyard');
    if (refused) expect(merge).toThrow(/bucket metadata: Switchyard's entry switchyard-router .* overlaps entry thumbnails .* which S3 refuses\. Give one of them a prefix or suffix/);
    else expect(merge).not.toThrow();
  });
});

describe("mergeNotifications: Switchyard's entries the routes no longer want", () => {
  const oldQueue: NotificationEntry = { ...ours('customers/'), QueueArn: 'arn:aws:sqs:eu-west-1:1:switchyard-shard-0-b-events' };

  it.each([
    ['moved to EventBridge: the old intake queue entry goes, EventBridge delivery comes, the other tool stays', { EventBridgeConfiguration: {} }, ['switchyard-router'], ['thumbnails']],
    ['no route left at all: the entry goes, the other tool stays', {}, ['switchyard-router'], ['thumbnails']],
  ] as const)('%s', (_name, desired, removed, kept) => {
    const result = mergeNotifications('b', { QueueConfigurations: [oldQueue], TopicConfigurations: [theirs(['s3:ObjectCreated:*'], 'images/')] }, desired, 'switchyard');
    expect(result.configuration.QueueConfigurations).toBeUndefined();
    expect(result.configuration.TopicConfigurations?.map((e) => e.Id)).toEqual(['thumbnails']);
    expect({ removed: result.removed, kept: result.kept, replaced: result.replaced }).toEqual({ removed, kept, replaced: [] });
  });

  it.each([
    ['switchyard-router', true],
    ['switchyard-shard-1-router', true],
    ['switchyard-core-router', true],
    ['switchyard-audit', false],
    ['switchyard-eu-router', false],
    ['switchyard-eu-shard-1-router', false],
    ['other-deployment-router', false],
    ['router', false],
    [undefined, false],
  ] as const)('an entry with Id %s is Switchyard\'s own (removed when not wanted): %s', (id, removed) => {
    const entry: NotificationEntry = { ...(id !== undefined ? { Id: id } : {}), QueueArn: 'arn:aws:sqs:eu-west-1:1:q', Events: ['s3:ObjectRemoved:*'] };
    const result = mergeNotifications('b', { QueueConfigurations: [entry] }, { EventBridgeConfiguration: {} }, 'switchyard');
    expect(result.removed).toEqual(removed ? [id] : []);
    expect(result.configuration.QueueConfigurations ?? []).toHaveLength(removed ? 0 : 1);
  });
});
