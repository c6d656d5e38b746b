/**
 * Differential test (after aws/event-ruler's oracle): reusing a route's resolution across the
 * keys it only passes through must give exactly what the whole pipeline gives for every key.
 * Both run on one generated corpus: routes with literal, table-driven and key-derived
 * destinations, `when`, tag conditions, allow-list refusals, queues and emails; keys that match,
 * miss, and some that the fixtures know (so lookups answer for them alone).
 */
import { describe, expect, it } from 'vitest';
import { listedObjectEvent } from '../../../engine/impact/corpus.ts';
import { impactOf } from '../../../engine/impact/impact.ts';
import type { ListedObject } from '../../../engine/impact/key-list.ts';
import { RouteSetEvaluator } from '../../../engine/impact/route-set-evaluator.ts';
import { loadRoutes } from '../../../engine/load/load-routes.ts';
import { routeSetFromFiles } from '../../../engine/load/route-set.ts';
import { parseFixtures } from '../../../engine/ports/fixtures.ts';
import { seededRandom } from '../../support/seeded-random.ts';

const ROUTES = 40;
const NOW = () => new Date('2026-11-30T12:00:00Z');

function routeYaml(n: number, variant: number): string {
  const head = [`name: route-${n}`, 'source:', `  bucket: bucket-${n % 4}`, '  trigger: s3-notification', 'match:', `  prefix: team${n % 10}/`];
  switch ((n + variant) % 8) {
    case 0:
      return [...head, 'actions:', '  - copy:', `      to: dest-${n}-${variant}`, '      key: $key'].join('\n');
    case 1:
      return [...head, 'tables:', '  teams: { s3json: s3://config-bucket/teams.json }', 'allow:', '  buckets: ["team-*"]', 'actions:', '  - copy:', `      to: $lookup($teams, 'team${n % 10}')`, '      key: $key'].join('\n');
    case 2:
      return [...head, 'actions:', '  - copy:', `      to: dest-${n}`, `      key: "='v${variant}/' & $split($key, '/')[1]"`].join('\n');
    case 3:
      return [...head, '  when: $size = null', 'actions:', '  - sqs:', `      queue: queue-${n}-${variant}`].join('\n');
    case 4:
      return [...head, '  tags:', '    class: { equals: public }', 'actions:', '  - copy:', `      to: dest-${n}`, '      key: $key'].join('\n');
    case 5:
      return [...head, 'allow:', '  buckets: ["ok-*"]', 'actions:', '  - copy:', `      to: "=['ok-${n}', 'not-allowed-${n}']"`, '      key: $key'].join('\n');
    case 6:
      return [...head, 'actions:', '  - email:', '      from: router@example.com', '      contactList: teams', `      topic: t${variant}`, '      subject: "{{key}}"'].join('\n');
    default:
      return [...head, 'let:', `  owner: $ssm('/owners/team${n % 10}')`, 'allow:', '  buckets: ["owner-*"]', 'actions:', '  - copy:', '      to: "=\'owner-\' & $owner"', '      key: $key'].join('\n');
  }
}

function routes(variant: number) {
  const files: Record<string, string> = {};
  for (let n = 0; n < ROUTES; n++) files[`routes/r${String(n).padStart(2, '0')}.yaml`] = routeYaml(n, variant);
  const loaded = loadRoutes(routeSetFromFiles(files));
  expect(loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  return loaded.routes;
}

const fixtures = parseFixtures({
  ssm: Object.fromEntries(Array.from({ length: 7 }, (_, t) => [`/owners/team${t}`, `o${t}`])),
  objects: {
    's3://config-bucket/teams.json': { body: Object.fromEntries(Array.from({ length: 8 }, (_, t) => [`team${t}`, `team-${t}-bucket`])) },
    's3://bucket-0/team0/known.txt': { tags: { class: 'public' }, body: 'x' },
    's3://bucket-1/team1/known.txt': { tags: { class: 'secret' }, body: 'x' },
  },
  contacts: { teams: { t0: ['a@example.com'], t1: [] } },
});

function corpus(count: number): ListedObject[] {
  const random = seededRandom(7);
  const objects: ListedObject[] = [{ bucket: 'bucket-0', key: 'team0/known.txt' }, { bucket: 'bucket-1', key: 'team1/known.txt' }];
  for (let i = 0; i < count; i++) {
    const team = Math.floor(random() * 12);
    objects.push({ bucket: `bucket-${Math.floor(random() * 5)}`, key: `team${team}/${random() < 0.5 ? 'sub/' : ''}f${i}.txt` });
  }
  return objects;
}

describe('RouteSetEvaluator', () => {
  it('gives the same outcome for every key with resolutions reused as the whole pipeline gives', async () => {
    const set = routes(1);
    const reused = new RouteSetEvaluator(set, fixtures, NOW, true);
    const oracle = new RouteSetEvaluator(set, fixtures, NOW, false);
    const states = new Set<string>();
    for (const object of corpus(600)) {
      const event = listedObjectEvent(object, NOW().toISOString());
      const got = await reused.object(event);
      const want = await oracle.object(event);
      expect([...got].map(([route, o]) => [route, o.signature]), `${object.bucket}/${object.key}`).toEqual([...want].map(([route, o]) => [route, o.signature]));
      for (const o of want.values()) states.add(o.state);
    }
    // The corpus reaches every kind of outcome, or the agreement above proves little.
    expect([...states].sort()).toEqual(['failed', 'routed', 'unresolved']);
  });

  it('reports the same impact with and without reuse', async () => {
    const input = { before: routes(0), after: routes(1), tests: [], listed: corpus(300), fixtures, now: NOW };
    const reused = await impactOf(input);
    const oracle = await impactOf({ ...input, reuse: false });
    expect(reused.summary.changed).toBeGreaterThan(0);
    expect(reused.summary.unresolved).toBeGreaterThan(0);
    expect(reused.groups).toEqual(oracle.groups);
    expect(reused.summary).toEqual(oracle.summary);
  });
});
