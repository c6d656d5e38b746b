/**
 * Every EventBridge pattern a sharded deployment generates, run by moto's own pattern engine
 * against real S3 "Object Created"/"Object Deleted" event shapes: each pattern becomes a rule
 * on moto's bus with an SQS target (moto 5.2.1 answers TestEventPattern with an empty body, so
 * the rule and PutEvents path is how its matcher is reached), and an event is routed when it
 * reaches a queue. Covers shared rules (`$or` branches), pushed-down `match` prefixes and
 * suffixes, and their non-matches. The in-repo evaluator must agree with moto on every event.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateDeployment } from '../../../generators/deployment.ts';
import type { AwsTestEnv } from '../../integration/support/aws-env.ts';
import { useMotoServer } from '../../integration/support/moto.ts';
import { matchesPattern } from './event-pattern-evaluator.ts';
import { compileRouteFiles, routeFiles, syntheticRoutes } from './synthetic-routes.ts';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

let env: AwsTestEnv;
useMotoServer((_server, e) => {
  env = e;
});

/** Routes whose trigger filter comes from `match` (no source prefix or suffix), and one that cannot be pushed down. */
const PUSHED_DOWN: Record<string, string> = {
  'routes/by-match-prefix.yaml': 'name: by-match-prefix\nsource: { bucket: pushdown-a, trigger: eventbridge }\nmatch: { prefix: [reports/, exports/] }\nactions:\n  - copy: { to: pushdown-out, key: $key }\n',
  'routes/by-match-suffix.yaml': 'name: by-match-suffix\nsource: { bucket: pushdown-b, trigger: eventbridge, events: [created, deleted] }\nmatch: { suffix: [.csv, .parquet] }\nactions:\n  - copy: { to: pushdown-out, key: "=\'b/\' & $key" }\n',
  'routes/ignoring-case.yaml': 'name: ignoring-case\nsource: { bucket: pushdown-c, trigger: eventbridge }\nmatch: { suffix: .pdf, ignoreCase: true }\nactions:\n  - copy: { to: pushdown-out, key: "=\'c/\' & $key" }\n',
};

const plain = syntheticRoutes({ routes: 60, buckets: 12, seed: 3 });
const routes = compileRouteFiles({ ...routeFiles(plain), ...PUSHED_DOWN });
const deployment = generateDeployment(routes);
const patterns = deployment.stacks.flatMap((s) =>
  Object.values(s.template.Resources)
    .filter((r) => r.Type === 'AWS::Events::Rule')
    .map((r) => r.Properties?.EventPattern as Json),
);

const CREATED = JSON.parse(readFileSync('test/fixtures/events/eventbridge-object-created.json', 'utf8')) as { detail: Record<string, Json> };
const DELETED = JSON.parse(readFileSync('test/fixtures/events/eventbridge-object-deleted.json', 'utf8')) as { detail: Record<string, Json> };

interface Case {
  name: string;
  kind: 'created' | 'deleted';
  bucket: string;
  key: string;
  routed: boolean;
}

const firstOnOtherBucket = plain.find((r) => r.bucket !== plain[0]?.bucket);
const cases: Case[] = [
  ...plain.slice(0, 20).flatMap((r): Case[] => [
    { name: `${r.name}: a key under its prefix`, kind: 'created', bucket: r.bucket, key: `${r.prefix}2026/a b.csv`, routed: true },
    { name: `${r.name}: a delete (created only)`, kind: 'deleted', bucket: r.bucket, key: `${r.prefix}x`, routed: false },
    { name: `${r.name}: its prefix not at the start`, kind: 'created', bucket: r.bucket, key: `x/${r.prefix}y`, routed: false },
  ]),
  { name: 'a prefix of one bucket on another bucket of the same rule', kind: 'created', bucket: firstOnOtherBucket?.bucket ?? '', key: `${plain[0]?.prefix}z`, routed: plain.some((r) => r.bucket === firstOnOtherBucket?.bucket && r.prefix === plain[0]?.prefix) },
  { name: 'a bucket no route reads', kind: 'created', bucket: 'nobody-reads-this', key: `${plain[0]?.prefix}z`, routed: false },
  { name: 'match prefix pushed down: first prefix', kind: 'created', bucket: 'pushdown-a', key: 'reports/q1.pdf', routed: true },
  { name: 'match prefix pushed down: second prefix', kind: 'created', bucket: 'pushdown-a', key: 'exports/q1.csv', routed: true },
  { name: 'match prefix pushed down: another prefix never invokes', kind: 'created', bucket: 'pushdown-a', key: 'drafts/q1.pdf', routed: false },
  { name: 'match suffix pushed down: created .csv', kind: 'created', bucket: 'pushdown-b', key: 'in/a.csv', routed: true },
  { name: 'match suffix pushed down: deleted .parquet', kind: 'deleted', bucket: 'pushdown-b', key: 'in/a.parquet', routed: true },
  { name: 'match suffix pushed down: another suffix never invokes', kind: 'created', bucket: 'pushdown-b', key: 'in/a.json', routed: false },
  { name: 'ignoreCase is not pushed down: .PDF still reaches the function', kind: 'created', bucket: 'pushdown-c', key: 'in/a.PDF', routed: true },
  { name: 'ignoreCase is not pushed down: any key reaches it (the runtime matches)', kind: 'created', bucket: 'pushdown-c', key: 'in/a.txt', routed: true },
];

