/**
 * EventBridge → Lambda as AWS runs it: an asynchronous invocation, retried by Lambda
 * (MaximumRetryAttempts of the stack's EventInvokeConfig) and, when every attempt failed, put in
 * the function's OnFailure destination with the invocation record Lambda writes there.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Invocation } from './lambda-runtime.ts';

export interface AsyncInvokeOptions {
  invoke: (event: unknown) => Promise<Invocation>;
  sqs: SQSClient;
  /** The async-invocation dead-letter queue (OnFailure destination). */
  onFailureQueueUrl: string;
  functionArn: string;
  retries: number;
  /** Lambda waits a minute, then two; the soak waits this long times the attempt. */
  retryDelayMs: number;
}

export async function invokeAsync(event: unknown, options: AsyncInvokeOptions): Promise<{ attempts: number; failed: boolean }> {
  let last: Invocation = { ok: false, error: 'not invoked' };
  for (let attempt = 1; attempt <= options.retries + 1; attempt++) {
    last = await options.invoke(event);
    if (last.ok) return { attempts: attempt, failed: false };
    if (attempt <= options.retries) await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs * attempt));
  }
  const record = {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: { requestId: `soak-${Date.now()}`, functionArn: `${options.functionArn}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: options.retries + 1 },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'SwitchyardError', errorMessage: last.ok ? '' : last.error },
  };
  await options.sqs.send(new SendMessageCommand({ QueueUrl: options.onFailureQueueUrl, MessageBody: JSON.stringify(record) }));
  return { attempts: options.retries + 1, failed: true };
}

/** The "Object Created" event EventBridge delivers for a PutObject (keys form-URL-encoded, as AWS sends them). */
export function objectCreatedEvent(input: { bucket: string; key: string; size: number; eTag: string; sequencer: string; account: string; region: string; time: Date; id: string }): Record<string, unknown> {
  return {
    version: '0',
    id: input.id,
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: input.account,
    time: input.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: input.region,
    resources: [`arn:aws:s3:::${input.bucket}`],
    detail: {
      version: '0',
      bucket: { name: input.bucket },
      object: { key: formUrlEncode(input.key), size: input.size, etag: input.eTag, sequencer: input.sequencer },
      'request-id': input.id.slice(0, 16),
      requester: input.account,
      'source-ip-address': '127.0.0.1',
      reason: 'PutObject',
    },
  };
}

function formUrlEncode(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}
