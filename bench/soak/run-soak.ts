/**
 * The fault soak: the seed routes deployed to moto, the deployed function's own zip run as
 * Lambda runs it (SQS batches with partial batch responses and redelivery, EventBridge events
 * as async invocations with retries and an OnFailure queue, 10 % of events delivered twice), a
 * fault proxy between the function and moto, then moto's state checked (check.ts).
 */
import { appendFileSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { forEachLimit } from '../../engine/limiter.ts';
import { createAwsPorts } from '../../engine/ports/aws/index.ts';
import { createAwsTestEnv, TEST_ACCOUNT, TEST_REGION, type AwsTestEnv } from '../../test/integration/support/aws-env.ts';
import { startFaultProxy, type FaultProxy, type ObservedRequest } from '../../test/integration/support/fault-proxy.ts';
import { startMoto } from '../../test/integration/support/moto.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { invokeAsync, objectCreatedEvent } from './async-invoke.ts';
import { checkOutcome, type CheckResult, type LostSend } from './check.ts';
import { deploySeedStack, type DeployedSeedStack } from './deployed-stack.ts';
import { parseEmf, type EmfRecord } from './emf.ts';
import { faultRules } from './faults.ts';
import { startLambdaRuntime, type LambdaRuntime } from './lambda-runtime.ts';
import { startSqsTrigger, type SqsTrigger } from './sqs-trigger.ts';
import { archiveCopy, soakObjects, type ExpectedCopy, type SoakObject } from './workload.ts';
import { createWorld, CUSTOMER_QUEUE, MOTO_SES_TIMESTAMPS } from './world.ts';

export interface SoakOptions {
  events: number;
  seed?: number;
  /** Share of the function's requests that are faulted (default 0.25). */
  faultRate?: number;
  containers?: number;
  /** The emulated function timeout: what getRemainingTimeInMillis() counts down from, and so how long a 'sending' lease lasts. */
  invocationTimeoutMs?: number;
  /** Give up waiting for the queues to drain after this long. */
  drainTimeoutMs?: number;
  progress?: (line: string) => void;
}

export interface SoakReport extends Pick<CheckResult, 'lost' | 'duplicates' | 'duplicatesExplained' | 'deadLettered' | 'failureRecords' | 'staleFailureRecords'> {
  events: number;
  requests: number;
  faultsInjected: number;
  retries: number;
  /** S3 requests on source and destination buckets per copy found (markers, config and state excluded). */
  requestsPerCopy: number;
  copies: number;
  lostResponses: number;
  deliveredTwice: number;
  seconds: number;
  /** Messages moto kept in flight after the function went quiet (see `drained`). */
  stillQueued: number;
  problems: string[];
}

const STACK = 'soak';
/** Every line the function printed, for reading afterwards (SOAK_LOG=file). */
const logFile = process.env.SOAK_LOG;
/** Every step of the emulated event source mappings, for reading afterwards (SOAK_TRACE=file). */
const traceFile = process.env.SOAK_TRACE;
const PUT_CONCURRENCY = 12;
const STALL_MS = 90_000;
const STATE_LIKE = /^(switchyard-code-|soak-statebucket|artifacts-config$|change-config$)/i;

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const say = options.progress ?? (() => undefined);
  const progress = (line: string): void => say(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
  const seed = options.seed ?? 13;
  const random = seededRandom(seed);
  const runId = `r${seed}x${options.events}`;
  const moto = await startMoto();
  let proxy: FaultProxy | undefined;
  let runtime: LambdaRuntime | undefined;
  const triggers: SqsTrigger[] = [];
  try {
    const env = createAwsTestEnv(moto.endpoint);
    progress('deploying the seed routes to moto with switchyard deploy…');
    const deployed = await deploySeedStack({ endpoint: moto.endpoint, region: TEST_REGION, stackName: STACK, s3: env.s3 });
    progress(`moto's own event source mappings disabled (${deployed.mappingsDisabled.length}); the soak's pollers are the only consumers of the notification queues`);
    await createWorld({ ...env, region: TEST_REGION }, deployed.notificationQueues);

    const lostSends: LostSend[] = [];
    // moto's /moto-api/data.json fails once the stack holds a Lambda function (it asks Docker), so
    // the emails moto accepted are taken from its answers to SendEmail as they pass the proxy.
    const emailsAccepted: string[] = [];
    const s3Requests = { copyPath: 0 };
    const stateBucket = deployed.stack.stateBucket ?? '';
    proxy = await startFaultProxy(moto.endpoint, faultRules(options.faultRate ?? 0.25), {
      seed,
      rewriteResponse: MOTO_SES_TIMESTAMPS,
      onRequest: (request) => {
        const bucket = s3Bucket(request);
        if (bucket !== undefined && bucket !== stateBucket && !STATE_LIKE.test(bucket)) s3Requests.copyPath++;
      },
      captureBody: (request) => sendKind(request) === 'email',
      onAnswered: (request, status) => {
        if (status === 200 && sendKind(request) === 'email') emailsAccepted.push(request.body ?? '');
      },
      onLostResponse: (request) => {
        const kind = sendKind(request);
        if (kind && request.body) lostSends.push({ kind, body: request.body });
      },
    });
    const emf: EmfRecord[] = [];
    let lastActivity = Date.now();
    const invocationTimeoutMs = options.invocationTimeoutMs ?? 30_000;
    runtime = startLambdaRuntime({
      zip: deployed.zip,
      containers: options.containers ?? 2,
      timeoutMs: invocationTimeoutMs,
      environment: {
        AWS_ENDPOINT_URL: proxy.endpoint,
        AWS_REGION: TEST_REGION,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_SESSION_TOKEN: 'testing',
        SWITCHYARD_STATE_BUCKET: stateBucket,
      },
      onLog: (line) => {
        lastActivity = Date.now();
        if (logFile) appendFileSync(logFile, `${line}\n`);
        const record = parseEmf(line);
        if (record) emf.push(record);
      },
    });
    const lambda = runtime;

    const objects = soakObjects(options.events, random, runId);
    const byKey = new Map(objects.map((o) => [`${o.bucket}/${o.key}`, o]));
    const duplicated = new Set<number>();
    for (const [bucket, queueUrl] of deployed.notificationQueues) {
      const queueArn = (await env.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
      triggers.push(
        startSqsTrigger({
          sqs: env.sqs,
          queueUrl,
          queueArn,
          invoke: (event) => lambda.invoke(event),
          concurrency: 4,
          visibilitySeconds: Math.ceil(invocationTimeoutMs / 1000) + 10,
          ...(traceFile ? { trace: (line: string) => appendFileSync(traceFile, `${new Date().toISOString()} ${bucket} ${line}\n`) } : {}),
          onReceive: async (message) => {
            if (traceFile) appendFileSync(traceFile, `${new Date().toISOString()} ${bucket} message ${message.MessageId ?? ''} ${notifiedKey(message)}\n`);
            const object = byKey.get(`${bucket}/${notifiedKey(message)}`);
            if (!object?.deliverTwice || duplicated.has(object.index)) return;
            duplicated.add(object.index);
            await env.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: message.Body ?? '' }));
          },
        }),
      );
    }

    progress(`putting ${objects.length} objects; the function runs behind the fault proxy…`);
    const copies = new Map<number, ExpectedCopy[]>();
    const asyncDelivery = { invoke: (e: unknown) => lambda.invoke(e), sqs: env.sqs, onFailureQueueUrl: asyncDeadLetterUrl(deployed), functionArn: deployed.functionArn, retries: 2, retryDelayMs: 300 };
    await forEachLimit(objects, PUT_CONCURRENCY, async (object) => {
      const put = await putSoakObject(env, object);
      copies.set(object.index, object.changeId ? [archiveCopy(object, new Date())] : object.copies);
      if (object.route !== 'one-to-many') return;
      // EventBridge → the function, asynchronously: the put loop waits for it, as a bounded number of deliveries in flight.
      const event = objectCreatedEvent({ bucket: object.bucket, key: object.key, size: object.body.length, eTag: put.eTag, sequencer: object.index.toString(16).padStart(16, '0'), account: TEST_ACCOUNT, region: TEST_REGION, time: new Date(), id: `soak-${runId}-${object.index}` });
      await invokeAsync(event, asyncDelivery);
      if (object.deliverTwice) {
        duplicated.add(object.index);
        await invokeAsync(event, asyncDelivery);
      }
    });
    const stuck = await drained(env, [...deployed.notificationQueues.values()], options.drainTimeoutMs ?? 15 * 60_000, progress, () => lastActivity);
    if (stuck > 0) for (const trigger of triggers) progress(`pollers: ${trigger.waits().join('; ')}`);
    const pollerErrors = triggers.flatMap((t) => t.stats.pollerErrors);
    if (pollerErrors.length > 0) progress(`${pollerErrors.length} poll(s) of the emulated event source mapping failed and were retried, e.g. ${pollerErrors[0] ?? ''}`);
    for (const trigger of triggers.splice(0)) await trigger.stop();
    await runtime.stop();
    runtime = undefined;

    progress('checking moto’s state…');
    const check = await checkOutcome({
      s3: env.s3,
      sqs: env.sqs,
      storage: createAwsPorts({ region: TEST_REGION, endpoint: moto.endpoint }).storage,
      stack: deployed.stack,
      objects,
      copies,
      customerQueueUrl: deployed.resources.get('ChangeNotificationsHtsQueue') ?? CUSTOMER_QUEUE,
      emails: emailsAccepted.map((body) => ({ subject: body })),
      lostSends,
    });
    for (const record of check.failureRecordList) progress(`unresolved failure record: ${record}`);
    const stats = proxy.stats;
    return {
      events: objects.length,
      requests: stats.forwarded + stats.faulted - stats.lost,
      faultsInjected: stats.faulted + stats.delayed,
      retries: emf.reduce((n, r) => n + (r.values.Retried ?? 0), 0),
      lost: check.lost,
      duplicates: check.duplicates,
      duplicatesExplained: check.duplicatesExplained,
      deadLettered: check.deadLettered,
      failureRecords: check.failureRecords,
      staleFailureRecords: check.staleFailureRecords,
      requestsPerCopy: check.copiesFound > 0 ? round(s3Requests.copyPath / check.copiesFound) : 0,
      copies: check.copiesFound,
      lostResponses: stats.lost,
      deliveredTwice: duplicated.size,
      seconds: round((Date.now() - started) / 1000),
      stillQueued: stuck,
      problems: [...(stuck > 0 ? [`${stuck} message(s) stayed in flight in the notification queues with no invocation for ${STALL_MS / 1000} s (neither delivered nor dead-lettered yet); their objects count as lost`] : []), ...check.problems],
    };
  } finally {
    for (const trigger of triggers) await trigger.stop();
    await runtime?.stop();
    await proxy?.stop();
    await moto.stop();
  }
}

