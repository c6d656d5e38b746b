/**
 * Lambda's SQS event source mapping, for one queue: receive batches, invoke the function with
 * the SQS event, delete what succeeded, and make what `batchItemFailures` names (or the whole
 * batch, when the invocation failed) visible again after a short delay. The queue's redrive
 * policy moves a message to its dead-letter queue after maxReceiveCount receives, as in AWS.
 */
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { lambdaSqsEvent } from '../../test/integration/pipeline-support.ts';
import type { Invocation } from './lambda-runtime.ts';

export interface SqsTriggerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  invoke: (event: unknown) => Promise<Invocation>;
  /** Batches in flight at once. */
  concurrency?: number;
  /** Seconds a received message stays hidden (default 40): longer than an invocation may run (the runtime's timeout), as Lambda requires of the queue. */
  visibilitySeconds?: number;
  /** Seconds a failed message stays invisible before it is received again. */
  retryDelaySeconds?: number;
  /** Seen for every message received, before the invocation (e.g. to deliver some twice). */
  onReceive?: (message: Message) => Promise<void>;
  /** Every step of every batch, one line each (for SOAK_TRACE). */
  trace?: (line: string) => void;
}

export interface SqsTrigger {
  stop(): Promise<void>;
  readonly stats: { batches: number; received: number; failedItems: number; failedInvocations: number; pollerErrors: string[] };
  /** What each poller is waiting for right now, and since when. */
  waits(): string[];
}

const IDLE_MS = 100;

export function startSqsTrigger(options: SqsTriggerOptions): SqsTrigger {
  const stats = { batches: 0, received: 0, failedItems: 0, failedInvocations: 0, pollerErrors: [] as string[] };
  let running = true;
  const phases: Array<{ phase: string; since: number }> = [];
  const trace = options.trace ?? (() => undefined);
  const worker = async (n: number): Promise<void> => {
    while (running) {
      try {
        await pollOnce(n);
      } catch (error) {
        // The event source mapping keeps polling whatever one call did; the message comes back after its visibility timeout.
        stats.pollerErrors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        trace(`poll error w${n} ${stats.pollerErrors.at(-1) ?? ''}`);
        await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      }
    }
  };
  const pollOnce = async (n: number): Promise<void> => {
    const phase = (what: string): void => {
      phases[n] = { phase: what, since: Date.now() };
    };
    phase('receive');
    const answer = await options.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: options.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: options.visibilitySeconds ?? 40, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'] }),
    );
    const messages = answer.Messages ?? [];
    if (messages.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      return;
    }
    stats.batches++;
    stats.received += messages.length;
    const ids = messages.map((m) => `${m.MessageId ?? ''}#${m.Attributes?.ApproximateReceiveCount ?? '?'}`).join(',');
    trace(`receive w${n} ${ids}`);
    phase(`onReceive ${ids}`);
    for (const m of messages) await options.onReceive?.(m);
    phase(`invoke ${ids}`);
    const invocation = await options.invoke(lambdaSqsEvent(messages, options.queueArn));
    const failedIds = new Set(
      invocation.ok ? ((invocation.result as { batchItemFailures?: Array<{ itemIdentifier: string }> } | null)?.batchItemFailures ?? []).map((f) => f.itemIdentifier) : messages.map((m) => m.MessageId ?? ''),
    );
    if (!invocation.ok) stats.failedInvocations++;
    stats.failedItems += failedIds.size;
    const failed = messages.filter((m) => failedIds.has(m.MessageId ?? ''));
    const done = messages.filter((m) => !failedIds.has(m.MessageId ?? ''));
    trace(`invoked w${n} ${invocation.ok ? 'ok' : `error ${invocation.error}`} done=${done.map((m) => m.MessageId).join(',')} failed=${failed.map((m) => m.MessageId).join(',')}`);
    phase(`delete/retry ${ids}`);
    if (done.length > 0) {
      const deleted = await options.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })) }));
      if ((deleted.Failed ?? []).length > 0) trace(`delete failed w${n} ${JSON.stringify(deleted.Failed)}`);
    }
    if (failed.length > 0) {
      const changed = await options.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: failed.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '', VisibilityTimeout: options.retryDelaySeconds ?? 1 })),
        }),
      );
      if ((changed.Failed ?? []).length > 0) trace(`visibility failed w${n} ${JSON.stringify(changed.Failed)}`);
    }
    phase('idle');
  };
  const workers = Array.from({ length: options.concurrency ?? 2 }, (_, n) => worker(n));
  return {
    stats,
    waits: () => phases.map((p, n) => `w${n} ${p.phase} for ${Math.round((Date.now() - p.since) / 1000)} s`),
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
  };
}
