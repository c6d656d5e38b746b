import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_PATTERN_CHARS, patternsFor } from '../../../generators/cloudformation/eventbridge-pattern.ts';
import { contextFor } from '../../../generators/cloudformation/defaults.ts';
import { generateTemplate, stackTemplate } from '../../../generators/cloudformation/template.ts';
import type { CfnTemplate } from '../../../generators/cloudformation/types.ts';
import { coarsened, notificationSources } from '../../../generators/cloudformation/sources.ts';
import { matchesPattern } from './event-pattern-evaluator.ts';
import { loadRouteSet } from './load-fixture-routes.ts';
import { compileRouteFiles } from './synthetic-routes.ts';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const EVENTS_DIR = 'test/fixtures/events';

/** Every EventBridge event in the fixtures: the files that are one event, and the bodies of those that arrive through SQS. */
function fixtureEvents(): Record<string, Json> {
  const events: Record<string, Json> = {};
  for (const file of readdirSync(EVENTS_DIR).filter((f) => /^eventbridge-.*\.json$/.test(f)).sort()) {
    const parsed = JSON.parse(readFileSync(path.join(EVENTS_DIR, file), 'utf8')) as { Records?: Array<{ body: string }> };
    if (parsed.Records !== undefined) parsed.Records.forEach((r, i) => (events[`${file}#${i}`] = JSON.parse(r.body) as Json));
    else events[file] = parsed as Json;
  }
  return events;
}

const EVENTS = fixtureEvents();

function fixture(name: string): Json {
  const event = EVENTS[name];
  if (event === undefined) throw new Error(`no fixture event ${name}`);
  return event;
}

/** A real event shape with another bucket and key. */
function at(name: string, bucket: string, key: string): Json {
  const event = structuredClone(fixture(name)) as { detail: { bucket: { name: string }; object: { key: string } }; resources: string[] };
  event.detail.bucket.name = bucket;
  event.detail.object.key = key;
  event.resources = [`arn:aws:s3:::${bucket}`];
  return event as unknown as Json;
}

interface Branch {
  bucket: { name: string[] };
  object?: { key: unknown };
}

/** The alternatives of a rule: the `$or` branches of its detail, or its detail itself. */
function branchesOf(pattern: Json): Branch[] {
  const detail = (pattern as unknown as { detail: { $or?: Branch[] } & Branch }).detail;
  return detail.$or ?? [detail];
}

function rulePatterns(template: CfnTemplate): Json[] {
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Events::Rule')
    .map((r) => r.Properties?.EventPattern as Json);
}

const CREATED = 'eventbridge-object-created.json';
const DELETED = 'eventbridge-object-deleted.json';
const RESTORED = 'eventbridge-object-restore-completed.json';
const OTHER_SOURCE = 'eventbridge-from-other-source.json';
const VIA_SQS = 'eventbridge-via-sqs.json#0';

const cases: Array<{ name: string; set: string; event: Json; routed: boolean }> = [
  { name: 'seed 000: any object created in the ingestion bucket', set: 'routes', event: fixture(CREATED), routed: true },
  { name: 'seed 000: the same shape arriving through SQS', set: 'routes', event: fixture(VIA_SQS), routed: true },
  { name: 'seed 000 takes created only: a delete is not routed', set: 'routes', event: fixture(DELETED), routed: false },
  { name: 'a restore is not an object creation', set: 'routes', event: fixture(RESTORED), routed: false },
  { name: 'events from other services never match', set: 'routes', event: fixture(OTHER_SOURCE), routed: false },
  { name: 'another bucket is not routed', set: 'routes', event: at(CREATED, 'someone-elses-bucket', 'incoming/a.csv'), routed: false },
  { name: 's3-notification sources get no rule', set: 'routes', event: at(CREATED, 'global-builds', 'build-1.zip'), routed: false },
  { name: 'first prefix of a shared bucket', set: 'mixed', event: at(CREATED, 'finance-inbox', 'invoices/2026/1.pdf'), routed: true },
  { name: 'second prefix of a shared bucket', set: 'mixed', event: at(CREATED, 'finance-inbox', 'receipts/1.png'), routed: true },
  { name: 'one route on the bucket takes deletes', set: 'mixed', event: at(DELETED, 'finance-inbox', 'receipts/1.png'), routed: true },
  { name: 'a key under neither prefix', set: 'mixed', event: at(CREATED, 'finance-inbox', 'drafts/invoices/1.pdf'), routed: false },
  { name: 'a prefix must start the key', set: 'mixed', event: at(CREATED, 'finance-inbox', 'x/invoices/1.pdf'), routed: false },
  { name: 'suffix route: the suffix matches', set: 'mixed', event: at(CREATED, 'scanner-drop', 'a/b/scan.pdf'), routed: true },
  { name: 'suffix route: a different extension', set: 'mixed', event: at(CREATED, 'scanner-drop', 'a/b/scan.pdf.tmp'), routed: false },
  { name: 'suffix route: suffixes are case-sensitive', set: 'mixed', event: at(CREATED, 'scanner-drop', 'scan.PDF'), routed: false },
  { name: 'suffix route: deletes not taken', set: 'mixed', event: at(DELETED, 'scanner-drop', 'scan.pdf'), routed: false },
  { name: 'the sqs-triggered bucket has no rule', set: 'mixed', event: at(CREATED, 'legacy-bucket', 'data/x'), routed: false },
];

const SETS: Record<string, string> = { routes: 'routes', mixed: 'test/fixtures/generators/mixed' };
const patternsBySet = Object.fromEntries(Object.entries(SETS).map(([name, dir]) => [name, rulePatterns(generateTemplate(loadRouteSet(dir)))]));

