/** Retry counts per action under each action's own policy, on a fake clock; `retries` read from the config (seed 001). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRoutes } from '../../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../../engine/load/route-set.ts';
import type { CompiledRoute } from '../../../engine/load/compiled-route.ts';
import { Pipeline } from '../../../engine/pipeline.ts';
import { memoryLog } from '../../../engine/report/log.ts';
import { compileRoutes, fakeWorld, type Fault } from './fake-world.ts';

const seedRoutes = loadRoutes(routeSetFromDisk(['routes'])).routes;
function seedRoute(name: string): CompiledRoute {
  const found = seedRoutes.find((r) => r.name === name);
  if (!found) throw new Error(`routes/ has no route ${name}`);
  return found;
}
const event = (file: string): unknown => JSON.parse(readFileSync(`routes/tests/events/${file}`, 'utf8'));

function retryDelays(log: ReturnType<typeof memoryLog>, actionId?: string): number[] {
  return log.lines.filter((l) => l.message.startsWith('retrying') && (actionId === undefined || l.fields.actionId === actionId)).map((l) => Number(l.fields.delayMs));
}

describe('seed 000: 3 retries at 1 s, 2 s, 4 s for throttling, network and 5xx only', () => {
  const cases: Array<{ proves: string; fault: Omit<Fault, 'operation' | 'target'>; attempts: number; delays: number[]; outcome: string }> = [
    { proves: 'two SlowDowns then success: 3 attempts after 1 s and 2 s', fault: { times: 2, code: 'SlowDown', failureClass: 'throttling' }, attempts: 3, delays: [1000, 2000], outcome: 'succeeded' },
    { proves: 'a reset every time: 4 attempts after 1 s, 2 s, 4 s, then failed', fault: { times: 99, code: 'ECONNRESET', failureClass: 'network' }, attempts: 4, delays: [1000, 2000, 4000], outcome: 'failed' },
    { proves: 'one 503: 2 attempts', fault: { times: 1, code: 'ServiceUnavailable', failureClass: '5xx' }, attempts: 2, delays: [1000], outcome: 'succeeded' },
    { proves: 'AccessDenied fails at once', fault: { times: 99, code: 'AccessDenied', failureClass: 'access-denied' }, attempts: 1, delays: [], outcome: 'failed' },
    { proves: 'NoSuchBucket fails at once', fault: { times: 99, code: 'NoSuchBucket', failureClass: 'not-found' }, attempts: 1, delays: [], outcome: 'failed' },
  ];

  it.each(cases)('$proves', async ({ fault, attempts, delays, outcome }) => {
    const world = fakeWorld();
    const log = memoryLog();
    world.putObject('my-ingestion-bucket', 'incoming/daily report.pdf', '%PDF-1.7 daily report', { tags: { DestinationMappingKey: 'intel-distribution' } });
    world.ssm.set('/pipeline/destination/intel-distribution', 'intel-bucket-east,intel-bucket-west');
    world.faults.push({ operation: 'copy', target: (b) => b === 'intel-bucket-west', ...fault });
    const pipeline = new Pipeline({ routes: [seedRoute('one-to-many')], ports: world.ports, log });

    const report = await pipeline.processInput(event('one-to-many-created.json'));
    const results = report.records[0]?.events[0]?.routes[0]?.results ?? [];

    expect(results.map((r) => [r.destination, r.outcome, r.attempts])).toEqual([
      ['s3://intel-bucket-east/incoming/daily report.pdf', 'succeeded', 1],
      ['s3://intel-bucket-west/incoming/daily report.pdf', outcome, attempts],
    ]);
    expect(retryDelays(log)).toEqual(delays);
    expect(world.sleeps).toEqual(delays);
    // failWhen: all — one bucket received the file, so the event never fails.
    expect(report.records[0]?.status).toBe('processed');
  });
});

describe('each action keeps its own retry budget', () => {
  it('a copy with 3 retries and a message with 1 retry, both throttled throughout', async () => {
    const world = fakeWorld();
    const log = memoryLog();
    world.putObject('inbox', 'a.txt', 'a');
    world.faults.push({ operation: 'copy', times: 99, code: 'SlowDown', failureClass: 'throttling' });
    world.faults.push({ operation: 'send', times: 99, code: 'ThrottlingException', failureClass: 'throttling' });
    const routes = compileRoutes({
      'routes/two.yaml': `
name: two
source: { bucket: inbox, trigger: s3-notification }
retry: { retries: 1, delay: 500ms, jitter: none }
actions:
  - copy: { id: keep, to: out-bucket, key: $key, retry: { retries: 3, delay: 1s, backoff: 3, maxDelay: 5s, jitter: none } }
  - sqs: { id: tell, queue: q }
`,
    });
    const pipeline = new Pipeline({ routes, ports: world.ports, log });

    const report = await pipeline.processInput({ sourceBucket: 'inbox', sourceKey: 'a.txt' });
    const results = report.records[0]?.events[0]?.routes[0]?.results ?? [];

    expect(results.map((r) => [r.actionId, r.attempts, r.error?.reason])).toEqual([
      ['keep', 4, 'retries-exhausted'],
      ['tell', 2, 'retries-exhausted'],
    ]);
    expect(retryDelays(log, 'keep')).toEqual([1000, 3000, 5000]);
    expect(retryDelays(log, 'tell')).toEqual([500]);
    expect(world.calls.copy).toBe(4);
    expect(world.calls.send).toBe(2);
  });
});

describe('seed 001: retries from $exportConfig.retry', () => {
  const cases = [
    { proves: 'retry: 1 in the config allows 2 attempts', configured: 1, slowDowns: 5, attempts: 2, outcome: 'failed' },
    { proves: 'retry: 3 in the config allows 4 attempts', configured: 3, slowDowns: 3, attempts: 4, outcome: 'succeeded' },
    { proves: 'retry: 0 in the config tries once', configured: 0, slowDowns: 1, attempts: 1, outcome: 'failed' },
  ];

  it.each(cases)('$proves', async ({ configured, slowDowns, attempts, outcome }) => {
    const world = fakeWorld();
    const log = memoryLog();
    world.putObject('artifacts-config', 'export-config.json', JSON.stringify({ customers: [{ org: 'org1', destinationBucket: 'org1-export' }], retry: configured }));
    world.putObject('artifacts-source', 'org1/catalogue/2026/spring catalogue.PDF', 'hello world body 24 byte');
    world.faults.push({ operation: 'copy', times: slowDowns, code: 'SlowDown', failureClass: 'throttling' });
    const pipeline = new Pipeline({ routes: [seedRoute('artifacts-export')], ports: world.ports, log });

    const report = await pipeline.processInput(event('artifacts-org1-pdf.json'));
    const result = report.records[0]?.events[0]?.routes[0]?.results[0];

    expect(result).toMatchObject({ destination: 's3://org1-export/org1/catalogue/2026/spring catalogue.PDF', outcome, attempts });
    // delay 1s with full jitter: each sleep is at most 1 s × 2^n.
    const delays = retryDelays(log);
    expect(delays).toHaveLength(attempts - 1);
    delays.forEach((ms, n) => expect(ms).toBeLessThanOrEqual(1000 * 2 ** n));
    expect(report.batchItemFailures).toEqual(outcome === 'failed' ? [{ itemIdentifier: 'msg-artifacts-1' }] : []);
  });

  it('a retry count that is not a whole number is a route error naming the action', async () => {
    const world = fakeWorld();
    world.putObject('artifacts-config', 'export-config.json', JSON.stringify({ customers: [{ org: 'org1', destinationBucket: 'org1-export' }], retry: 'twice' }));
    const pipeline = new Pipeline({ routes: [seedRoute('artifacts-export')], ports: world.ports });

    const report = await pipeline.processInput(event('artifacts-org1-pdf.json'));
    const routeReport = report.records[0]?.events[0]?.routes[0];

    expect(routeReport?.error).toMatchObject({ code: 'RouteError', failureClass: 'config' });
    expect(routeReport?.error?.message).toMatch(/^action export: retry\.retries resolved to "twice", not a whole number ≥ 0: fix the value where the expression reads it/);
    expect(world.copies).toEqual([]);
  });

  it('a config without a retry count means the default, 3 retries, not a failed export', async () => {
    const world = fakeWorld();
    world.putObject('artifacts-config', 'export-config.json', JSON.stringify({ customers: [{ org: 'org1', destinationBucket: 'org1-export' }] }));
    world.putObject('artifacts-source', 'org1/catalogue/2026/spring catalogue.PDF', 'hello world body 24 byte');
    world.faults.push({ operation: 'copy', times: 3, code: 'SlowDown', failureClass: 'throttling' });
    const pipeline = new Pipeline({ routes: [seedRoute('artifacts-export')], ports: world.ports });

    const report = await pipeline.processInput(event('artifacts-org1-pdf.json'));

    expect(report.records[0]?.events[0]?.routes[0]?.results[0]).toMatchObject({ outcome: 'succeeded', attempts: 4 });
  });
});
