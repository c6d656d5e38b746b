/**
 * Reading a deployment's dead-letter queues without losing anything: messages are received
 * with a visibility timeout (hidden, not deleted), decoded into the event the router was given
 * and the error that was recorded with it, and later either deleted (after a successful
 * re-drive) or made visible again at once.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { apiRequestProblems, isApiRequest, type ApiRequest } from '../../engine/actions/api-request.ts';
import { normaliseInput } from '../../engine/events/normalise.ts';
import type { ObjectEvent } from '../../engine/events/object-event.ts';
import type { DeadLetterQueue } from './deployment.ts';

export interface DeadLetteredEvent {
  queue: DeadLetterQueue;
  messageId: string;
  receiptHandle: string;
  /** What the router was invoked with for this message; `undefined` when the body is not JSON. */
  payload: unknown;
  /** The object events in it (empty when the payload is not an event the router understands). */
  events: ObjectEvent[];
  /** Why it could not be read as events, when `events` is empty. */
  unreadable?: string;
  /** The route an API request (a route's `api`) named: it alone runs the events again. */
  route?: string;
  /** The error recorded with the message (async invocations and EventBridge record one; SQS redrive does not). */
  error?: string;
  receiveCount?: number;
  /** When the message entered the dead-letter queue (SQS SentTimestamp). */
  sentAt?: Date;
}

/** How long a listed message stays hidden from other readers while replay works on it. */
export const DEFAULT_HIDE_SECONDS = 300;
const EMPTY_RECEIVES_TO_STOP = 2;

export async function queueDepth(sqs: SQSClient, queue: DeadLetterQueue): Promise<number> {
  const answer = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(answer.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(answer.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/**
 * Every message of the queue once, hidden for `hideSeconds`; at most `limit`. When the listing
 * takes longer than the hiding, the first messages come round again: they are recognised by
 * their message id and not listed twice (and a receive that brings nothing new counts as empty).
 */
export async function receiveDeadLetters(sqs: Pick<SQSClient, 'send'>, queue: DeadLetterQueue, options: { hideSeconds?: number; limit?: number } = {}): Promise<DeadLetteredEvent[]> {
  const limit = options.limit ?? 10_000;
  const found: DeadLetteredEvent[] = [];
  const seen = new Set<string>();
  let empty = 0;
  while (found.length < limit && empty < EMPTY_RECEIVES_TO_STOP) {
    const answer = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: Math.min(10, limit - found.length),
        VisibilityTimeout: options.hideSeconds ?? DEFAULT_HIDE_SECONDS,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const fresh = (answer.Messages ?? []).filter((m) => !seen.has(m.MessageId ?? ''));
    empty = fresh.length === 0 ? empty + 1 : 0;
    for (const message of fresh) {
      seen.add(message.MessageId ?? '');
      if (found.length < limit) found.push(decodeDeadLetter(queue, message));
    }
  }
  return found;
}

export function decodeDeadLetter(queue: DeadLetterQueue, message: Message): DeadLetteredEvent {
  const base = {
    queue,
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    ...(message.Attributes?.ApproximateReceiveCount ? { receiveCount: Number(message.Attributes.ApproximateReceiveCount) } : {}),
    ...(message.Attributes?.SentTimestamp ? { sentAt: new Date(Number(message.Attributes.SentTimestamp)) } : {}),
  };
  let body: unknown;
  try {
    body = JSON.parse(message.Body ?? '');
  } catch {
    return { ...base, payload: undefined, events: [], unreadable: 'the message body is not JSON' };
  }
  let payload = body;
  let error = messageAttributeError(message);
  // Lambda's OnFailure destination wraps the invocation: {requestPayload, responsePayload: {errorType, errorMessage}}.
  if (queue.kind === 'async-invocation' && isObject(body) && 'requestPayload' in body) {
    payload = body.requestPayload;
    const response = isObject(body.responsePayload) ? body.responsePayload : {};
    const context = isObject(body.requestContext) ? body.requestContext : {};
    const message = [response.errorType, response.errorMessage].filter((v) => typeof v === 'string').join(': ');
    error = message || (typeof context.condition === 'string' ? `invocation ended with ${context.condition}` : error);
  }
  // A request through a route's API carries the direct invocation inside, for that route only.
  const api = isApiRequest(payload) && apiRequestProblems(payload).length === 0 ? (payload as ApiRequest) : undefined;
  const normalised = normaliseInput(api !== undefined ? api.request : payload);
  const events = normalised.records.flatMap((r) => (r.status === 'events' ? r.events : []));
  const reasons = normalised.records.flatMap((r) => (r.status !== 'events' ? [r.reason] : []));
  return {
    ...base,
    payload,
    events,
    ...(events.length === 0 ? { unreadable: reasons.join('; ') || 'no object event in the message' } : {}),
    ...(api !== undefined ? { route: api.route } : {}),
    ...(error ? { error } : {}),
  };
}

/** EventBridge adds ERROR_CODE / ERROR_MESSAGE attributes to what it dead-letters. */
function messageAttributeError(message: Message): string | undefined {
  const code = message.MessageAttributes?.ERROR_CODE?.StringValue;
  const text = message.MessageAttributes?.ERROR_MESSAGE?.StringValue;
  return code || text ? [code, text].filter(Boolean).join(': ') : undefined;
}

export async function deleteDeadLetter(sqs: SQSClient, entry: DeadLetteredEvent): Promise<void> {
  await sqs.send(new DeleteMessageCommand({ QueueUrl: entry.queue.url, ReceiptHandle: entry.receiptHandle }));
}

/** Back in the queue at once, for the next replay or another reader. */
export async function releaseDeadLetter(sqs: SQSClient, entry: DeadLetteredEvent): Promise<void> {
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: entry.queue.url, ReceiptHandle: entry.receiptHandle, VisibilityTimeout: 0 }));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
