import { describe, expect, it } from 'vitest';
import type { EventKind, EventOrigin } from '../../../engine/events/object-event.ts';
import { explainStructural } from '../../../engine/match/explain.ts';
import { RouteIndex } from '../../../engine/match/route-index.ts';
import type { StructuralEvent, StructuralMatch } from '../../../engine/match/structural.ts';
import { operatorQueuesOf, type RouteTrigger } from '../../../engine/match/trigger.ts';
import { seededRandom as randomSource } from '../../support/seeded-random.ts';

function route(overrides: Partial<StructuralMatch> & { bucket: string }): StructuralMatch {
  return { route: 'r', prefixes: [], excludePrefixes: [], suffixes: [], ignoreCase: false, kinds: ['created'], ...overrides };
}

function created(bucket: string, key: string): StructuralEvent {
  return { bucket, key, kind: 'created' };
}

function arrived(origin: EventOrigin, bucket = 'a', key = 'inbox/exports/x.csv'): StructuralEvent {
  return { bucket, key, kind: 'created', origin };
}

const Q1 = 'arn:aws:sqs:us-east-1:123456789012:operator-1';
const Q2 = 'arn:aws:sqs:us-east-1:123456789012:operator-2';
const INTAKE = 'arn:aws:sqs:us-east-1:123456789012:switchyard-intake';

/** One route of each trigger on bucket `a`, in this order: manual, s3-notification, sqs, eventbridge. */
const everyTrigger: StructuralMatch[] = (['manual', 's3-notification', 'sqs', 'eventbridge'] as const).map((trigger) => route({ bucket: 'a', route: trigger, trigger }));

function oracle(specs: readonly StructuralMatch[], event: StructuralEvent): number[] {
  const queues = operatorQueuesOf(specs);
  return specs.flatMap((spec, id) => (explainStructural(spec, event, queues).matched ? [id] : []));
}

