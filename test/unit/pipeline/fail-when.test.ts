/** failWhen any | all over every mix of delivered, failed and refused destinations, and the allow-list refusal itself. */
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../../engine/pipeline.ts';
import { compileRoutes, fakeWorld } from './fake-world.ts';

function route(failWhen: 'any' | 'all'): string {
  return `
name: fan-out
source: { bucket: inbox, trigger: s3-notification }
allow: { buckets: ["out-*"] }
actions:
  - copy: { id: fan, to: $destinationBuckets, key: $key, retry: { retries: 0 } }
failWhen: ${failWhen}
`;
}

const cases = [
  { proves: 'any: every destination delivered → the event succeeds', failWhen: 'any', to: ['out-a', 'out-b'], broken: [], failed: false },
  { proves: 'any: one of two destinations failing fails the event', failWhen: 'any', to: ['out-a', 'out-b'], broken: ['out-b'], failed: true },
  { proves: 'any: every destination failing fails the event', failWhen: 'any', to: ['out-a', 'out-b'], broken: ['out-a', 'out-b'], failed: true },
  { proves: 'any: a refused destination fails the event', failWhen: 'any', to: ['out-a', 'elsewhere'], broken: [], failed: true },
  { proves: 'all: every destination delivered → the event succeeds', failWhen: 'all', to: ['out-a', 'out-b'], broken: [], failed: false },
  { proves: 'all: one of two failing still succeeds (seed 000: fail only when no bucket got the file)', failWhen: 'all', to: ['out-a', 'out-b'], broken: ['out-a'], failed: false },
  { proves: 'all: every destination failing fails the event', failWhen: 'all', to: ['out-a', 'out-b'], broken: ['out-a', 'out-b'], failed: true },
  { proves: 'all: one refused and one delivered succeeds', failWhen: 'all', to: ['out-a', 'elsewhere'], broken: [], failed: false },
  { proves: 'all: one refused and the other failing fails the event', failWhen: 'all', to: ['out-a', 'elsewhere'], broken: ['out-a'], failed: true },
] as const;

describe('failWhen', () => {
  it.each(cases)('$proves', async ({ failWhen, to, broken, failed }) => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    world.faults.push({ operation: 'copy', target: (bucket) => (broken as readonly string[]).includes(bucket), times: 99, code: 'AccessDenied', failureClass: 'access-denied' });
    const pipeline = new Pipeline({ routes: compileRoutes({ 'routes/fan-out.yaml': route(failWhen) }), ports: world.ports });

    const report = await pipeline.processInput({ sourceBucket: 'inbox', sourceKey: 'doc.pdf', destinationBuckets: [...to] });
    const routeReport = report.records[0]?.events[0]?.routes[0];

    expect(routeReport?.failed).toBe(failed);
    expect(report.records[0]?.status).toBe(failed ? 'failed' : 'processed');
    const landed = to.filter((b) => world.object(b, 'doc.pdf') !== undefined);
    expect(landed).toEqual(to.filter((b) => b.startsWith('out-') && !(broken as readonly string[]).includes(b)));
    expect(routeReport?.results.filter((r) => r.outcome === 'failed').map((r) => r.destination).sort()).toEqual(broken.map((b) => `s3://${b}/doc.pdf`).sort());
  });
});

describe('allow-list', () => {
  it('refuses a destination outside allow.buckets: reported with the reason, never written', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    const pipeline = new Pipeline({ routes: compileRoutes({ 'routes/fan-out.yaml': route('any') }), ports: world.ports });

    const report = await pipeline.processInput({ sourceBucket: 'inbox', sourceKey: 'doc.pdf', destinationBuckets: ['out-a', 'attacker-bucket'] });
    const routeReport = report.records[0]?.events[0]?.routes[0];

    expect(routeReport?.refused).toEqual([
      { actionId: 'fan', type: 'copy', destination: 'attacker-bucket', reason: 'attacker-bucket is not in allow.buckets of route fan-out: refused, nothing written' },
    ]);
    expect(routeReport?.steps.map((s) => s.action.type === 'copy' && s.action.bucket)).toEqual(['out-a']);
    expect(world.copies.map((c) => c.destination.bucket)).toEqual(['out-a']);
    expect(world.object('attacker-bucket', 'doc.pdf')).toBeUndefined();
  });

  it('refuses a queue outside allow.queues and a role outside allow.roles', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.json', '{"queue":"other-queue","role":"arn:aws:iam::999999999999:role/intruder"}');
    const routes = compileRoutes({
      'routes/q.yaml': `
name: queue-out
source: { bucket: inbox, trigger: s3-notification }
let:
  doc: $objectJson()
allow:
  queues: ["customer-*"]
  roles: ["arn:aws:iam::*:role/switchyard-*"]
actions:
  - sqs: { id: to-queue, queue: $doc.queue }
  - sqs: { id: as-role, queue: customer-a, assumeRole: { arn: $doc.role } }
`,
    });
    const pipeline = new Pipeline({ routes, ports: world.ports });

    const report = await pipeline.processInput({ sourceBucket: 'inbox', sourceKey: 'doc.json' });
    const routeReport = report.records[0]?.events[0]?.routes[0];

    expect(routeReport?.refused.map((r) => [r.actionId, r.destination])).toEqual([
      ['to-queue', 'other-queue'],
      ['as-role', 'arn:aws:iam::999999999999:role/intruder'],
    ]);
    expect(world.messages).toEqual([]);
    expect(routeReport?.failed).toBe(true);
  });
});
