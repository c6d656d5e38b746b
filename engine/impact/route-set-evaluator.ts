/**
 * One route set evaluated over objects through the one pipeline (match → resolve with the plan
 * ports). Route-test events run with their own fixtures. Listed keys share one set of fixtures;
 * for them a route that only passes the key through (`key: $key`) is resolved once and reused,
 * which is exact because every key absent from the fixtures looks the same to the lookups.
 */
import type { ObjectEvent } from '../events/object-event.ts';
import type { CompiledCopyAction, CompiledRoute } from '../load/compiled-route.ts';
import { RouteMatcher } from '../match/route-matcher.ts';
import { objectFixtureKey, type Fixtures } from '../ports/fixtures.ts';
import { createPlanPorts } from '../ports/plan.ts';
import type { Ports } from '../ports/types.ts';
import { Pipeline, type RouteReport } from '../pipeline.ts';
import { LookupCache } from '../resolve/lookup-cache.ts';
import { copiesUnderOwnKey, readsObjectKey } from './key-dependence.ts';
import { outcomeOf, type Destination, type RouteOutcome } from './outcome.ts';

/** Route name → what it does with the object; routes that do not take it are absent. */
export type ObjectOutcomes = Map<string, RouteOutcome>;

interface CachedResolution {
  /** Undefined: the route's `when` turned the object down. */
  outcome: RouteOutcome | undefined;
  /** Per destination of a routed outcome: whether its key is the object's key. */
  ownKey: boolean[];
  /** The key it was resolved for, replaced in reasons. */
  key: string;
}

export class RouteSetEvaluator {
  private readonly matcher: RouteMatcher;
  private readonly ports: Ports;
  private readonly cache: LookupCache;
  private readonly whole: Pipeline;
  private readonly perRoute = new Map<string, Pipeline>();
  private readonly resolved = new Map<string, CachedResolution>();
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
    return outcomesOf((await new Pipeline({ routes: this.routes, ports }).processEvent(event)).routes);
  }

  /** A listed object, with the shared fixtures. */
  async object(event: ObjectEvent): Promise<ObjectOutcomes> {
    const known = this.sharedFixtures.objects[objectFixtureKey(event.bucket, event.key)] !== undefined;
    if (known || !this.reuse) return outcomesOf((await this.whole.processEvent(event)).routes);
    const outcomes: ObjectOutcomes = new Map();
    for (const route of this.matcher.candidates(event)) {
      const outcome = this.keyReaders.has(route.name) ? await this.resolveAlone(route, event) : await this.resolveOnce(route, event);
      if (outcome) outcomes.set(route.name, outcome);
    }
    return outcomes;
  }

  private async resolveAlone(route: CompiledRoute, event: ObjectEvent): Promise<RouteOutcome | undefined> {
    return (await this.report(route, event)).outcome;
  }

  private async resolveOnce(route: CompiledRoute, event: ObjectEvent): Promise<RouteOutcome | undefined> {
    let cached = this.resolved.get(route.name);
    if (!cached) {
      const { outcome, ownKey } = await this.report(route, event);
      cached = { outcome, ownKey, key: event.key };
      this.resolved.set(route.name, cached);
    }
    return forKey(cached, event.key);
  }

  private async report(route: CompiledRoute, event: ObjectEvent): Promise<{ outcome: RouteOutcome | undefined; ownKey: boolean[] }> {
    let pipeline = this.perRoute.get(route.name);
    if (!pipeline) {
      pipeline = new Pipeline({ routes: [route], ports: this.ports, cache: this.cache });
      this.perRoute.set(route.name, pipeline);
    }
    const report = (await pipeline.processEvent(event)).routes[0];
    if (!report) return { outcome: undefined, ownKey: [] };
    return { outcome: outcomeOf(report), ownKey: report.steps.map((s) => s.action.type === 'copy' && copiesUnderOwnKey(actionOf(route, s.action.actionId))) };
  }
}

function actionOf(route: CompiledRoute, actionId: string): CompiledCopyAction['key'] {
  const action = route.actions.find((a) => a.id === actionId);
  return action?.type === 'copy' ? action.key : { kind: 'literal', value: '' };
}

function forKey(cached: CachedResolution, key: string): RouteOutcome | undefined {
  const { outcome } = cached;
  if (outcome === undefined || cached.key === key) return outcome;
  if (outcome.state !== 'routed') return { state: outcome.state, reason: outcome.reason.split(cached.key).join(key) };
  return {
    state: 'routed',
    destinations: outcome.destinations.map((d, i): Destination => (cached.ownKey[i] ? { ...d, key } : d)),
  };
}

function outcomesOf(reports: RouteReport[]): ObjectOutcomes {
  const outcomes: ObjectOutcomes = new Map();
  for (const report of reports) {
    const outcome = outcomeOf(report);
    if (outcome) outcomes.set(report.name, outcome);
  }
  return outcomes;
}