const cases: { name: string; specs: StructuralMatch[]; event: StructuralEvent; expected: number[] }[] = [
  {
    name: 'a route with no prefix or suffix takes every key of its bucket',
    specs: [route({ bucket: 'a' })],
    event: created('a', 'any/key.bin'),
    expected: [0],
  },
  {
    name: 'another bucket never matches, even with the same key rules',
    specs: [route({ bucket: 'a' }), route({ bucket: 'b' })],
    event: created('b', 'x'),
    expected: [1],
  },
  {
    name: 'bucket names compare exactly (case and near-names)',
    specs: [route({ bucket: 'media' }), route({ bucket: 'Media' }), route({ bucket: 'media-eu' })],
    event: created('media', 'x'),
    expected: [0],
  },
  {
    name: 'the event kind must be one the route listens to',
    specs: [route({ bucket: 'a', kinds: ['created'] }), route({ bucket: 'a', kinds: ['deleted'] })],
    event: { bucket: 'a', key: 'x', kind: 'deleted' },
    expected: [1],
  },
  {
    name: 'an empty kind list listens to every kind',
    specs: [route({ bucket: 'a', kinds: [] })],
    event: { bucket: 'a', key: 'x', kind: 'deleted' },
    expected: [0],
  },
  {
    name: 'nested prefixes all match a deep key',
    specs: [
      route({ bucket: 'a', prefixes: ['customers/'] }),
      route({ bucket: 'a', prefixes: ['customers/acme/'] }),
      route({ bucket: 'a', prefixes: ['customers/zeta/'] }),
      route({ bucket: 'a', prefixes: ['customers/acme/2024/'] }),
    ],
    event: created('a', 'customers/acme/2024/x.json'),
    expected: [0, 1, 3],
  },
  {
    name: 'a prefix equal to the whole key matches',
    specs: [route({ bucket: 'a', prefixes: ['exact-key'] })],
    event: created('a', 'exact-key'),
    expected: [0],
  },
  {
    name: 'a prefix longer than the key does not match',
    specs: [route({ bucket: 'a', prefixes: ['exact-key/'] })],
    event: created('a', 'exact-key'),
    expected: [],
  },
  {
    name: 'a route with two matching prefixes is returned once',
    specs: [route({ bucket: 'a', prefixes: ['c/', 'c/d/', 'c/'] })],
    event: created('a', 'c/d/e'),
    expected: [0],
  },
  {
    name: 'the empty-string prefix matches every key',
    specs: [route({ bucket: 'a', prefixes: [''] })],
    event: created('a', 'whatever'),
    expected: [0],
  },
  {
    name: 'an excluded prefix wins over a matching prefix',
    specs: [route({ bucket: 'a', prefixes: ['customers/'], excludePrefixes: ['customers/drafts/'] })],
    event: created('a', 'customers/drafts/x.json'),
    expected: [],
  },
  {
    name: 'an exclude of one route does not exclude another route with the same prefix',
    specs: [
      route({ bucket: 'a', prefixes: ['c/'], excludePrefixes: ['c/tmp/'] }),
      route({ bucket: 'a', prefixes: ['c/'] }),
    ],
    event: created('a', 'c/tmp/x'),
    expected: [1],
  },
  {
    name: 'a key beside the excluded prefix still matches',
    specs: [route({ bucket: 'a', excludePrefixes: ['drafts/'] })],
    event: created('a', 'drafts.json'),
    expected: [0],
  },
  {
    name: 'suffixes are a list: one of them is enough',
    specs: [route({ bucket: 'a', suffixes: ['.jpg', '.pdf'] }), route({ bucket: 'a', suffixes: ['.png'] })],
    event: created('a', 'doc/report.pdf'),
    expected: [0],
  },
  {
    name: 'suffixes are case-sensitive unless ignoreCase',
    specs: [route({ bucket: 'a', suffixes: ['.jpg'] }), route({ bucket: 'a', suffixes: ['.jpg'], ignoreCase: true })],
    event: created('a', 'IMG_001.JPG'),
    expected: [1],
  },
  {
    name: 'ignoreCase folds the suffix as well as the key',
    specs: [route({ bucket: 'a', suffixes: ['.JSON'], ignoreCase: true })],
    event: created('a', 'x.Json'),
    expected: [0],
  },
  {
    name: 'ignoreCase folds a final Greek sigma the same as any other sigma',
    specs: [route({ bucket: 'a', suffixes: ['Σ'], ignoreCase: true })],
    event: created('a', 'ΑΣ'),
    expected: [0],
  },
  {
    name: 'prefix and suffix may overlap in a short key',
    specs: [route({ bucket: 'a', prefixes: ['ab'], suffixes: ['bc'] })],
    event: created('a', 'abc'),
    expected: [0],
  },
  {
    name: 'a suffix longer than the key does not match',
    specs: [route({ bucket: 'a', suffixes: ['x.tar.gz'] })],
    event: created('a', 'tar.gz'),
    expected: [],
  },
  {
    name: 'unicode keys match by code units, including astral characters',
    specs: [
      route({ bucket: 'a', prefixes: ['日本/'], suffixes: ['😀'] }),
      route({ bucket: 'a', prefixes: ['日本/'], suffixes: ['😁'] }),
    ],
    event: created('a', '日本/ファイル😀'),
    expected: [0],
  },
  {
    name: 'results come back in route order whatever order the trie finds them in',
    specs: [
      route({ bucket: 'a', prefixes: ['a/b/'] }),
      route({ bucket: 'a', suffixes: ['.json'] }),
      route({ bucket: 'a', prefixes: ['a/'], suffixes: ['.json'], ignoreCase: true }),
      route({ bucket: 'a' }),
    ],
    event: created('a', 'a/b/c.json'),
    expected: [0, 1, 2, 3],
  },
  {
    name: 'an S3 notification read from no operator queue reaches the s3-notification route only, not the manual, sqs or eventbridge ones',
    specs: everyTrigger,
    event: arrived('s3-notification'),
    expected: [1],
  },
  {
    name: "an EventBridge rule's invocation reaches the eventbridge route only (an sqs route hears only its own queue)",
    specs: everyTrigger,
    event: arrived('eventbridge'),
    expected: [3],
  },
  {
    name: 'a direct invocation reaches every route on the bucket, the manual one included',
    specs: everyTrigger,
    event: arrived('direct'),
    expected: [0, 1, 2, 3],
  },
  {
    name: 'a backfill reaches every route on the bucket',
    specs: everyTrigger,
    event: arrived('batch'),
    expected: [0, 1, 2, 3],
  },
  {
    name: 'a spec without a trigger hears every channel',
    specs: [route({ bucket: 'a' }), route({ bucket: 'a', trigger: 'manual' })],
    event: arrived('eventbridge'),
    expected: [0],
  },
  {
    name: "the trigger narrows only its own bucket's routes: the key rules still apply",
    specs: [route({ bucket: 'a', trigger: 'eventbridge', prefixes: ['inbox/'] }), route({ bucket: 'a', trigger: 'eventbridge', prefixes: ['outbox/'] })],
    event: arrived('eventbridge'),
    expected: [0],
  },
  {
    name: "an exclude of a route on one channel does not hide another channel's route (direct invocation)",
    specs: [
      route({ bucket: 'a', trigger: 'eventbridge', excludePrefixes: ['inbox/'] }),
      route({ bucket: 'a', trigger: 's3-notification', prefixes: ['inbox/'] }),
    ],
    event: arrived('direct'),
    expected: [1],
  },
  {
    name: "an event read from an operator's queue reaches only that queue's sqs routes (and specs without a trigger)",
    specs: [...everyTrigger.slice(0, 2), route({ bucket: 'a', trigger: 'sqs', queueArn: Q1 }), route({ bucket: 'a', trigger: 'sqs', queueArn: Q2 }), route({ bucket: 'a' })],
    event: { ...arrived('s3-notification'), queueArn: Q2 },
    expected: [3, 4],
  },
  {
    name: 'an event read from a queue no sqs route names (the intake queue) reaches no sqs route',
    specs: [...everyTrigger, route({ bucket: 'a', trigger: 'sqs', queueArn: Q1 })],
    event: { ...arrived('s3-notification'), queueArn: INTAKE },
    expected: [1],
  },
  {
    name: 'an operator queue is known across buckets: read from it, another bucket with no sqs route matches nothing',
    specs: [route({ bucket: 'a', trigger: 'sqs', queueArn: Q1 }), route({ bucket: 'b', trigger: 's3-notification' })],
    event: { ...arrived('s3-notification', 'b'), queueArn: Q1 },
    expected: [],
  },
  {
    name: 'a direct invocation ignores queues and reaches every sqs route',
    specs: [route({ bucket: 'a', trigger: 'sqs', queueArn: Q1 }), route({ bucket: 'a', trigger: 'sqs', queueArn: Q2 })],
    event: { ...arrived('direct'), queueArn: Q1 },
    expected: [0, 1],
  },
  {
    name: 'an index without routes matches nothing',
    specs: [],
    event: created('a', 'x'),
    expected: [],
  },
];

