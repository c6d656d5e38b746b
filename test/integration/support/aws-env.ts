/**
 * Fake credentials and ready SDK clients pointed at one moto server, plus the few
 * set-up helpers integration tests share (bucket → queue notifications, draining a queue,
 * reading the mail moto pretends to have sent).
 */
import {
  CreateBucketCommand,
  PutBucketNotificationConfigurationCommand,
  S3Client,
  type NotificationConfiguration,
} from '@aws-sdk/client-s3';
import { SESv2Client, CreateEmailIdentityCommand } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

export const TEST_REGION = 'us-east-1';
/** moto's default account. */
export const TEST_ACCOUNT = '123456789012';

const FAKE_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing', sessionToken: 'testing' };

/** Makes sure no real credentials or region can leak into a test run. */
export function setFakeAwsEnvironment(): void {
  process.env.AWS_ACCESS_KEY_ID = FAKE_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = FAKE_CREDENTIALS.secretAccessKey;
  process.env.AWS_SESSION_TOKEN = FAKE_CREDENTIALS.sessionToken;
  process.env.AWS_SECURITY_TOKEN = FAKE_CREDENTIALS.sessionToken;
  process.env.AWS_REGION = TEST_REGION;
  process.env.AWS_DEFAULT_REGION = TEST_REGION;
  delete process.env.AWS_PROFILE;
}

export interface KeyFilter {
  prefix?: string;
  suffix?: string;
}

export interface AwsTestEnv {
  endpoint: string;
  s3: S3Client;
  sqs: SQSClient;
  ssm: SSMClient;
  sesv2: SESv2Client;
  sns: SNSClient;
  sts: STSClient;
  createBucket(bucket: string): Promise<void>;
  /** Creates a queue and returns its URL and ARN. */
  createQueue(name: string, attributes?: Record<string, string>): Promise<{ url: string; arn: string }>;
  /** S3 → SQS notification for every ObjectCreated event, optionally filtered by key prefix/suffix. */
  configureS3ToSqs(bucket: string, queueArn: string, filter?: KeyFilter): Promise<void>;
  /** S3 → EventBridge (default bus) → rule for "Object Created" in `bucket` → SQS target. */
  configureEventBridgeToSqs(bucket: string, queueArn: string, filter?: KeyFilter): Promise<void>;
  /** Every message currently in the queue, deleted as it is read. */
  receiveAll(queueUrl: string): Promise<Message[]>;
  /** SES refuses to send from an unverified address; moto enforces that too. */
  verifyEmailIdentity(address: string): Promise<void>;
}

export function createAwsTestEnv(endpoint: string): AwsTestEnv {
  setFakeAwsEnvironment();
  const common = { region: TEST_REGION, endpoint, credentials: FAKE_CREDENTIALS };
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const sqs = new SQSClient(common);
  const env: AwsTestEnv = {
    endpoint,
    s3,
    sqs,
    ssm: new SSMClient(common),
    sesv2: new SESv2Client(common),
    sns: new SNSClient(common),
    sts: new STSClient(common),
    createBucket: async (bucket) => {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    },
    createQueue: async (name, attributes) => {
      const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
      const url = required(created.QueueUrl, 'QueueUrl');
      const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
      return { url, arn: required(attrs.Attributes?.QueueArn, 'QueueArn') };
    },
    configureS3ToSqs: async (bucket, queueArn, filter = {}) => {
      const rules = filterRules(filter);
      const configuration: NotificationConfiguration = {
        QueueConfigurations: [
          {
            Id: `to-${queueArn.split(':').pop() ?? 'queue'}`,
            QueueArn: queueArn,
            Events: ['s3:ObjectCreated:*'],
            ...(rules.length > 0 ? { Filter: { Key: { FilterRules: rules } } } : {}),
          },
        ],
      };
      await s3.send(
        new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: configuration }),
      );
    },
    configureEventBridgeToSqs: async (bucket, queueArn, filter = {}) => {
      await s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: bucket,
          NotificationConfiguration: { EventBridgeConfiguration: {} },
        }),
      );
      const ruleName = `switchyard-${bucket}`;
      const keyPattern = [
        ...(filter.prefix !== undefined ? [{ prefix: filter.prefix }] : []),
        ...(filter.suffix !== undefined ? [{ suffix: filter.suffix }] : []),
      ];
      const pattern = {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [bucket] }, ...(keyPattern.length > 0 ? { object: { key: keyPattern } } : {}) },
      };
      await callEvents(endpoint, 'PutRule', { Name: ruleName, EventPattern: JSON.stringify(pattern), State: 'ENABLED' });
      await callEvents(endpoint, 'PutTargets', { Rule: ruleName, Targets: [{ Id: 'queue', Arn: queueArn }] });
    },
    receiveAll: (queueUrl) => drainQueue(sqs, queueUrl),
    verifyEmailIdentity: async (address) => {
      await env.sesv2.send(new CreateEmailIdentityCommand({ EmailIdentity: address }));
    },
  };
  return env;
}

function filterRules(filter: KeyFilter): { Name: 'prefix' | 'suffix'; Value: string }[] {
  const rules: { Name: 'prefix' | 'suffix'; Value: string }[] = [];
  if (filter.prefix !== undefined) rules.push({ Name: 'prefix', Value: filter.prefix });
  if (filter.suffix !== undefined) rules.push({ Name: 'suffix', Value: filter.suffix });
  return rules;
}

const MAX_RECEIVE_ROUNDS = 100;

async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (let round = 0; round < MAX_RECEIVE_ROUNDS; round++) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return all;
    all.push(...messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: required(message.ReceiptHandle, 'ReceiptHandle'),
        })),
      }),
    );
  }
  throw new Error(`queue ${queueUrl} still had messages after ${MAX_RECEIVE_ROUNDS} rounds`);
}

/**
 * EventBridge's JSON protocol spoken by hand: @aws-sdk/client-eventbridge is not a dependency.
 * moto routes on the service named in the Authorization header and does not check signatures.
 */
async function callEvents(endpoint: string, operation: string, input: unknown): Promise<unknown> {
  const date = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  const response = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSEvents.${operation}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/${date}/${TEST_REGION}/events/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`events:${operation} failed: HTTP ${response.status} ${text}`);
  return text === '' ? {} : JSON.parse(text);
}

/** One email as moto recorded it (SES v1 and v2 both land in the SES backend). */
export interface SentEmail {
  source: string;
  destinations: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] } | string[];
  subject?: string;
  body?: string;
  raw: Record<string, unknown>;
}

/** Sent messages from GET /moto-api/data.json (ses.SESBackend's sent_messages). */
export async function readSentEmails(endpoint: string): Promise<SentEmail[]> {
  const response = await fetch(`${endpoint}/moto-api/data.json`);
  if (!response.ok) throw new Error(`moto data.json: HTTP ${response.status}`);
  const data = (await response.json()) as Record<string, Record<string, unknown[]>>;
  const emails: SentEmail[] = [];
  for (const service of ['ses', 'sesv2']) {
    for (const [model, records] of Object.entries(data[service] ?? {})) {
      if (!/message/i.test(model)) continue;
      for (const record of records) emails.push(toSentEmail(record as Record<string, unknown>));
    }
  }
  return emails;
}

function toSentEmail(record: Record<string, unknown>): SentEmail {
  const text = (name: string): string | undefined => {
    const value = record[name];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    source: text('source') ?? '',
    destinations: (record.destinations ?? []) as SentEmail['destinations'],
    subject: text('subject'),
    body: text('body'),
    raw: record,
  };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`moto answered without ${what}`);
  return value;
}
