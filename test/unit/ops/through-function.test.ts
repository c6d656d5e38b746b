/**
 * `replay --through-function` reads the function's answer (engine/lambda-answer.ts): a 200 is not
 * "delivered" when a destination failed under `failWhen: all` (the record passed, the copy did not
 * land), nor when none of the routes the item is for ran (deployed routes that no longer match).
 */
import { describe, expect, it } from 'vitest';
import { notDeliveredBy } from '../../../deploy/ops/invoke-outcome.ts';
import { lambdaAnswer } from '../../../engine/lambda-answer.ts';
import { Pipeline } from '../../../engine/pipeline.ts';
import { compileRoutes, fakeWorld, s3Created } from '../pipeline/fake-world.ts';

const routes = compileRoutes({
  'routes/fan-out.yaml': `
name: fan-out
source: { bucket: inbox, trigger: s3-notification }
allow: { buckets: ["out-*"] }
actions:
  - copy: { id: fan, to: $destinationBuckets, key: $key, retry: { retries: 0 } }
failWhen: all
`,
});

async function answerFor(broken: string[], input: unknown = { sourceBucket: 'inbox', sourceKey: 'doc.pdf', destinationBuckets: ['out-a', 'out-b'] }): Promise<unknown> {
  const world = fakeWorld();
  world.putObject('inbox', 'doc.pdf', 'pdf bytes');
  world.faults.push({ operation: 'copy', target: (bucket) => broken.includes(bucket), times: 99, code: 'AccessDenied', failureClass: 'access-denied' });
  return lambdaAnswer(await new Pipeline({ routes, ports: world.ports }).processInput(input));
}

describe('what a function answer says was delivered', () => {
  it('every destination delivered: nothing to report', async () => {
    expect(notDeliveredBy('router', await answerFor([]), ['fan-out'])).toBeUndefined();
  });

  it('one destination failing under failWhen: all passes the record, but is not delivered', async () => {
    const answer = await answerFor(['out-b']);
    expect(answer).toMatchObject({ records: [{ status: 'processed', routes: ['fan-out'] }], undelivered: [expect.stringContaining('fan-out → s3://out-b/doc.pdf: AccessDenied')] });
    expect(notDeliveredBy('router', answer, ['fan-out'])).toMatch(/^router ran it, but did not deliver: fan-out → s3:\/\/out-b\/doc\.pdf: AccessDenied/);
  });

  it('an answer in which the expected route did not run (a dead letter the deployed routes no longer take) is not delivered', async () => {
    const answer = await answerFor([], s3Created('elsewhere', 'doc.pdf'));
    expect(answer).toMatchObject({ records: [{ routes: [] }] });
    expect(notDeliveredBy('router', answer, ['fan-out'])).toBe(
      'router answered without running fan-out for it: its deployed routes no longer match it (compare them with yours: switchyard status)',
    );
  });

  it('a replay request for a destination the deployed route no longer resolves to is not delivered', async () => {
    const event = { id: 'e1', kind: 'created', origin: 'direct', eventName: 'ObjectCreated:Put', bucket: 'inbox', key: 'doc.pdf', eventTime: '2026-12-01T00:00:00.000Z', destinationBuckets: ['out-a'] };
    const request = { switchyard: 'replay', route: 'fan-out', event, destinations: [{ actionId: 'fan', destination: { kind: 's3', id: 's3://out-gone/doc.pdf', bucket: 'out-gone', key: 'doc.pdf' } }] };
    const answer = await answerFor([], request);
    expect(notDeliveredBy('router', answer, ['fan-out'])).toBe(
      'router ran it, but did not deliver: fan-out → s3://out-gone/doc.pdf: not re-driven: action fan of route fan-out no longer sends this event to s3://out-gone/doc.pdf; if that is intended, the failure record can be deleted',
    );
  });

  it('an answer from a function deployed before answers named their routes counts as delivered when nothing failed', () => {
    expect(notDeliveredBy('router', { records: [{ recordId: 'x', status: 'processed' }] }, ['fan-out'])).toBeUndefined();
  });

  it("a route declined by when or tags was reached: not 'no longer match'", () => {
    expect(notDeliveredBy('router', { records: [{ recordId: 'x', status: 'processed', routes: ['fan-out'] }] }, ['fan-out'])).toBeUndefined();
  });

  it("re-driven for one route, another route's failure does not count against it; a rejected record's reason does", () => {
    const answer = { records: [{ recordId: 'x', status: 'processed', routes: ['fan-out', 'archive'] }], undelivered: ['archive → s3://cold/doc.pdf: AccessDenied: no'] };
    expect(notDeliveredBy('router', answer, ['fan-out'])).toBeUndefined();
    expect(notDeliveredBy('router', { ...answer, undelivered: ['SQS message m1 has no body'] }, ['fan-out'])).toBe('router ran it, but did not deliver: SQS message m1 has no body');
  });
});
