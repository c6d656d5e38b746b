/** Queues a route owns: a `.fifo` name is a FIFO queue with a FIFO dead-letter queue, both as SQS accepts them. */
import { describe, expect, it } from 'vitest';
import { deadLetterQueueName } from '../../../generators/cloudformation/queues.ts';
import { generateTemplate } from '../../../generators/cloudformation/template.ts';
import { compileRouteFiles } from './synthetic-routes.ts';

const owning = (queue: string) =>
  compileRouteFiles({
    'routes/orders.yaml': `name: orders\nsource: { bucket: inbox, trigger: eventbridge }\nqueues:\n  - name: ${queue}\nactions:\n  - sqs: { queue: ${queue}, groupId: orders }\n`,
  });

/** What SQS accepts as a queue name: 80 characters at most, `.fifo` only at the end of a FIFO queue's. */
const SQS_NAME = /^[A-Za-z0-9_-]{1,75}(\.fifo)?$|^[A-Za-z0-9_-]{1,80}$/;

describe('owned FIFO queues', () => {
  it('the queue and its dead-letter queue are FIFO queues, the DLQ named <name>-dlq.fifo', () => {
    const resources = generateTemplate(owning('orders.fifo')).Resources;
    expect(resources.OrdersFifoQueue?.Properties).toMatchObject({ QueueName: 'orders.fifo', FifoQueue: true });
    expect(resources.OrdersFifoDeadLetterQueue?.Properties).toMatchObject({ QueueName: 'orders-dlq.fifo', FifoQueue: true });
  });

  it('a standard queue stays standard', () => {
    const resources = generateTemplate(owning('orders')).Resources;
    expect(resources.OrdersQueue?.Properties?.FifoQueue).toBeUndefined();
    expect(resources.OrdersDeadLetterQueue?.Properties).toMatchObject({ QueueName: 'orders-dlq' });
  });

  it.each([
    ['a', 'a-dlq'],
    ['a.fifo', 'a-dlq.fifo'],
    [`${'q'.repeat(75)}`, `${'q'.repeat(75)}-dlq`],
    [`${'q'.repeat(75)}.fifo`, expect.stringMatching(/^q{60,}-[0-9a-f]+\.fifo$/)],
  ])('%s → a dead-letter queue name SQS accepts', (name, expected) => {
    const dlq = deadLetterQueueName(name);
    expect(dlq).toEqual(expected);
    expect(dlq.length).toBeLessThanOrEqual(80);
    expect(dlq).toMatch(SQS_NAME);
  });
});
