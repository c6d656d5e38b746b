/**
 * The outside world the seed routes expect, created in moto around a deployed stack: source and
 * destination buckets, the configuration objects and SSM parameters the routes look up, the
 * customer's SES (contact list, topics, contacts) in its own account, the failure topics, and the
 * bucket → queue notifications CloudFormation leaves to the bucket owner (moto skips them too).
 */
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateContactCommand, CreateContactListCommand, CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';

export const MAPPINGS: Record<string, string[]> = {
  'intel-distribution': ['intel-east', 'intel-west'],
  'ops-distribution': ['ops-primary'],
};
export const EXPORT_ORGS: Record<string, string> = { acme: 'acme-export', globex: 'globex-export' };
export const REGIONAL_BUCKETS = ['region-a-builds', 'region-b-builds'];
export const SES_ROLE = { arn: 'arn:aws:iam::555555555555:role/switchyard-ses-sender', externalId: 'hts-changes' };
export const CUSTOMER = 'hts';
export const CUSTOMER_QUEUE = 'change-notifications-hts';
export const CONTACT_LIST = 'hts-change-contacts';
export const SENDER = 'changes@hts.example.com';
const SOURCE_BUCKETS = ['my-ingestion-bucket', 'artifacts-source', 'global-builds', 'metadata-trigger-bucket'];
const CONFIG_BUCKETS = ['artifacts-config', 'change-config'];
const FAILURE_TOPICS = ['one-to-many-failures', 'file-copy-failures', 'change-notification-failures', 'transfer-notifications'];

export interface WorldClients {
  s3: S3Client;
  sqs: SQSClient;
  ssm: SSMClient;
  sns: SNSClient;
  sts: STSClient;
  endpoint: string;
  region: string;
}

/** Notification queue URLs of the stack, by source bucket (from ListStackResources). */
export type NotificationQueues = Map<string, string>;

export async function createWorld(clients: WorldClients, notificationQueues: NotificationQueues, options: { exportRetries?: number } = {}): Promise<void> {
  const { s3 } = clients;
  const buckets = [...SOURCE_BUCKETS, ...CONFIG_BUCKETS, ...Object.values(MAPPINGS).flat(), ...Object.values(EXPORT_ORGS), ...REGIONAL_BUCKETS];
  for (const bucket of new Set(buckets)) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [key, targets] of Object.entries(MAPPINGS)) {
    await clients.ssm.send(new PutParameterCommand({ Name: `/pipeline/destination/${key}`, Value: targets.join(','), Type: 'String', Overwrite: true }));
  }
  const exportConfig = { customers: Object.entries(EXPORT_ORGS).map(([org, destinationBucket]) => ({ org, destinationBucket })), retry: options.exportRetries ?? 3 };
  await s3.send(new PutObjectCommand({ Bucket: 'artifacts-config', Key: 'export-config.json', Body: JSON.stringify(exportConfig), ContentType: 'application/json' }));
  const customers = { [CUSTOMER]: { queue: CUSTOMER_QUEUE, sesRoleArn: SES_ROLE.arn, externalId: SES_ROLE.externalId, contactList: CONTACT_LIST, from: SENDER } };
  await s3.send(new PutObjectCommand({ Bucket: 'change-config', Key: 'customers.json', Body: JSON.stringify(customers), ContentType: 'application/json' }));
  for (const topic of FAILURE_TOPICS) await clients.sns.send(new CreateTopicCommand({ Name: topic }));
  await customerSes(clients);
  for (const [bucket, queueUrl] of notificationQueues) {
    const arn = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    const filter = bucket === 'metadata-trigger-bucket' ? { Filter: { Key: { FilterRules: [{ Name: 'prefix' as const, Value: 'customers/' }, { Name: 'suffix' as const, Value: '.json' }] } } } : {};
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: { QueueConfigurations: [{ Id: 'switchyard', QueueArn: arn, Events: ['s3:ObjectCreated:*'], ...filter }] },
      }),
    );
  }
}

/** The customer's SES lives in the customer's account: reached through the role, as the route does. */
async function customerSes(clients: WorldClients): Promise<void> {
  const assumed = await clients.sts.send(new AssumeRoleCommand({ RoleArn: SES_ROLE.arn, RoleSessionName: 'soak-setup', ExternalId: SES_ROLE.externalId }));
  const c = assumed.Credentials;
  const ses = new SESv2Client({
    region: clients.region,
    endpoint: clients.endpoint,
    credentials: { accessKeyId: c?.AccessKeyId ?? '', secretAccessKey: c?.SecretAccessKey ?? '', sessionToken: c?.SessionToken ?? '' },
  });
  await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: SENDER }));
  await ses.send(
    new CreateContactListCommand({
      ContactListName: CONTACT_LIST,
      Topics: [
        { TopicName: 'aws-approval', DisplayName: 'Approvals', DefaultSubscriptionStatus: 'OPT_OUT' },
        { TopicName: 'aws-announce', DisplayName: 'Announcements', DefaultSubscriptionStatus: 'OPT_OUT' },
      ],
    }),
  );
  await ses.send(new CreateContactCommand({ ContactListName: CONTACT_LIST, EmailAddress: 'approver@hts.example.com', TopicPreferences: [{ TopicName: 'aws-approval', SubscriptionStatus: 'OPT_IN' }, { TopicName: 'aws-announce', SubscriptionStatus: 'OPT_OUT' }] }));
  await ses.send(new CreateContactCommand({ ContactListName: CONTACT_LIST, EmailAddress: 'reader@hts.example.com', TopicPreferences: [{ TopicName: 'aws-announce', SubscriptionStatus: 'OPT_IN' }, { TopicName: 'aws-approval', SubscriptionStatus: 'OPT_OUT' }] }));
}

/** moto 5.2.1 answers SESv2 contact calls with ISO timestamps where the SDK expects epoch seconds; the bundled function cannot take a middleware, so its proxy rewrites them. */
export const MOTO_SES_TIMESTAMPS = {
  path: /^\/v2\/email\/contact-lists/,
  body: (text: string): string => text.replace(/"(CreatedTimestamp|LastUpdatedTimestamp)": "([^"]+)"/g, (_m, name: string, iso: string) => `"${name}": ${Date.parse(iso) / 1000}`),
};