function eventOf(c: Case, marker: string): { Source: string; DetailType: string; Detail: string; Resources: string[] } {
  const base = c.kind === 'created' ? CREATED : DELETED;
  const detail = { ...base.detail, bucket: { name: c.bucket }, object: { ...(base.detail.object as Record<string, Json>), key: c.key }, 'request-id': marker };
  return { Source: 'aws.s3', DetailType: c.kind === 'created' ? 'Object Created' : 'Object Deleted', Detail: JSON.stringify(detail), Resources: [`arn:aws:s3:::${c.bucket}`] };
}

async function events(operation: string, input: unknown): Promise<{ FailedEntryCount?: number }> {
  const date = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  const response = await fetch(`${env.endpoint}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSEvents.${operation}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/${date}/us-east-1/events/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  expect(response.ok, `${operation}: ${text}`).toBe(true);
  return text === '' ? {} : (JSON.parse(text) as { FailedEntryCount?: number });
}

describe('generated EventBridge patterns on moto', () => {
  it('are few (buckets share rules) and within 2,048 characters', () => {
    expect(patterns.length).toBeGreaterThan(0);
    expect(patterns.length).toBeLessThan(new Set(routes.map((r) => r.definition.source.bucket)).size);
    for (const p of patterns) expect(JSON.stringify(p).length).toBeLessThanOrEqual(2048);
    expect(patterns.some((p) => JSON.stringify(p).includes('"$or"'))).toBe(true);
  });

  it('route exactly the events their routes want, as moto matches them, and the in-repo evaluator agrees', async () => {
    const queues = await Promise.all(patterns.map((_, i) => env.createQueue(`rule-${i}`)));
    for (const [i, pattern] of patterns.entries()) {
      await events('PutRule', { Name: `rule-${i}`, EventPattern: JSON.stringify(pattern), State: 'ENABLED' });
      await events('PutTargets', { Rule: `rule-${i}`, Targets: [{ Id: 'q', Arn: queues[i]?.arn }] });
    }
    for (let start = 0; start < cases.length; start += 10) {
      const batch = cases.slice(start, start + 10).map((c, i) => eventOf(c, `case-${start + i}`));
      expect((await events('PutEvents', { Entries: batch })).FailedEntryCount).toBe(0);
    }
    const arrived = new Set<string>();
    for (const queue of queues) {
      for (const message of await env.receiveAll(queue.url)) arrived.add(String((JSON.parse(message.Body ?? '{}') as { detail: { 'request-id': string } }).detail['request-id']));
    }
    const outcome = cases.map((c, i) => ({ name: c.name, routed: arrived.has(`case-${i}`) }));
    expect(outcome).toEqual(cases.map((c) => ({ name: c.name, routed: c.routed })));
    cases.forEach((c, i) => {
      const event = { source: 'aws.s3', 'detail-type': c.kind === 'created' ? 'Object Created' : 'Object Deleted', detail: JSON.parse(eventOf(c, `case-${i}`).Detail) as Json };
      expect(patterns.some((p) => matchesPattern(p, event)), c.name).toBe(c.routed);
    });
  });
});
