/** What changes for one object between the base and the new route set, route by route. */
import { destinationId, type Destination, type RouteOutcome } from './outcome.ts';
import type { ObjectOutcomes } from './route-set-evaluator.ts';

export type ChangeKind = 'gains' | 'loses' | 'changes' | 'fails' | 'unresolved';

export interface RouteChange {
  route: string;
  kind: ChangeKind;
  /** Destinations the route sent the object to before and no longer does. */
  lost: Destination[];
  gained: Destination[];
  /** Why, for `fails` and `unresolved`; the object's key written `{key}`. */
  reason?: string;
}

export interface ObjectDiff {
  changes: RouteChange[];
  /** Destinations the object reached before through any route and reaches through none now (refusals never count). */
  stopsGoingTo: Destination[];
}

const NO_CHANGE: ObjectDiff = { changes: [], stopsGoingTo: [] };

export function diffObject(before: ObjectOutcomes, after: ObjectOutcomes): ObjectDiff {
  if (sameOutcomes(before, after)) return NO_CHANGE;
  const changes: RouteChange[] = [];
  const routes = [...new Set([...before.keys(), ...after.keys()])].sort();
  const beforeAll = new Map<string, Destination>();
  const afterAll = new Set<string>();
  for (const route of routes) {
    const b = before.get(route);
    const a = after.get(route);
    for (const d of destinationsOf(a)) afterAll.add(destinationId(d));
    if (b?.state === 'unresolved' || a?.state === 'unresolved') {
      changes.push({ route, kind: 'unresolved', lost: [], gained: [], reason: a?.state === 'unresolved' ? a.reason : b?.state === 'unresolved' ? b.reason : '' });
      continue;
    }
    const was = destinationsOf(b);
    const now = destinationsOf(a);
    for (const d of was) if (d.kind !== 'refused') beforeAll.set(destinationId(d), d);
    const lost = minus(was, now);
    const gained = minus(now, was);
    if (a?.state === 'failed' && b?.state !== 'failed') changes.push({ route, kind: 'fails', lost, gained, reason: a.reason });
    else if (lost.length > 0 || gained.length > 0) changes.push({ route, kind: lost.length === 0 ? 'gains' : gained.length === 0 ? 'loses' : 'changes', lost, gained });
  }
  return { changes, stopsGoingTo: [...beforeAll].filter(([id]) => !afterAll.has(id)).map(([, d]) => d) };
}

/** The common case, kept cheap: the same routes took the object and each did the same with it. */
function sameOutcomes(before: ObjectOutcomes, after: ObjectOutcomes): boolean {
  if (before.size !== after.size) return false;
  for (const [route, b] of before) {
    if (b.state === 'unresolved' || after.get(route)?.signature !== b.signature) return false;
  }
  return true;
}

function destinationsOf(outcome: RouteOutcome | undefined): Destination[] {
  return outcome?.state === 'routed' ? outcome.destinations : [];
}

function minus(from: Destination[], remove: Destination[]): Destination[] {
  const gone = new Set(remove.map(destinationId));
  const seen = new Set<string>();
  return from.filter((d) => {
    const id = destinationId(d);
    if (gone.has(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