describe('generated EventBridge patterns against real event shapes', () => {
  it.each(cases)('$name', ({ set, event, routed }) => {
    const patterns = patternsBySet[set] ?? [];
    expect(patterns.length).toBeGreaterThan(0);
    expect(patterns.some((p) => matchesPattern(p, event))).toBe(routed);
  });

  it('writes one rule per set of event types, never one per route (several buckets share a rule: see sharding.test.ts)', () => {
    // mixed: finance-inbox takes created and deleted, scanner-drop created only.
    expect(patternsBySet.mixed).toHaveLength(2);
    expect(patternsBySet.routes).toHaveLength(1);
    expect((patternsBySet.mixed ?? []).flatMap(branchesOf).flatMap((b) => b.bucket.name).sort()).toEqual(['finance-inbox', 'scanner-drop']);
  });

  it('puts key conditions inside a list (the shape that matches on AWS)', () => {
    const branches = (patternsBySet.mixed ?? []).flatMap(branchesOf);
    expect(branches.length).toBeGreaterThan(1);
    for (const branch of branches) {
      const key = branch.object?.key;
      if (key !== undefined) expect(Array.isArray(key)).toBe(true);
    }
  });
});

describe('the evaluator itself', () => {
  it('rejects the wrong suffix shape IaC tools emit, which never matches on AWS', () => {
    const wrong = { source: ['aws.s3'], detail: { object: { key: { suffix: '.pdf' } } } } as Json;
    expect(() => matchesPattern(wrong, at(CREATED, 'b', 'a.pdf'))).toThrow(/outside a list/);
  });
});

describe('pattern size', () => {
  const source = (count: number) => ({
    bucket: 'b',
    detailTypes: ['Object Created'],
    routes: ['r'],
    keyFilters: Array.from({ length: count }, (_, i) => ({ prefix: `customers/${String(i).padStart(4, '0')}/incoming/` })),
  });

  it('keeps a small pattern in one rule', () => {
    expect(patternsFor(source(3))).toHaveLength(1);
  });

  it('splits key filters over several rules, each at most 2,048 characters, covering every prefix once', () => {
    const patterns = patternsFor(source(200));
    expect(patterns.length).toBeGreaterThan(1);
    for (const p of patterns) expect(JSON.stringify(p).length).toBeLessThanOrEqual(MAX_PATTERN_CHARS);
    expect(patterns.flatMap((p) => p.detail.object?.key ?? [])).toEqual(source(200).keyFilters);
  });

  it('fails clearly when one prefix alone is too long', () => {
    expect(() => patternsFor({ ...source(0), keyFilters: [{ prefix: 'x'.repeat(MAX_PATTERN_CHARS) }] })).toThrow(/over EventBridge's 2048/);
  });
});

describe('bucket-only patterns (the fallback when key filters would need more than 300 rules)', () => {
  const routes = loadRouteSet('test/fixtures/generators/mixed');
  const context = { ...contextFor(routes), layout: 'shard' as const, stackName: 'switchyard-shard-0', patternDetail: 'buckets' as const };
  const patterns = rulePatterns(stackTemplate(context));

  it('name the buckets without key filters, so they still take every object of those buckets and nothing else', () => {
    expect(patterns.length).toBeGreaterThan(0);
    expect(JSON.stringify(patterns)).not.toContain('"object"');
    expect(patterns.some((p) => matchesPattern(p, at(CREATED, 'finance-inbox', 'drafts/anything')))).toBe(true);
    expect(patterns.some((p) => matchesPattern(p, at(CREATED, 'someone-elses-bucket', 'invoices/1.pdf')))).toBe(false);
  });
});

describe('S3 notification filters pushed down from match', () => {
  const yaml = (name: string, match: string): string =>
    `name: ${name}\nsource: { bucket: drop-${name}, trigger: s3-notification }\nmatch: ${match}\nactions:\n  - copy: { to: out-bucket, key: "='${name}/' & $key" }\n`;
  const routes = compileRouteFiles({
    'routes/one-prefix.yaml': yaml('one-prefix', '{ prefix: incoming/, suffix: .csv }'),
    'routes/two-prefixes.yaml': yaml('two-prefixes', '{ prefix: [in/a/, in/b/] }'),
    'routes/case-blind.yaml': yaml('case-blind', '{ suffix: .pdf, ignoreCase: true }'),
  });
  const filters = Object.fromEntries(notificationSources('s', routes).map((s) => [s.bucket, { prefix: s.prefix, suffix: s.suffix }]));

  it('take the route\'s one prefix and suffix, the longest prefix its prefixes share, and no suffix compared ignoring case', () => {
    expect(filters).toEqual({
      'drop-one-prefix': { prefix: 'incoming/', suffix: '.csv' },
      'drop-two-prefixes': { prefix: 'in/', suffix: undefined },
      'drop-case-blind': { prefix: undefined, suffix: undefined },
    });
  });
});

describe('coarser key filters, never narrower', () => {
  const source = { bucket: 'b', detailTypes: ['Object Created'], routes: ['r1', 'r2'], keyFilters: [{ prefix: 'landing/a/in/' }, { prefix: 'landing/b/in/' }] };

  it('keep the longest prefix every prefix filter of a bucket shares, or nothing', () => {
    expect(coarsened(source, 'keys')).toEqual(source);
    expect(coarsened(source, 'shared-prefix').keyFilters).toEqual([{ prefix: 'landing/' }]);
    expect(coarsened({ ...source, keyFilters: [{ prefix: 'a/' }, { prefix: 'b/' }] }, 'shared-prefix').keyFilters).toBeUndefined();
    expect(coarsened({ ...source, keyFilters: [{ prefix: 'a/' }, { suffix: '.pdf' }] }, 'shared-prefix').keyFilters).toBeUndefined();
    expect(coarsened(source, 'buckets').keyFilters).toBeUndefined();
  });
});
