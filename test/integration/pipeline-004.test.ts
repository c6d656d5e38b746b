/**
 * Seed 004 (change notifications) end to end against moto: S3 → SQS for customers/*.json, the
 * customer's queue, an email through the customer's own SES (assumed role, contact list and
 * topic), the archive copy; redelivery sends nothing twice; retries through the fault proxy.
 */
import { CreateContactCommand, CreateContactListCommand, CreateEmailIdentityCommand } from '@aws-sdk/client-sesv2';
import type { Message } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from 'vitest';
import { Pipeline, type InputReport } from '../../engine/pipeline.ts';
import { readSentEmails } from './support/aws-env.ts';
import { useMotoBehindFaultProxy } from './support/moto-behind-proxy.ts';
import { lambdaSqsEvent, motoPorts, objectExists, onlyRoute, putObject, readObject, receiveDeliveries, seedRoutes } from './pipeline-support.ts';

const SES_ROLE = { roleArn: 'arn:aws:iam::555555555555:role/switchyard-ses-sender', externalId: 'hts-changes' };
const STATE = 'switchyard-state';
const CHANGE_ID = '550e8400-e29b-41d4-a716-446655440000';
const KEY = `customers/hts/${CHANGE_ID}-v1.json`;

const world = useMotoBehindFaultProxy(4);
let events: { url: string; arn: string };
let customerQueue: { url: string; arn: string };
const routes = seedRoutes().filter((r) => r.name === 'change-notifications');

function change(status: string): Record<string, unknown> {
  return {
    changeId: CHANGE_ID,
    version: 1,
    status,
    changeMetadata: {
      title: 'Configure Proof-of-Value exercise with FinOut',
      customerCodes: ['hts'],
      tickets: { serviceNow: 'CHG0123456', jira: 'INFRA-2847' },
      schedule: { beginDate: '2025-09-20', beginTime: '10:00', endDate: '2025-09-20', endTime: '17:00', timezone: 'America/New_York' },
      changeReason: 'Evaluate new cost management platform',
    },
    emailNotification: { subject: 'ITSM Change Notification: Configure Proof-of-Value exercise' },
  };
}

beforeEach(async () => {
  for (const bucket of ['metadata-trigger-bucket', 'change-config', STATE]) await world.env.createBucket(bucket);
  await putObject(
    world.env,
    'change-config',
    'customers.json',
    JSON.stringify({ hts: { queue: 'change-notifications-hts', sesRoleArn: SES_ROLE.roleArn, externalId: SES_ROLE.externalId, contactList: 'hts-change-contacts', from: 'changes@hts.example.com' } }),
  );
  customerQueue = await world.env.createQueue('change-notifications-hts');
  events = await world.env.createQueue('change-events');
  await world.env.configureS3ToSqs('metadata-trigger-bucket', events.arn, { prefix: 'customers/', suffix: '.json' });
  // The customer's own SES, in the customer's account: reached through the assumed role (moto accepts any role).
  const { resolver } = await motoPorts(world.moto.endpoint, { sesRoles: [SES_ROLE] });
  const ses = (await resolver.clientsFor(SES_ROLE)).sesv2;
  await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'changes@hts.example.com' }));
  await ses.send(
    new CreateContactListCommand({
      ContactListName: 'hts-change-contacts',
      Topics: [
        { TopicName: 'aws-approval', DisplayName: 'Approvals', DefaultSubscriptionStatus: 'OPT_OUT' },
        { TopicName: 'aws-announce', DisplayName: 'Announcements', DefaultSubscriptionStatus: 'OPT_OUT' },
      ],
    }),
  );
  await ses.send(new CreateContactCommand({ ContactListName: 'hts-change-contacts', EmailAddress: 'approver@hts.example.com', TopicPreferences: [{ TopicName: 'aws-approval', SubscriptionStatus: 'OPT_IN' }] }));
  // Explicit OPT_OUT: moto's ListContacts gives no TopicDefaultPreferences, so the list's default cannot be relied on.
  await ses.send(
    new CreateContactCommand({
      ContactListName: 'hts-change-contacts',
      EmailAddress: 'reader@hts.example.com',
      TopicPreferences: [
        { TopicName: 'aws-announce', SubscriptionStatus: 'OPT_IN' },
        { TopicName: 'aws-approval', SubscriptionStatus: 'OPT_OUT' },
      ],
    }),
  );
});

async function submit(status: string): Promise<{ messages: Message[]; body: string }> {
  const body = JSON.stringify(change(status), null, 2);
  await putObject(world.env, 'metadata-trigger-bucket', KEY, body, { contentType: 'application/json', tags: { customer: 'hts' } });
  return { messages: await receiveDeliveries(world.env, events.url, 1), body };
}

function archiveKey(report: InputReport): string {
  const eventTime = report.records.flatMap((r) => r.events)[0]?.event.eventTime ?? '';
  const day = new Date(eventTime).toISOString().slice(0, 10).replaceAll('-', '/');
  return `archive/${day}/${CHANGE_ID}-v1.json`;
}

