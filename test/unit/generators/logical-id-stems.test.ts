/**
 * Logical-id stems of a stack's source buckets and queues (names.ts uniqueIdStems): given the
 * stems the deployed template holds, no name's stem ever changes when names are added or
 * removed; from the names alone, adding a name changes at most the one name it displaces.
 */
import { describe, expect, it } from 'vitest';
import { pascal, uniqueIdStems } from '../../../generators/cloudformation/names.ts';
import { generateTemplate } from '../../../generators/cloudformation/template.ts';
import type { CfnTemplate } from '../../../generators/cloudformation/types.ts';
import { generateDeployment, toJson } from '../../../generators/deployment.ts';
import { seededRandom } from '../../support/seeded-random.ts';
import { compileRouteFiles } from './synthetic-routes.ts';

/** Few letters, digits and separators, so that random names often share a pascal form. */
const TOKENS = ['a', 'b', '1', '2'];
const SEPARATORS = ['-', '.', ''];

function randomName(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  let name = pick(TOKENS);
  for (let i = Math.floor(random() * 3); i > 0; i--) name += `${pick(SEPARATORS)}${pick(TOKENS)}`;
  return name;
}

/** The stem a name shows when nothing else shares it. */
const plain = (name: string): string => {
  const p = pascal(name);
  return /^[A-Za-z]/.test(p) ? p : `N${p}`;
};
/** The one spelling `pascal` reads back to: `acme-data` for `AcmeData`. */
const readsBack = (name: string): boolean => pascal(name).replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase() === name;
/** Whether `a` is preferred to `b` for a plain stem they share, among names new to the stack. */
const precedes = (a: string, b: string): boolean => (readsBack(a) !== readsBack(b) ? readsBack(a) : a < b);

describe('uniqueIdStems from the names alone', () => {
  it('adding a name changes at most the one name whose plain stem it takes, and only when it precedes that name', () => {
    const random = seededRandom(7);
    let displaced = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const names = [...new Set(Array.from({ length: Math.floor(random() * 12) }, () => randomName(random)))];
      const added = randomName(random);
      if (names.includes(added)) continue;
      const before = uniqueIdStems(names);
      const after = uniqueIdStems([...names, added]);
      const changed = names.filter((n) => before.get(n) !== after.get(n));
      expect(changed.length).toBeLessThanOrEqual(1);
      for (const name of changed) {
        displaced++;
        expect(before.get(name)).toBe(plain(name));
        expect(after.get(added)).toBe(plain(name));
        expect(precedes(added, name)).toBe(true);
      }
    }
    expect(displaced).toBeGreaterThan(10);
  });

  it('a name no other name of the set shares a plain stem with keeps its plain stem', () => {
    const random = seededRandom(11);
    for (let trial = 0; trial < 500; trial++) {
      const names = [...new Set(Array.from({ length: 1 + Math.floor(random() * 8) }, () => randomName(random)))];
      const stems = uniqueIdStems(names);
      expect(new Set(stems.values()).size).toBe(names.length);
      for (const name of names) if (names.filter((n) => plain(n) === plain(name)).length === 1) expect(stems.get(name)).toBe(plain(name));
    }
  });
});

describe('uniqueIdStems with the stems the stack was deployed with', () => {
  it('never changes the stem of a name, whatever is added or removed, and gives a new name its plain stem when that is free', () => {
    const random = seededRandom(3);
    let collisions = 0;
    for (let run = 0; run < 100; run++) {
      let present: string[] = [];
      let deployed = new Map<string, string>();
      for (let step = 0; step < 30; step++) {
        const removed = present.length > 0 && random() < 0.3 ? Math.floor(random() * present.length) : undefined;
        const added = removed === undefined ? randomName(random) : undefined;
        const next = added === undefined ? present.filter((_, i) => i !== removed) : [...new Set([...present, added])];
        const stems = uniqueIdStems(next, undefined, deployed);
        expect(new Set(stems.values()).size).toBe(next.length);
        for (const name of next) if (deployed.has(name) && present.includes(name)) expect(stems.get(name)).toBe(deployed.get(name));
        if (added !== undefined && !present.includes(added)) {
          const taken = present.some((n) => deployed.get(n) === plain(added));
          if (taken) collisions++;
          else expect(stems.get(added)).toBe(plain(added));
        }
        present = next;
        deployed = stems;
      }
    }
    expect(collisions).toBeGreaterThan(10);
  });

  it('of two queues named orders in two accounts, the one deployed first keeps Orders whichever sorts first', () => {
    const first = 'arn:aws:sqs:eu-west-1:222222222222:orders';
    const later = 'arn:aws:sqs:eu-west-1:111111111111:orders';
    const queueName = (arn: string): string => arn.split(':').pop() ?? arn;
    const deployed = uniqueIdStems([first], queueName);
    const stems = uniqueIdStems([first, later], queueName, deployed);
    expect(stems.get(first)).toBe('Orders');
    expect(stems.get(later)).toMatch(/^Orders[0-9a-f]{8}$/);
  });
});

