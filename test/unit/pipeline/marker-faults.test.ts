/**
 * Faults in the idempotency bookkeeping itself: a failed create, read or settle of a marker is
 * a retryable failure of the action, never a licence to send. Each case delivers the event the
 * way SQS would (again after a failure, and once more as a duplicate) and counts the sends.
 */
import { describe, expect, it } from 'vitest';
import { ActionError } from '../../../engine/errors.ts';
import { Pipeline, type InputReport } from '../../../engine/pipeline.ts';
import { memoryLog } from '../../../engine/report/log.ts';
import { compileRoutes, fakeWorld, s3Created, type FakeWorld, type Operation } from './fake-world.ts';

const routes = compileRoutes({
  'routes/notify.yaml': `
name: notify
source: { bucket: inbox, trigger: s3-notification }
actions:
  - sqs: { id: tell, queue: customer-a, retry: { retries: 2, delay: 1s } }
`,
});

const isMarker = (key: string): boolean => key.startsWith('markers/');

function setUp(): { world: FakeWorld; pipeline: Pipeline; deliver: () => Promise<InputReport> } {
  const world = fakeWorld();
  world.putObject('inbox', 'a.json', '{}');
  const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: 'state' });
  return { world, pipeline, deliver: () => pipeline.processInput(s3Created('inbox', 'a.json')) };
}

const tell = (report: InputReport) => report.records[0]?.events[0]?.routes[0]?.results[0];

function fault(world: FakeWorld, operation: Operation, times: number, failureClass: '5xx' | 'network' | 'throttling' = '5xx'): void {
  world.faults.push({ operation, target: (b) => b === 'state', key: isMarker, times, code: failureClass === 'network' ? 'ECONNRESET' : failureClass === 'throttling' ? 'SlowDown' : 'InternalError', failureClass });
}

describe('a marker request that keeps failing fails the action and sends nothing; the redelivery sends once', () => {
  const cases = [
    { proves: 'create (PUT If-None-Match) failing', operation: 'putIfAbsent', preSent: false },
    { proves: "read of an existing 'failed' marker failing", operation: 'getBody', preFailed: true },
    { proves: 'take-over write of a failed marker failing', operation: 'put', preFailed: true },
  ] as const;

  it.each(cases)('$proves', async ({ operation, ...pre }) => {
    const { world, deliver } = setUp();
    if ('preFailed' in pre) {
      world.faults.push({ operation: 'send', times: 1, code: 'AccessDenied', failureClass: 'access-denied' });
      expect(tell(await deliver())).toMatchObject({ outcome: 'failed' });
    }
    fault(world, operation, 99);

    const faulted = await deliver();
    world.faults.length = 0;
    const redelivered = await deliver();
    const duplicate = await deliver();

    expect(tell(faulted)).toMatchObject({ outcome: 'failed', attempts: 0, error: { failureClass: '5xx', message: expect.stringContaining('idempotency marker markers/notify/tell/') } });
    expect(faulted.records[0]?.status).toBe('failed');
    expect(tell(redelivered)).toMatchObject({ outcome: 'succeeded' });
    expect(tell(duplicate)).toMatchObject({ outcome: 'duplicate' });
    expect(world.messages).toHaveLength(1);
  });
});

describe('a marker request that fails and recovers within the retries', () => {
  const cases = [
    { proves: 'create: two resets, then the marker is made and the message sent once', operation: 'putIfAbsent', duplicateFirst: false },
    { proves: "read of the 'sent' marker on a duplicate delivery: two 503s, then the duplicate is recognised (before, a failed read meant 'no marker' and sent again)", operation: 'getBody', duplicateFirst: true },
  ] as const;

  it.each(cases)('$proves', async ({ operation, duplicateFirst }) => {
    const { world, deliver } = setUp();
    if (duplicateFirst) await deliver();
    fault(world, operation, 2, operation === 'putIfAbsent' ? 'network' : '5xx');

    const report = await deliver();

    expect(tell(report)).toMatchObject({ outcome: duplicateFirst ? 'duplicate' : 'succeeded' });
    expect(world.messages).toHaveLength(1);
    expect(world.faults[0]?.times).toBe(0);
  });

  it("a create that went through but whose answer was lost finds its own 'sending' marker and sends once", async () => {
    const { world } = setUp();
    // The first PUT If-None-Match lands, then the connection drops: the retry gets 412 and reads the marker back.
    const storage = world.ports.storage;
    let lost = false;
    world.ports.storage = {
      ...storage,
      async putIfAbsent(bucket, key, body) {
        const created = await storage.putIfAbsent(bucket, key, body);
        if (!lost && isMarker(key)) {
          lost = true;
          throw new ActionError('ECONNRESET', 'socket hang up after the request was sent', 'network');
        }
        return created;
      },
    };
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: 'state' });

    const report = await pipeline.processInput(s3Created('inbox', 'a.json'));

    expect(tell(report)).toMatchObject({ outcome: 'succeeded' });
    expect(world.messages).toHaveLength(1);
  });
});