describe('seed 004: change notifications', () => {
  it("a submitted change goes to the customer's queue, is emailed to the aws-approval topic through the customer's SES, and is archived", async () => {
    const { messages, body } = await submit('submitted');
    const { ports } = await motoPorts(world.moto.endpoint, { sesRoles: [SES_ROLE] });

    const report = await new Pipeline({ routes, ports, stateBucket: STATE }).processInput(lambdaSqsEvent(messages, events.arn));

    expect(report.batchItemFailures).toEqual([]);
    const route = onlyRoute(report, 'change-notifications');
    expect(route.results.map((r) => [r.actionId, r.outcome])).toEqual([
      ['customer-queue', 'succeeded'],
      ['customer-email', 'succeeded'],
      ['archive', 'succeeded'],
    ]);
    const queued = await world.env.receiveAll(customerQueue.url);
    expect(queued).toHaveLength(1);
    const sent = JSON.parse(queued[0]?.Body ?? '{}') as Record<string, unknown>;
    expect(sent).toEqual({
      action_type: 'approval-request',
      customer_code: 'hts',
      execution_id: report.records.flatMap((r) => r.events)[0]?.event.id,
      timestamp: report.records.flatMap((r) => r.events)[0]?.event.eventTime,
      metadata: change('submitted'),
    });
    const emails = await readSentEmails(world.moto.endpoint);
    expect(emails.map((e) => ({ source: e.source, destinations: e.destinations, subject: e.subject }))).toEqual([
      { source: 'changes@hts.example.com', destinations: { ToAddresses: ['approver@hts.example.com'] }, subject: 'ITSM Change Notification: Configure Proof-of-Value exercise' },
    ]);
    expect(emails[0]?.body).toContain('<h2>Configure Proof-of-Value exercise with FinOut</h2>');
    expect(emails[0]?.body).toContain('Your approval is requested.');
    const archived = await readObject(world.env, 'metadata-trigger-bucket', archiveKey(report));
    expect(archived.body.toString('utf8')).toBe(body);
    expect(archived.contentType).toBe('application/json');
    expect(archived.metadata).toEqual({ 'switchyard-route': 'change-notifications' });
    expect(archived.tags).toEqual({ customer: 'hts' });
  });

  it('a cancelled change is queued and archived but emails nobody', async () => {
    const { messages } = await submit('cancelled');
    const { ports } = await motoPorts(world.moto.endpoint, { sesRoles: [SES_ROLE] });

    const report = await new Pipeline({ routes, ports, stateBucket: STATE }).processInput(lambdaSqsEvent(messages, events.arn));

    const route = onlyRoute(report, 'change-notifications');
    expect(route.skipped).toEqual([{ actionId: 'customer-email', reason: 'when is false' }]);
    expect(JSON.parse((await world.env.receiveAll(customerQueue.url))[0]?.Body ?? '{}')).toMatchObject({ action_type: 'notification', metadata: { status: 'cancelled' } });
    expect(await readSentEmails(world.moto.endpoint)).toEqual([]);
    expect(await objectExists(world.env, 'metadata-trigger-bucket', archiveKey(report))).toBe(true);
  });

  it('the same SQS event processed twice sends one message and one email: the second time is duplicate', async () => {
    const { messages } = await submit('submitted');
    const { ports } = await motoPorts(world.moto.endpoint, { sesRoles: [SES_ROLE] });
    const pipeline = new Pipeline({ routes, ports, stateBucket: STATE });
    const event = lambdaSqsEvent(messages, events.arn);

    const first = await pipeline.processInput(event);
    const second = await pipeline.processInput(event);

    const outcomes = (report: InputReport) => onlyRoute(report, 'change-notifications').results.map((r) => [r.actionId, r.outcome]);
    expect(outcomes(first)).toEqual([['customer-queue', 'succeeded'], ['customer-email', 'succeeded'], ['archive', 'succeeded']]);
    expect(outcomes(second)).toEqual([['customer-queue', 'duplicate'], ['customer-email', 'duplicate'], ['archive', 'succeeded']]);
    expect(second.batchItemFailures).toEqual([]);
    expect(await world.env.receiveAll(customerQueue.url)).toHaveLength(1);
    expect(await readSentEmails(world.moto.endpoint)).toHaveLength(1);
  });

  it('through the fault proxy (SlowDown on the first 2 CopyObject, a reset on the first SendMessage) everything lands once, with retries counted', async () => {
    const { messages } = await submit('submitted');
    world.proxy.setRules([
      { method: 'PUT', header: { name: 'x-amz-copy-source' }, action: { status: 503, s3Error: 'SlowDown' }, count: 2 },
      { header: { name: 'x-amz-target', value: /SendMessage$/ }, action: { reset: true }, count: 1 },
    ]);
    const { ports } = await motoPorts(world.proxy.endpoint, { fastClock: true, sesRoles: [SES_ROLE] });

    const report = await new Pipeline({ routes, ports, stateBucket: STATE }).processInput(lambdaSqsEvent(messages, events.arn));

    expect(world.proxy.stats.byRule).toEqual([2, 1]);
    expect(report.batchItemFailures).toEqual([]);
    const route = onlyRoute(report, 'change-notifications');
    expect(route.results.map((r) => [r.actionId, r.outcome, r.attempts])).toEqual([
      ['customer-queue', 'succeeded', 2],
      ['customer-email', 'succeeded', 1],
      ['archive', 'succeeded', 3],
    ]);
    expect(await world.env.receiveAll(customerQueue.url)).toHaveLength(1);
    expect(await readSentEmails(world.moto.endpoint)).toHaveLength(1);
    expect(await objectExists(world.env, 'metadata-trigger-bucket', archiveKey(report))).toBe(true);
  });
});