const notified = (route: string, bucket: string): [string, string] => [
  `routes/${route}.yaml`,
  `name: ${route}\nsource: { bucket: ${bucket}, trigger: s3-notification }\nactions:\n  - copy: { to: out-bucket, key: $key }\n`,
];

const readsQueue = (route: string, queueArn: string): [string, string] => [
  `routes/${route}.yaml`,
  `name: ${route}\nsource: { bucket: ${route}-bucket, trigger: sqs, queueArn: "${queueArn}" }\nactions:\n  - copy: { to: out-bucket, key: $key }\n`,
];

/** QueueName (or a mapping's EventSourceArn) → logical id, for every queue and queue mapping of the template. */
function idsByPhysicalName(template: CfnTemplate): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const name = resource.Properties?.QueueName ?? resource.Properties?.EventSourceArn;
    if (typeof name === 'string') ids.set(name, id);
  }
  return ids;
}

describe('a stack generated again with its deployed template', () => {
  it('keeps the intake queue ids of an already deployed data-1x when data1x is added (the new bucket gets the hashed ids)', () => {
    const deployed = toJson(generateTemplate(compileRouteFiles(Object.fromEntries([notified('old', 'data-1x')]))));
    const routes = compileRouteFiles(Object.fromEntries([notified('old', 'data-1x'), notified('new', 'data1x')]));
    const template = generateTemplate(routes, { deployedTemplates: new Map([['switchyard', deployed]]) });
    const ids = idsByPhysicalName(template);
    expect(ids.get('switchyard-data-1x-events')).toBe('Data1xNotificationQueue');
    expect(ids.get('switchyard-data-1x-events-dlq')).toBe('Data1xNotificationDeadLetterQueue');
    expect(ids.get('switchyard-data1x-events')).toMatch(/^Data1x[0-9a-f]{8}NotificationQueue$/);
    // From the routes alone data1x, the spelling Data1x reads back to, takes the plain ids: what the deployed template prevents.
    expect(idsByPhysicalName(generateTemplate(routes)).get('switchyard-data1x-events')).toBe('Data1xNotificationQueue');
  });

  it('keeps the mapping id of the queue a route read first when a queue of the same name in another account is added', () => {
    const first = 'arn:aws:sqs:eu-west-1:222222222222:orders';
    const later = 'arn:aws:sqs:eu-west-1:111111111111:orders';
    const deployed = toJson(generateTemplate(compileRouteFiles(Object.fromEntries([readsQueue('first', first)]))));
    const routes = compileRouteFiles(Object.fromEntries([readsQueue('first', first), readsQueue('later', later)]));
    const ids = idsByPhysicalName(generateTemplate(routes, { deployedTemplates: new Map([['switchyard', deployed]]) }));
    expect(ids.get(first)).toBe('OrdersQueueMapping');
    expect(ids.get(later)).toMatch(/^Orders[0-9a-f]{8}QueueMapping$/);
  });

  it('moves no queue to another logical id in any stack while colliding buckets are added one by one, in any order', () => {
    const buckets = ['data-1x', 'data1x', 'data.1x', 'data--1x', 'acme.data', 'acme-data'];
    const random = seededRandom(5);
    for (let order = 0; order < 6; order++) {
      const shuffled = [...buckets].sort(() => random() - 0.5);
      let deployed = new Map<string, string>();
      for (let count = 1; count <= shuffled.length; count++) {
        const routes = compileRouteFiles(Object.fromEntries(shuffled.slice(0, count).map((bucket, i) => notified(`r${i}`, bucket))));
        const deployment = generateDeployment(routes, { deployedTemplates: deployed });
        for (const stack of deployment.stacks) {
          const before = deployed.get(stack.name);
          if (before === undefined) continue;
          const was = idsByPhysicalName(JSON.parse(before) as CfnTemplate);
          for (const [name, id] of idsByPhysicalName(stack.template)) if (was.has(name)) expect({ name, id }).toEqual({ name, id: was.get(name) });
        }
        deployed = new Map(deployment.stacks.map((s) => [s.name, s.body]));
      }
    }
  });

  it('is byte-identical to the template from the routes alone when nothing collides', () => {
    const routes = compileRouteFiles(Object.fromEntries([notified('ra', 'acme-data'), notified('rb', 'logs-2024'), readsQueue('rc', 'arn:aws:sqs:eu-west-1:222222222222:orders')]));
    const alone = toJson(generateTemplate(routes));
    expect(toJson(generateTemplate(routes, { deployedTemplates: new Map([['switchyard', alone]]) }))).toBe(alone);
  });
});