describe('RouteIndex', () => {
  it.each(cases)('$name', ({ specs, event, expected }) => {
    expect(new RouteIndex(specs).candidates(event)).toEqual(expected);
    expect(oracle(specs, event)).toEqual(expected);
  });

  it('gives the same answer when asked twice (scratch state does not leak between lookups)', () => {
    const specs = [route({ bucket: 'a', prefixes: ['x/', 'x/y/'] }), route({ bucket: 'a', excludePrefixes: ['x/'] })];
    const index = new RouteIndex(specs);
    const event = created('a', 'x/y/z');
    expect(index.candidates(event)).toEqual([0]);
    expect(index.candidates(created('a', 'q'))).toEqual([1]);
    expect(index.candidates(event)).toEqual([0]);
  });
});

/** mulberry32: small, seeded, reproducible. */

const BUCKETS = ['media', 'media-eu', 'Media', 'builds'];
const PREFIXES = ['', 'a', 'a/', 'a/b/', 'a/b/c/', 'customers/', 'customers/acme/', 'customers/acme/drafts/', 'drafts/', 'ü/', 'ü/ß', '日本/', 'emoji/😀', 'A/'];
const SUFFIXES = ['', '.json', '.JSON', '.Json', '.jpg', '.JPG', 'g', '.gz', '.tar.gz', 'ΑΣ', 'Σ', 'σ', 'ς', 'İ', 'i̇', '😀', 'ß', 'SS'];
const MIDDLES = ['', 'x', 'report', 'IMG_001', 'ファイル', 'naïve', 'über', '/', 'b/c/', 'acme/'];
const KIND_CHOICES: EventKind[][] = [[], ['created'], ['deleted'], ['created', 'deleted'], ['created', 'created']];
const TRIGGERS: Array<RouteTrigger | undefined> = [undefined, 's3-notification', 'sqs', 'eventbridge', 'manual'];
const ORIGINS: Array<EventOrigin | undefined> = [undefined, 's3-notification', 'eventbridge', 'direct', 'batch'];
/** Queues sqs routes read (undefined: a spec built by hand without one). */
const ROUTE_QUEUES: Array<string | undefined> = [undefined, Q1, Q2];
/** Queues events are read from: none, an operator's, or the intake queue. */
const EVENT_QUEUES: Array<string | undefined> = [undefined, undefined, Q1, Q2, INTAKE];

