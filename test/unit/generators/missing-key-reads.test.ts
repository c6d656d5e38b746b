/**
 * S3 answers a read of a missing key with 403, not 404, to a principal without s3:ListBucket on the
 * bucket. The runtime reads keys that may not exist (failure and tracking records, markers, a
 * source deleted before its event is handled), so the role lists each bucket it reads that way;
 * and tracking is on wherever the runtime writes it (schema default: enabled), with its lifecycle.
 */
import { describe, expect, it } from 'vitest';
import { contextFor } from '../../../generators/cloudformation/defaults.ts';
import { routeStatements, sharedStatements } from '../../../generators/cloudformation/iam.ts';
import { DEFAULT_OWNED_QUEUE_RETENTION } from '../../../generators/cloudformation/queues.ts';
import { lifecycleRules } from '../../../generators/cloudformation/state.ts';
import { generatePolicyFiles } from '../../../generators/policies/index.ts';
import { DEFAULT_TRACKING_RETENTION } from '../../../engine/report/tracking.ts';
import schema from '../../../schema/route.schema.json' with { type: 'json' };
import { compileRouteFiles } from './synthetic-routes.ts';

const P = 'arn:${AWS::Partition}';
const STATE = '${StateBucket.Arn}';

const route = (name: string, extra = '', source = 'bucket: drop, prefix: in/'): string =>
  `name: ${name}\nsource: { ${source}, trigger: s3-notification }\nactions:\n  - copy: { id: copy, to: out-${name}, key: $key }\n${extra}`;

const sidsOf = (statements: Array<{ Sid?: string }>): string[] => statements.map((s) => s.Sid ?? '');

describe('reads of keys that may not exist answer 404, not 403', () => {
  it('the function lists the state bucket (failure records, tracking records and markers are read before they exist)', () => {
    const statements = sharedStatements('s', compileRouteFiles({ 'routes/a.yaml': route('ab') }));
    expect(statements.find((s) => s.Sid === 'ListStateBucket')).toEqual({ Sid: 'ListStateBucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [STATE] });
  });

  it('an event route lists its source bucket, without a prefix condition (a GET carries no s3:prefix)', () => {
    const [compiled] = compileRouteFiles({ 'routes/a.yaml': route('ab') });
    const list = routeStatements(compiled!).find((s) => s.Sid === 'AbListSource');
    expect(list).toEqual({ Sid: 'AbListSource', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [`${P}:s3:::drop`] });
  });

  it('a batch route (which lists for backfills) lists without a condition too', () => {
    const [compiled] = compileRouteFiles({ 'routes/ab.yaml': route('ab', 'batch: { manifests: s3://manifests/ab/ }\n') });
    expect(routeStatements(compiled!).find((s) => s.Sid === 'AbListSource')).toEqual({ Sid: 'AbListSource', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [`${P}:s3:::drop`] });
  });

  it("a source bucket in another account lets each reader list it too (policies/source-<bucket>.json)", () => {
    const routes = compileRouteFiles({ 'routes/a.yaml': route('ab', '', 'bucket: partner-drop, account: "222222222222"') });
    const file = generatePolicyFiles(routes, { deployAccount: '111111111111', region: 'eu-west-1' }).find((f) => f.path === 'policies/source-partner-drop.json');
    const statements = (file?.document as { Statement: Array<{ Sid: string; Action: unknown; Resource: unknown }> } | undefined)?.Statement ?? [];
    const list = statements.filter((s) => s.Action === 's3:ListBucket');
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((s) => JSON.stringify(s.Resource) === JSON.stringify(['arn:aws:s3:::partner-drop']))).toBe(true);
  });
});

describe('tracking is on wherever the runtime writes it', () => {
  const cases = [
    { tracking: 'tracking: {}\n', on: true, days: 90 },
    { tracking: 'tracking: { retention: 30d }\n', on: true, days: 30 },
    { tracking: 'tracking: { enabled: true }\n', on: true, days: 90 },
    { tracking: 'tracking: { enabled: false }\n', on: false, days: undefined },
    { tracking: '', on: false, days: undefined },
  ];

  it("the default retention is the schema's (one place to change it)", () => {
    expect(schema.definitions.Tracking.properties.retention.default).toBe(DEFAULT_TRACKING_RETENTION);
  });

  it.each(cases)('$tracking → write permission $on, lifecycle $days days', ({ tracking, on, days }) => {
    const routes = compileRouteFiles({ 'routes/a.yaml': route('ab', tracking) });
    expect(sidsOf(routeStatements(routes[0]!)).includes('AbWriteTracking')).toBe(on);
    const rule = lifecycleRules(contextFor(routes)).find((r) => (r as { Id: string }).Id === 'ExpireTrackingAb') as { ExpirationInDays?: number } | undefined;
    expect(rule?.ExpirationInDays).toBe(days);
  });
});

describe("an owned queue's retention", () => {
  it("defaults to the schema's (14 days: the generator used SQS's 4 and lost what the docs promised to keep)", () => {
    expect(schema.definitions.OwnedQueue.properties.retention.default).toBe(DEFAULT_OWNED_QUEUE_RETENTION);
  });
});
