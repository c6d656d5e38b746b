/** QueuePort over SQS. A queue is named by URL or by name (resolved once with GetQueueUrl). */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ActionError } from '../../errors.ts';
import type { Access, QueueMessage, QueuePort } from '../types.ts';
import { toActionError } from './classify.ts';
import type { AccessResolver } from './credentials.ts';
import { loadedSdk, loadSdk } from './sdk.ts';

export class SqsQueues implements QueuePort {
  /** Per-container cache: queue URL by (role, queue name). */
  readonly #urls = new Map<string, Promise<string>>();

  constructor(private readonly access: AccessResolver) {}

  async send(message: QueueMessage): Promise<{ messageId: string }> {
    const { SendMessageCommand } = await loadSdk('sqs');
    const { sqs } = await this.access.clientsFor(message.access);
    const fifo = message.queue.endsWith('.fifo');
    if (fifo && (message.groupId === undefined || message.deduplicationId === undefined)) {
      throw new ActionError(
        'SQS_FIFO_IDS',
        `queue ${message.queue} is FIFO: a message needs both a group id and a deduplication id`,
        'validation',
        { destination: message.queue },
      );
    }
    const queueUrl = await this.urlOf(sqs, message.queue, message.access);
    try {
      const answer = await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: message.body,
          ...(fifo ? { MessageGroupId: message.groupId, MessageDeduplicationId: message.deduplicationId } : {}),
          ...(message.attributes !== undefined
            ? {
                MessageAttributes: Object.fromEntries(
                  Object.entries(message.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
                ),
              }
            : {}),
        }),
      );
      return { messageId: answer.MessageId ?? '' };
    } catch (error) {
      throw toActionError(error, { operation: 'sqs:SendMessage', destination: queueUrl });
    }
  }

  private urlOf(sqs: SQSClient, queue: string, access: Access | undefined): Promise<string> {
    if (/^https?:\/\//.test(queue)) return Promise.resolve(queue);
    const cacheKey = `${access?.roleArn ?? ''}\u0000${queue}`;
    const cached = this.#urls.get(cacheKey);
    if (cached !== undefined) return cached;
    // send() has imported the SQS package; no await here, so concurrent sends share one lookup.
    const { GetQueueUrlCommand } = loadedSdk('sqs');
    const lookup = sqs.send(new GetQueueUrlCommand({ QueueName: queue })).then(
      (answer) => {
        if (answer.QueueUrl === undefined) throw new Error(`GetQueueUrl answered without a URL for ${queue}`);
        return answer.QueueUrl;
      },
      (error: unknown) => {
        throw toActionError(error, { operation: 'sqs:GetQueueUrl', destination: queue });
      },
    );
    this.#urls.set(cacheKey, lookup);
    lookup.catch(() => this.#urls.delete(cacheKey));
    return lookup;
  }
}
