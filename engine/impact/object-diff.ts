/** What changes for one object between the base and the new route set, route by route. */
import { destinationText, type Destination, type RouteOutcome } from './outcome.ts';
import type { ObjectOutcomes } from './route-set-evaluator.ts';

export type ChangeKind = 'gains' | 'loses' | 'changes' | 'fails' | 'unresolved';

export interface RouteChange {
  route: string;
  kind: ChangeKind;
  /** Destinations the route sent the object to before and no longer does. */
  lost: Destination[];
  gained: Destination[];
  /** Why, for `fails` and `unresolved`. */
  reason?: string;
}

export interface ObjectDiff {
  changes: RouteChange[];
  /** Destinations the object reached before through any route and reaches through none now. */
  stopsGoingTo: Destination[];
}

export function diffObject(before: ObjectOutcomes, after: ObjectOutcomes): ObjectDiff {
  const changes: RouteChange[] = [];
  const routes = [...new Set([...before.keys(), ...after.keys()])].sort();
  const beforeAll = new Map<string, Destination>();
  const afterAll = new Set<string>();
  for (const route of routes) {
    const b = before.get(route);
    const a = after.get(route);
    for (const d of destinationsOf(a)) afterAll.add(destinationText(d));
    if (b?.state === 'unresolved' || a?.state === 'unresolved') {
      changes.push({ route, kind: 'unresolved', lost: [], gained: [], reason: a?.state === 'unresolved' ? a.reason : b?.state === 'unresolved' ? b.reason : '' });
      continue;
    }
    const was = destinationsOf(b);
    const now = destinationsOf(a);
    for (const d of was) beforeAll.set(destinationText(d), d);
    const lost = minus(was, now);
    const gained = minus(now, was);
    if (a?.state === 'failed' && b?.state !== 'failed') changes.push({ route, kind: 'fails', lost, gained, reason: a.reason });
    else if (lost.length > 0 || gained.length > 0) changes.push({ route, kind: lost.length === 0 ? 'gains' : gained.length === 0 ? 'loses' : 'changes', lost, gained });
  }
  return { changes, stopsGoingTo: [...beforeAll].filter(([text]) => !afterAll.has(text)).map(([, d]) => d) };
}

function destinationsOf(outcome: RouteOutcome | undefined): Destination[] {
  return outcome?.state === 'routed' ? outcome.destinations : [];
}

function minus(from: Destination[], remove: Destination[]): Destination[] {
  const gone = new Set(remove.map(destinationText));
  const seen = new Set<string>();
  return from.filter((d) => {
    const text = destinationText(d);
    if (gone.has(text) || seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}
