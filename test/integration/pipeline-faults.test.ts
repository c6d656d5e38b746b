/**
 * Faults injected into the idempotency markers' own requests (create, read, settle) on the way
 * to moto, through the real SDK: each case delivers the event as SQS would (again after a
 * failure, once more as a duplicate) and counts the messages that reached the queue.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { loadRoutes } from '../../engine/load/load-routes.ts';
import { routeSetFromFiles } from '../../engine/load/route-set.ts';
import { Pipeline, type InputReport } from '../../engine/pipeline.ts';
import type { Ports } from '../../engine/ports/types.ts';
import { s3Created } from '../unit/pipeline/fake-world.ts';
import type { FaultRequest, FaultRule } from './support/fault-proxy.ts';
import { useMotoBehindFaultProxy } from './support/moto-behind-proxy.ts';
import { motoPorts, putObject } from './pipeline-support.ts';

const STATE = 'switchyard-state';
const loaded = loadRoutes(
  routeSetFromFiles({
    'routes/notify.yaml': `
name: notify
source: { bucket: inbox, trigger: s3-notification }
actions:
  - sqs: { id: tell, queue: customer-a, retry: { retries: 2, delay: 1s } }
`,
  }),
);
const routes = loaded.routes;

const aws = useMotoBehindFaultProxy(13);
let ports: Ports;
let queueUrl: string;
beforeEach(async () => {
  ports ??= (await motoPorts(aws.proxy.endpoint, { fastClock: true })).ports;
  for (const bucket of ['inbox', STATE]) await aws.env.createBucket(bucket);
  queueUrl = (await aws.env.createQueue('customer-a')).url;
  await putObject(aws.env, 'inbox', 'a.json', '{}');
});

const markerKey = (r: FaultRequest): boolean => r.url.startsWith(`/${STATE}/markers/`);
const conditional = (r: FaultRequest): boolean => r.headers['if-none-match'] !== undefined;
const MARKER = {
  create: (r: FaultRequest) => r.method === 'PUT' && markerKey(r) && conditional(r),
  read: (r: FaultRequest) => r.method === 'GET' && markerKey(r),
  settle: (r: FaultRequest) => r.method === 'PUT' && markerKey(r) && !conditional(r),
};

const tell = (report: InputReport) => report.records[0]?.events[0]?.routes[0]?.results[0];

/** A fresh Pipeline is a fresh container: nothing remembered between deliveries. */
function deliver(container = new Pipeline({ routes, ports, stateBucket: STATE })): Promise<InputReport> {
  return container.processInput(s3Created('inbox', 'a.json'));
}

async function messagesInQueue(): Promise<number> {
  return (await aws.env.receiveAll(queueUrl)).length;
}

describe('a marker request that keeps failing: the action fails, nothing is sent; the redelivery sends once', () => {
  const cases: Array<{ proves: string; step: keyof typeof MARKER; action: FaultRule['action']; sentBefore: boolean }> = [
    { proves: 'create answered 503 SlowDown', step: 'create', action: { status: 503, s3Error: 'SlowDown' }, sentBefore: false },
    { proves: "read of the 'sent' marker reset (a duplicate delivery must not read it as 'no marker')", step: 'read', action: { reset: true }, sentBefore: true },
    { proves: "read of the 'sent' marker answered 500", step: 'read', action: { status: 500, s3Error: 'InternalError' }, sentBefore: true },
  ];

  it.each(cases)('$proves', async ({ step, action, sentBefore }) => {
    if (sentBefore) expect(tell(await deliver())).toMatchObject({ outcome: 'succeeded' });
    aws.proxy.setRules([{ when: MARKER[step], action }]);

    const faulted = await deliver();
    aws.proxy.setRules([]);
    const redelivered = await deliver();

    expect(tell(faulted)).toMatchObject({ outcome: 'failed', attempts: 0, error: { message: expect.stringContaining('idempotency marker markers/notify/tell/') } });
    expect(faulted.records[0]?.status).toBe('failed');
    expect(tell(redelivered)?.outcome).toBe(sentBefore ? 'duplicate' : 'succeeded');
    expect(await messagesInQueue()).toBe(1);
  });
});

describe('a marker request that fails and recovers within the retries sends once', () => {
  const cases: Array<{ proves: string; rule: FaultRule; sentBefore: boolean; outcome: string }> = [
    { proves: 'create reset twice', rule: { when: MARKER.create, action: { reset: true }, count: 2 }, sentBefore: false, outcome: 'succeeded' },
    { proves: 'create lands but its answer is lost: the retry finds its own marker', rule: { when: MARKER.create, action: { resetAfterForward: true }, count: 1 }, sentBefore: false, outcome: 'succeeded' },
    { proves: "read of the 'sent' marker 503 twice, then the duplicate is recognised", rule: { when: MARKER.read, action: { status: 503, s3Error: 'SlowDown' }, count: 2 }, sentBefore: true, outcome: 'duplicate' },
  ];

  it.each(cases)('$proves', async ({ rule, sentBefore, outcome }) => {
    if (sentBefore) await deliver();
    aws.proxy.setRules([rule]);

    const report = await deliver();

    expect(tell(report)?.outcome).toBe(outcome);
    expect(aws.proxy.stats.byRule[0]).toBe(rule.count);
    expect(await messagesInQueue()).toBe(1);
  });
});

describe('a settle that keeps failing after the send', () => {
  it("reports the unsettled marker; a duplicate to the same container sends nothing; another container backs off during the lease", async () => {
    const container = new Pipeline({ routes, ports, stateBucket: STATE });
    aws.proxy.setRules([{ when: MARKER.settle, action: { status: 500, s3Error: 'InternalError' } }]);

    const first = await deliver(container);
    aws.proxy.setRules([]);
    const sameContainer = await deliver(container);
    const otherContainer = await deliver();

    expect(tell(first)).toMatchObject({ outcome: 'succeeded', warning: { code: 'MarkerNotSettled' } });
    expect(tell(sameContainer)?.outcome).toBe('duplicate');
    expect(tell(otherContainer)?.outcome).toBe('duplicate');
    expect(await messagesInQueue()).toBe(1);
  });
});
