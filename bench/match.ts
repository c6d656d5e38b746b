/**
 * Structural matching: RouteIndex against a naive loop that evaluates every route's
 * condition as a compiled JSONata expression, on the same routes and events.
 *
 *   npx tsx bench/match.ts          markdown table
 *   npx tsx bench/match.ts --json   the same results as JSON
 *
 * Each measurement runs for a fixed time budget, so the naive loop over 10,000 routes
 * measures only a few dozen events; the table says how many.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import jsonata from 'jsonata';
import type { EventKind } from '../engine/events/object-event.ts';
import { RouteIndex } from '../engine/match/route-index.ts';
import type { StructuralEvent, StructuralMatch } from '../engine/match/structural.ts';
import { seededRandom as randomSource } from '../test/support/seeded-random.ts';

const ROUTE_COUNTS = [10, 100, 1_000, 10_000];
const ROUTES_PER_BUCKET = 50;
const EVENT_POOL = 4_096;
const INDEXED_BUDGET_MS = 1_000;
const NAIVE_BUDGET_MS = 3_000;
const SUFFIXES = ['.jpg', '.pdf', '.indd', '.xml', '.json', '.png'];

interface Result {
  routes: number;
  buckets: number;
  indexBuildMs: number;
  indexedEventsPerSecond: number;
  indexedEvents: number;
  naiveCompileMs: number;
  naiveEventsPerSecond: number;
  naiveEvents: number;
  ratio: number;
  matchesPerEvent: number;
}

/** A seeded source, so every run measures the same routes and events. */

function routesFor(count: number, random: () => number): StructuralMatch[] {
  const buckets = Math.ceil(count / ROUTES_PER_BUCKET);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: count }, (_, n) => {
    const org = `org${Math.floor(n / 3)}`; // three routes share each organisation's prefix
    const nested = n % 3 === 1 ? `exports/${org}/print/` : `exports/${org}/`;
    return {
      route: `route-${n}`,
      bucket: `bucket-${n % buckets}`,
      prefixes: n % 3 === 2 ? [nested, `customers/${org}/`] : [nested],
      excludePrefixes: n % 4 === 0 ? [`${nested}drafts/`] : [],
      suffixes: n % 5 === 0 ? [] : [pick(SUFFIXES), pick(SUFFIXES)],
      ignoreCase: n % 2 === 0,
      kinds: pick<EventKind[]>([['created'], ['created'], ['deleted'], ['created', 'deleted']]),
    };
  });
}

/** Half the events are aimed at some route (they may still miss on kind, case or excludes), half are noise. */
function eventsFor(routes: readonly StructuralMatch[], random: () => number): StructuralEvent[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: EVENT_POOL }, () => {
    const kind = pick<EventKind>(['created', 'deleted']);
    const target = pick(routes);
    if (random() < 0.5) return { bucket: `bucket-${Math.floor(random() * 1000)}`, key: `misc/${Math.floor(random() * 1e6)}.bin`, kind };
    const prefix = pick(target.prefixes) + (random() < 0.2 ? 'drafts/' : '');
    const suffix = random() < 0.3 ? pick(SUFFIXES).toUpperCase() : pick(SUFFIXES);
    return { bucket: target.bucket, key: `${prefix}2024/06/file-${Math.floor(random() * 1e6)}${suffix}`, kind };
  });
}

/** The route's structural condition as an operator would write it in JSONata. */
function jsonataCondition(spec: StructuralMatch): string {
  const literal = (text: string): string => JSON.stringify(text);
  const startsWith = (prefix: string): string => `$substring($key, 0, ${[...prefix].length}) = ${literal(prefix)}`;
  const endsWith = (suffix: string): string => {
    const tail = `$substring($key, -${[...suffix].length})`;
    return spec.ignoreCase ? `$lowercase(${tail}) = ${literal(suffix.toLowerCase())}` : `${tail} = ${literal(suffix)}`;
  };
  const any = (terms: string[]): string => `(${terms.join(' or ')})`;
  const clauses = [`$bucket = ${literal(spec.bucket)}`];
  if (spec.kinds.length > 0) clauses.push(`$kind in [${spec.kinds.map(literal).join(', ')}]`);
  if (spec.prefixes.length > 0) clauses.push(any(spec.prefixes.map(startsWith)));
  if (spec.excludePrefixes.length > 0) clauses.push(`$not(${any(spec.excludePrefixes.map(startsWith))})`);
  if (spec.suffixes.length > 0) clauses.push(any(spec.suffixes.map(endsWith)));
  return clauses.join(' and ');
}