function generator(seed: number) {
  const random = randomSource(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const some = <T>(items: readonly T[], max: number): T[] => Array.from({ length: Math.floor(random() * (max + 1)) }, () => pick(items));
  const mixCase = (text: string): string => {
    const roll = random();
    if (roll < 0.15) return text.toUpperCase();
    if (roll < 0.25) return text.toLowerCase();
    return text;
  };
  return {
    route: (n: number): StructuralMatch => {
      const prefixes = some(PREFIXES, 3);
      return {
        route: `route-${n}`,
        bucket: pick(BUCKETS),
        prefixes,
        // Excludes are most interesting below the route's own prefixes.
        excludePrefixes: some(PREFIXES, 2).map((extra) => (random() < 0.5 && prefixes[0] !== undefined ? prefixes[0] + extra : extra)),
        suffixes: some(SUFFIXES, 3),
        ignoreCase: random() < 0.4,
        kinds: pick(KIND_CHOICES),
        ...withTrigger(pick(TRIGGERS), pick(ROUTE_QUEUES)),
      };
    },
    event: (): StructuralEvent => ({
      bucket: pick(BUCKETS),
      key: pick(PREFIXES) + pick(MIDDLES) + pick(MIDDLES) + mixCase(pick(SUFFIXES)),
      kind: pick<EventKind>(['created', 'deleted']),
      ...withOrigin(pick(ORIGINS), pick(EVENT_QUEUES)),
    }),
  };
}

/** Absent (a spec built by hand) is one of the generated cases, not the same as a trigger. */
function withTrigger(trigger: RouteTrigger | undefined, queueArn: string | undefined): Pick<StructuralMatch, 'trigger' | 'queueArn'> {
  if (trigger === undefined) return {};
  return trigger === 'sqs' && queueArn !== undefined ? { trigger, queueArn } : { trigger };
}

function withOrigin(origin: EventOrigin | undefined, queueArn: string | undefined): Pick<StructuralEvent, 'origin' | 'queueArn'> {
  return { ...(origin === undefined ? {} : { origin }), ...(queueArn === undefined ? {} : { queueArn }) };
}

/** Which predicate decided a pair, read back from the oracle's reason. */
function decidingPredicate(reason: string): string {
  if (reason.startsWith('bucket is')) return 'bucket';
  if (reason.startsWith('route reads queue')) return 'queue';
  if (reason.startsWith('route listens to') || reason.startsWith('route runs only by hand')) return 'trigger';
  if (reason.startsWith('event is')) return 'kind';
  if (reason.includes('is not under any of')) return 'prefix';
  if (reason.includes('is under excluded prefix')) return 'exclude';
  if (reason.endsWith('(ignoring case)')) return 'ignoreCase';
  if (reason.startsWith('suffix') || reason.includes('does not end with')) return 'suffix';
  if (reason.startsWith('matched')) return 'matched';
  return `unexpected: ${reason}`;
}

describe('RouteIndex against the per-route oracle (generated routes × events)', () => {
  const seeds = [1, 7, 42, 2024, 90210];
  const routesPerSeed = 150;
  const eventsPerSeed = 400;

  it.each(seeds)('seed %i: the index returns exactly the routes the oracle accepts', (seed) => {
    const generate = generator(seed);
    const specs = Array.from({ length: routesPerSeed }, (_, n) => generate.route(n));
    const index = new RouteIndex(specs);
    const queues = operatorQueuesOf(specs);
    const reasons = new Map<string, number>();
    let pairs = 0;
    for (let n = 0; n < eventsPerSeed; n++) {
      const event = generate.event();
      const expected: number[] = [];
      specs.forEach((spec, id) => {
        const verdict = explainStructural(spec, event, queues);
        const decidedBy = decidingPredicate(verdict.reason);
        reasons.set(decidedBy, (reasons.get(decidedBy) ?? 0) + 1);
        if (verdict.matched) expected.push(id);
        pairs++;
      });
      const actual = index.candidates(event);
      if (actual.join() !== expected.join()) {
        expect({ event, actual }).toEqual({ event, actual: expected });
      }
    }
    expect(pairs).toBe(routesPerSeed * eventsPerSeed);
    // The corpus is only worth something if every way to fail (and to match) occurs in it.
    for (const reason of ['bucket', 'trigger', 'queue', 'kind', 'prefix', 'exclude', 'suffix', 'ignoreCase', 'matched']) {
      expect(reasons.get(reason) ?? 0, `pairs decided by "${reason}"`).toBeGreaterThan(50);
    }
  });
});