async function putSoakObject(env: AwsTestEnv, object: SoakObject): Promise<{ eTag: string }> {
  const put = await env.s3.send(
    new PutObjectCommand({
      Bucket: object.bucket,
      Key: object.key,
      Body: object.body,
      ContentType: object.contentType,
      Metadata: object.metadata,
      Tagging: new URLSearchParams(object.tags).toString(),
    }),
  );
  return { eTag: (put.ETag ?? '').replace(/"/g, '') };
}

/**
 * Waits until no notification queue holds a message (visible or in flight), twice in a row; returns
 * 0 then. A message hidden from the pollers for longer than any invocation can run (as moto's own
 * event source mapping did, see moto-mappings.ts) would hold the wait for ever: after STALL_MS
 * without a line from the function the wait ends and the number still queued is returned, reported
 * with what each poller is doing (SOAK_TRACE=file has every batch), and their objects count as lost.
 */
async function drained(env: AwsTestEnv, queueUrls: string[], timeoutMs: number, progress: (line: string) => void, lastActivity: () => number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let lastReport = 0;
  while (Date.now() < deadline) {
    let waiting = 0;
    for (const url of queueUrls) {
      const attributes = (await env.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
      waiting += Number(attributes.ApproximateNumberOfMessages ?? 0) + Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    }
    quiet = waiting === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return 0;
    if (Date.now() - lastActivity() > STALL_MS) {
      progress(`${waiting} message(s) still in flight, and the function has been idle for ${STALL_MS / 1000} s: checking what there is`);
      return waiting;
    }
    if (Date.now() - lastReport > 10_000) {
      progress(`${waiting} message(s) still in the notification queues…`);
      lastReport = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the notification queues did not drain within ${timeoutMs / 1000} s`);
}

function asyncDeadLetterUrl(deployed: DeployedSeedStack): string {
  const queue = deployed.stack.deadLetterQueues.find((q) => q.kind === 'async-invocation');
  if (!queue) throw new Error('the stack has no async-invocation dead-letter queue');
  return queue.url;
}

/** The key of the S3 notification in an SQS message (moto encodes `/` as %2F; form-URL-decoded). */
function notifiedKey(message: Message): string {
  try {
    const body = JSON.parse(message.Body ?? '{}') as { Records?: Array<{ s3?: { object?: { key?: string } } }> };
    return decodeURIComponent((body.Records?.[0]?.s3?.object?.key ?? '').replace(/\+/g, ' '));
  } catch {
    return '';
  }
}

/** Path-style S3 requests name the bucket first; other services post to `/` or `/v2/…`. */
function s3Bucket(request: ObservedRequest): string | undefined {
  const authorization = String(request.headers.authorization ?? '');
  if (!authorization.includes('/s3/aws4_request')) return undefined;
  const bucket = request.url.split('?')[0]?.split('/')[1];
  return bucket === '' ? undefined : bucket;
}

function sendKind(request: ObservedRequest): LostSend['kind'] | undefined {
  if (String(request.headers['x-amz-target'] ?? '').endsWith('.SendMessage')) return 'sqs';
  if (request.method === 'POST' && request.url.startsWith('/v2/email/outbound-emails')) return 'email';
  return undefined;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
