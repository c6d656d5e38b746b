/**
 * One route set evaluated over objects through the one pipeline (match → resolve with the plan
 * ports). Route-test events run with their own fixtures. Listed keys share one set of fixtures;
 * for them a route that only passes the key through (`key: $key`) is resolved once and reused,
 * which is exact because every key absent from the fixtures looks the same to the lookups and
 * the outcome writes the object's own key as `{key}`.
 */
import type { ObjectEvent } from '../events/object-event.ts';
import type { CompiledRoute } from '../load/compiled-route.ts';
import { RouteMatcher } from '../match/route-matcher.ts';
import { objectFixtureKey, type Fixtures } from '../ports/fixtures.ts';
import { createPlanPorts } from '../ports/plan.ts';
import type { Ports } from '../ports/types.ts';
import { Pipeline, type RouteReport } from '../pipeline.ts';
import { LookupCache } from '../resolve/lookup-cache.ts';
import { readsObjectKey } from './key-dependence.ts';
import { outcomeOf, type RouteOutcome } from './outcome.ts';

/** Route name → what it does with the object; routes that do not take it are absent. */
export type ObjectOutcomes = Map<string, RouteOutcome>;

export class RouteSetEvaluator {
  private readonly matcher: RouteMatcher;
  private readonly ports: Ports;
  private readonly cache: LookupCache;
  private readonly whole: Pipeline;
  private readonly perRoute = new Map<string, Pipeline>();
  /** Route name → its outcome for every key absent from the fixtures (undefined: its `when` says no). */
  private readonly resolved = new Map<string, RouteOutcome | undefined>();
  private readonly keyReaders: Set<string>;

  constructor(
    readonly routes: readonly CompiledRoute[],
    private readonly sharedFixtures: Fixtures,
    private readonly now: () => Date,
    /** Resolve every object through the pipeline, without reusing resolutions (the benchmark's baseline). */
    private readonly reuse = true,
  ) {
    this.matcher = new RouteMatcher(routes);
    this.ports = createPlanPorts(sharedFixtures, { now }).ports;
    this.cache = new LookupCache(() => now().getTime());
    this.whole = new Pipeline({ routes, ports: this.ports, cache: this.cache });
    this.keyReaders = new Set(routes.filter(readsObjectKey).map((r) => r.name));
  }

  /** A route test's event with that test's own fixtures. */
  async withFixtures(event: ObjectEvent, fixtures: Fixtures): Promise<ObjectOutcomes> {
    const { ports } = createPlanPorts(fixtures, { now: this.now });
    return outcomesOf((await new Pipeline({ routes: this.routes, ports }).processEvent(event)).routes, event);
  }

  /**
   * A listed object's outcomes when every route that takes it has already been resolved for keys
   * like it; undefined when something must still go through the pipeline (then call `object`).
   * Saves an await per object on the path 100,000 keys take.
   */
  reused(event: ObjectEvent): ObjectOutcomes | undefined {
    if (!this.reuse || this.sharedFixtures.objects[objectFixtureKey(event.bucket, event.key)] !== undefined) return undefined;
    const outcomes: ObjectOutcomes = new Map();
    for (const route of this.matcher.candidates(event)) {
      if (this.keyReaders.has(route.name) || !this.resolved.has(route.name)) return undefined;
      const outcome = this.resolved.get(route.name);
      if (outcome) outcomes.set(route.name, outcome);
    }
    return outcomes;
  }

  /** A listed object, with the shared fixtures. */
  async object(event: ObjectEvent): Promise<ObjectOutcomes> {
    const known = this.sharedFixtures.objects[objectFixtureKey(event.bucket, event.key)] !== undefined;
    if (known || !this.reuse) return outcomesOf((await this.whole.processEvent(event)).routes, event);
    const outcomes: ObjectOutcomes = new Map();
    for (const route of this.matcher.candidates(event)) {
      let outcome: RouteOutcome | undefined;
      if (this.keyReaders.has(route.name)) outcome = await this.resolve(route, event);
      else if (this.resolved.has(route.name)) outcome = this.resolved.get(route.name);
      else this.resolved.set(route.name, (outcome = await this.resolve(route, event)));
      if (outcome) outcomes.set(route.name, outcome);
    }
    return outcomes;
  }

  /** One route alone: exact for keys absent from the fixtures, where no loop guard can apply. */
  private async resolve(route: CompiledRoute, event: ObjectEvent): Promise<RouteOutcome | undefined> {
    let pipeline = this.perRoute.get(route.name);
    if (!pipeline) {
      pipeline = new Pipeline({ routes: [route], ports: this.ports, cache: this.cache });
      this.perRoute.set(route.name, pipeline);
    }
    const report = (await pipeline.processEvent(event)).routes[0];
    return report && outcomeOf(report, event);
  }
}

function outcomesOf(reports: RouteReport[], event: ObjectEvent): ObjectOutcomes {
  const outcomes: ObjectOutcomes = new Map();
  for (const report of reports) {
    const outcome = outcomeOf(report, event);
    if (outcome) outcomes.set(report.name, outcome);
  }
  return outcomes;
}