function measureIndexed(index: RouteIndex, events: readonly StructuralEvent[]): { events: number; ms: number; matches: number } {
  for (const event of events) index.candidates(event); // warm-up
  let done = 0;
  let matches = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < INDEXED_BUDGET_MS) {
    for (let n = 0; n < 1024; n++) matches += index.candidates(events[(done + n) % events.length] as StructuralEvent).length;
    done += 1024;
    elapsed = performance.now() - start;
  }
  return { events: done, ms: elapsed, matches };
}

async function measureNaive(
  conditions: readonly jsonata.Expression[],
  index: RouteIndex,
  events: readonly StructuralEvent[],
): Promise<{ events: number; ms: number }> {
  let done = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < NAIVE_BUDGET_MS || done < 3) {
    const event = events[done % events.length] as StructuralEvent;
    const bindings = { bucket: event.bucket, key: event.key, kind: event.kind };
    const matched: number[] = [];
    for (let id = 0; id < conditions.length; id++) {
      if ((await conditions[id]?.evaluate({}, bindings)) === true) matched.push(id);
    }
    // Both sides must be answering the same question, or the ratio means nothing.
    const indexed = index.candidates(event);
    if (matched.join() !== indexed.join()) {
      throw new Error(`naive and indexed disagree on ${JSON.stringify(event)}: [${matched.join()}] vs [${indexed.join()}]`);
    }
    done++;
    elapsed = performance.now() - start;
  }
  return { events: done, ms: elapsed };
}

async function measure(count: number): Promise<Result> {
  const random = randomSource(count);
  const routes = routesFor(count, random);
  const events = eventsFor(routes, random);

  let start = performance.now();
  const index = new RouteIndex(routes);
  const indexBuildMs = performance.now() - start;
  const indexed = measureIndexed(index, events);

  start = performance.now();
  const conditions = routes.map((spec) => jsonata(jsonataCondition(spec)));
  const naiveCompileMs = performance.now() - start;
  const naive = await measureNaive(conditions, index, events);

  const indexedEventsPerSecond = (indexed.events / indexed.ms) * 1000;
  const naiveEventsPerSecond = (naive.events / naive.ms) * 1000;
  return {
    routes: count,
    buckets: Math.ceil(count / ROUTES_PER_BUCKET),
    indexBuildMs,
    indexedEventsPerSecond,
    indexedEvents: indexed.events,
    naiveCompileMs,
    naiveEventsPerSecond,
    naiveEvents: naive.events,
    ratio: indexedEventsPerSecond / naiveEventsPerSecond,
    matchesPerEvent: indexed.matches / indexed.events,
  };
}

function markdown(results: readonly Result[]): string {
  const whole = (n: number): string => Math.round(n).toLocaleString('en-US');
  const lines = [
    '| routes | buckets | RouteIndex events/s | naive JSONata events/s | ratio (indexed / naive) | naive events measured | index build | matches/event |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${whole(r.routes)} | ${whole(r.buckets)} | ${whole(r.indexedEventsPerSecond)} | ${whole(r.naiveEventsPerSecond)} | ` +
        `${whole(r.ratio)}× | ${whole(r.naiveEvents)} | ${r.indexBuildMs.toFixed(1)} ms | ${r.matchesPerEvent.toFixed(2)} |`,
    ),
  ];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  lines.push(
    '',
    `Node ${process.version}, ${cpu}. Each column runs for a fixed budget (indexed ${INDEXED_BUDGET_MS} ms, naive ${NAIVE_BUDGET_MS} ms), ` +
      'so the naive loop at the largest route counts measures only the events listed; every naive event is checked against the index.',
  );
  return lines.join('\n');
}

const results: Result[] = [];
for (const count of ROUTE_COUNTS) results.push(await measure(count));
console.log(process.argv.includes('--json') ? JSON.stringify(results, null, 2) : markdown(results));
