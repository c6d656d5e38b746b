/**
 * A manual invocation through a route's API (seed 002's API Gateway): API Gateway's request
 * template wraps the posted body with the route's name, and that route alone runs for the object.
 */
import { describe, expect, it } from 'vitest';
import { apiRequestTemplate } from '../../../engine/actions/api-request.ts';
import { lambdaAnswer } from '../../../engine/lambda-answer.ts';
import { Pipeline } from '../../../engine/pipeline.ts';
import { compileRoutes, fakeWorld } from './fake-world.ts';

const routes = compileRoutes({
  'routes/builds.yaml': `
name: builds
source: { bucket: inbox, trigger: s3-notification, prefix: builds/ }
api: true
allow: { buckets: ["out-*"] }
actions:
  - copy: { id: replicate, to: "=$destinationBuckets ? $destinationBuckets : ['out-a']", key: $key }
`,
  'routes/archive.yaml': `
name: archive
source: { bucket: inbox, trigger: s3-notification }
allow: { buckets: [cold] }
actions:
  - copy: { id: keep, to: cold, key: $key }
`,
});

/** What API Gateway hands the function for a posted body: the route's request template with $input.json('$') filled in. */
function throughApi(route: string, body: unknown): unknown {
  return JSON.parse(apiRequestTemplate(route).replace(`$input.json('$')`, JSON.stringify(body))) as unknown;
}

function world() {
  const w = fakeWorld();
  w.putObject('inbox', 'builds/app.zip', 'zip bytes');
  return w;
}

describe('an API request (route api: true)', () => {
  it('runs that route alone for the object, with the destinations the caller names', async () => {
    const w = world();
    const report = await new Pipeline({ routes, ports: w.ports }).processInput(throughApi('builds', { sourceBucket: 'inbox', sourceKey: 'builds/app.zip', destinationBuckets: ['out-b'] }), { requestId: 'req-1' });
    expect(report.records.map((r) => r.status)).toEqual(['processed']);
    expect(report.records[0]?.events[0]?.routes.map((r) => r.name)).toEqual(['builds']);
    expect(w.copies.map((c) => `${c.destination.bucket}/${c.destination.key}`)).toEqual(['out-b/builds/app.zip']);
  });

  it('the same body as a plain direct invocation runs every route that takes the object (what the API narrows)', async () => {
    const w = world();
    await new Pipeline({ routes, ports: w.ports }).processInput({ sourceBucket: 'inbox', sourceKey: 'builds/app.zip' }, { requestId: 'req-2' });
    expect(w.copies.map((c) => c.destination.bucket).sort()).toEqual(['cold', 'out-a']);
  });

  const refusals: Array<[string, unknown, string]> = [
    ['a route without api: true', throughApi('archive', { sourceBucket: 'inbox', sourceKey: 'builds/app.zip' }), 'API request refused: route archive takes no requests over an API (api is not true)'],
    ['an object the route does not take', throughApi('builds', { sourceBucket: 'inbox', sourceKey: 'other/app.zip' }), 'API request refused: route builds does not take s3://inbox/other/app.zip: '],
    ['a body that is not a direct invocation', throughApi('builds', { Records: [] }), 'API request refused: post {"sourceBucket", "sourceKey", "destinationBuckets"?}, a direct invocation'],
    ['a direct invocation with a typo', throughApi('builds', { sourceBucket: 'inbox', sourceKey: 'builds/app.zip', destinationBucket: ['out-b'] }), "API request refused: direct invocation has unknown field 'destinationBucket'"],
    ['a route not loaded here', throughApi('gone', { sourceBucket: 'inbox', sourceKey: 'builds/app.zip' }), "API request refused: no route named 'gone' is loaded here"],
  ];
  for (const [what, input, reason] of refusals) {
    it(`refuses ${what}, copying nothing; the invocation fails with the reason (Lambda retries, then dead-letters it)`, async () => {
      const w = world();
      const report = await new Pipeline({ routes, ports: w.ports }).processInput(input, { requestId: 'req-3' });
      expect(report.records[0]).toMatchObject({ status: 'rejected', reason: expect.stringContaining(reason) });
      expect(w.copies).toEqual([]);
      expect(() => lambdaAnswer(report)).toThrow(reason);
    });
  }
});