describe("a settle that cannot be written after the send (the marker stays 'sending')", () => {
  it('the result says so; a duplicate to the same container is answered from memory and the marker settled then', async () => {
    const { world, deliver } = setUp();
    fault(world, 'put', 99);

    const first = await deliver();
    world.faults.length = 0;
    const duplicate = await deliver();

    expect(tell(first)).toMatchObject({ outcome: 'succeeded', warning: { code: 'MarkerNotSettled' } });
    expect(first.records[0]?.status).toBe('processed');
    expect(tell(duplicate)).toMatchObject({ outcome: 'duplicate' });
    expect(world.messages).toHaveLength(1);
    const marker = [...world.objects.entries()].find(([k]) => k.startsWith('state/markers/'))?.[1];
    expect(JSON.parse(marker?.body.toString() ?? '{}')).toMatchObject({ status: 'sent', messageId: 'msg-1' });
  });

  it('another container backs off while the lease runs (no send, no dead letter without a trace), then sends once more, in doubt, with the same idempotency key', async () => {
    const { world, deliver } = setUp();
    fault(world, 'put', 99);
    const log = memoryLog();
    const other = new Pipeline({ routes, ports: world.ports, stateBucket: 'state', log });
    await deliver();
    world.faults.length = 0;

    const during = await other.processInput(s3Created('inbox', 'a.json'));
    world.advance(15 * 60 * 1000);
    const after = await other.processInput(s3Created('inbox', 'a.json'));
    const again = await other.processInput(s3Created('inbox', 'a.json'));

    expect(tell(during)).toMatchObject({ outcome: 'failed', error: { code: 'SendInProgress' } });
    expect(tell(after)).toMatchObject({ outcome: 'succeeded', warning: { code: 'SendInDoubt' } });
    expect(tell(again)).toMatchObject({ outcome: 'duplicate' });
    expect(world.messages).toHaveLength(2);
    expect(world.messages[0]?.attributes).toEqual(world.messages[1]?.attributes);
    expect(world.messages[0]?.attributes?.['switchyard-idempotency-key']).toMatch(/^[0-9a-f]{64}$/);
    expect(log.lines.find((l) => l.message === 'sqs succeeded')).toMatchObject({ level: 'warn', fields: { warning: { code: 'SendInDoubt' } } });
  });

  it("a send that failed and whose 'failed' marker could not be written: the same container's redelivery takes its own claim over at once and sends", async () => {
    const { world, deliver } = setUp();
    world.faults.push({ operation: 'send', times: 3, code: 'InternalError', failureClass: '5xx' });
    fault(world, 'put', 99);

    const first = await deliver();
    world.faults.length = 0;
    const redelivered = await deliver();

    expect(tell(first)).toMatchObject({ outcome: 'failed', warning: { code: 'MarkerNotSettled' } });
    expect(tell(redelivered)).toMatchObject({ outcome: 'succeeded' });
    expect(tell(redelivered)?.warning).toBeUndefined();
    expect(world.messages).toHaveLength(1);
  });

  it("with the invocation's time left known, the lease ends with it, so a redelivery after the visibility timeout is not held for 15 minutes", async () => {
    const { world } = setUp();
    fault(world, 'put', 99);
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: 'state' });
    await pipeline.processInput(s3Created('inbox', 'a.json'), { remainingMs: () => 30_000 });
    world.faults.length = 0;
    world.advance(60_000);

    const redelivered = await new Pipeline({ routes, ports: world.ports, stateBucket: 'state' }).processInput(s3Created('inbox', 'a.json'));

    expect(tell(redelivered)).toMatchObject({ outcome: 'succeeded', warning: { code: 'SendInDoubt' } });
  });
});
