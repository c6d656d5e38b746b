/**
 * impact: the semantic diff of two route sets. Both sets are evaluated over the same objects
 * through the one pipeline; what differs per object is grouped for review, next to the changes
 * that need no object (triggers, destinations, permissions).
 */
import type { ObjectEvent } from '../events/object-event.ts';
import type { CompiledRoute } from '../load/compiled-route.ts';
import type { Fixtures } from '../ports/fixtures.ts';
import { routeGraph, type RouteGraph } from '../graph/route-graph.ts';
import { ChangeGroups, type ChangeGroup } from './change-groups.ts';
import { listedObjectEvent, type TestObject } from './corpus.ts';
import type { ListedObject } from './key-list.ts';
import { diffObject, type ObjectDiff } from './object-diff.ts';
import { RouteSetEvaluator } from './route-set-evaluator.ts';
import { staticChanges, type StaticChange } from './static-changes.ts';

export interface ImpactInput {
  before: readonly CompiledRoute[];
  after: readonly CompiledRoute[];
  /** Route-test events, each with its own fixtures. */
  tests: readonly TestObject[];
  /** Objects from a key list or a live listing. */
  listed: Iterable<ListedObject> | AsyncIterable<ListedObject>;
  /** Answers for the listed objects' lookups. */
  fixtures: Fixtures;
  now: () => Date;
  /** Reuse a route's resolution across keys it only passes through (default true; false is the benchmark's baseline). */
  reuse?: boolean;
}

export interface ImpactSummary {
  objects: number;
  fromTests: number;
  listed: number;
  /** Objects with some route change other than "unresolved". */
  changed: number;
  /** Objects that stop going to some destination. */
  losing: number;
  /** Objects some route could not resolve from the fixtures (either side). */
  unresolved: number;
  unchanged: number;
}

export interface ImpactReport {
  summary: ImpactSummary;
  groups: ChangeGroup[];
  static: StaticChange[];
  graphs: { before: RouteGraph; after: RouteGraph };
}

export async function impactOf(input: ImpactInput): Promise<ImpactReport> {
  const reuse = input.reuse ?? true;
  const before = new RouteSetEvaluator(input.before, input.fixtures, input.now, reuse);
  const after = new RouteSetEvaluator(input.after, input.fixtures, input.now, reuse);
  const groups = new ChangeGroups();
  const summary: ImpactSummary = { objects: 0, fromTests: 0, listed: 0, changed: 0, losing: 0, unresolved: 0, unchanged: 0 };
  const count = (diff: ObjectDiff): void => {
    summary.objects++;
    if (diff.changes.some((c) => c.kind === 'unresolved')) summary.unresolved++;
    if (diff.changes.some((c) => c.kind !== 'unresolved')) summary.changed++;
    if (diff.changes.length === 0) summary.unchanged++;
    if (diff.stopsGoingTo.length > 0) summary.losing++;
  };

  for (const object of input.tests) {
    const diff = diffObject(await before.withFixtures(object.event, object.fixtures), await after.withFixtures(object.event, object.fixtures));
    for (const change of diff.changes) groups.add(object.event, change, object.test);
    summary.fromTests++;
    count(diff);
  }
  const eventTime = input.now().toISOString();
  const record = (event: ObjectEvent, diff: ObjectDiff): void => {
    for (const change of diff.changes) groups.add(event, change);
    summary.listed++;
    count(diff);
  };
  // `??` awaits only when a route still needs the pipeline: most keys take no await at all.
  const listed = input.listed;
  if (Symbol.asyncIterator in listed) {
    for await (const object of listed) {
      const event = listedObjectEvent(object, eventTime);
      record(event, diffObject(before.reused(event) ?? (await before.object(event)), after.reused(event) ?? (await after.object(event))));
    }
  } else {
    for (const object of listed) {
      const event = listedObjectEvent(object, eventTime);
      record(event, diffObject(before.reused(event) ?? (await before.object(event)), after.reused(event) ?? (await after.object(event))));
    }
  }
  const graphs = { before: routeGraph(input.before), after: routeGraph(input.after) };
  return { summary, groups: groups.list(), static: staticChanges(input.before, input.after, graphs), graphs };
}
