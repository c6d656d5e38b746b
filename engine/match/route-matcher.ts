/**
 * match: the index narrows every event to the routes whose structural predicates hold; tag
 * conditions are checked only for those. Non-matching routes get a reason only when asked
 * (dry-run), so the Lambda's hot path does no per-route work.
 */
import type { ObjectEvent } from '../events/object-event.ts';
import type { CompiledRoute } from '../load/compiled-route.ts';
import { explainStructural } from './explain.ts';
import { RouteIndex } from './route-index.ts';
import type { StructuralMatch } from './structural.ts';
import { operatorQueuesOf } from './trigger.ts';

export class RouteMatcher {
  private readonly index: RouteIndex;
  /** Each route's structural predicates with its trigger, so events reach only the routes listening on their channel. */
  private readonly specs: readonly StructuralMatch[];
  private readonly operatorQueues: ReadonlySet<string>;

  constructor(readonly routes: readonly CompiledRoute[]) {
    this.specs = routes.map((r) => {
      const { trigger, queueArn } = r.definition.source;
      return { ...r.structural, trigger, ...(queueArn !== undefined ? { queueArn } : {}) };
    });
    this.operatorQueues = operatorQueuesOf(this.specs);
    this.index = new RouteIndex(this.specs);
  }

  candidates(event: ObjectEvent): CompiledRoute[] {
    return this.index.candidates(event).map((i) => this.routes[i]).filter((r): r is CompiledRoute => r !== undefined);
  }

  /** Why each route does or does not take the event structurally (dry-run and tests). */
  explain(event: ObjectEvent): Array<{ route: CompiledRoute; matched: boolean; reason: string }> {
    return this.routes.map((route, i) => ({ route, ...explainStructural(this.specs[i] ?? route.structural, event, this.operatorQueues) }));
  }
}
