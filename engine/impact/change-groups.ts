/**
 * Object changes grouped for a reviewer: by route, kind of change and the destinations that
 * come and go (keys written relative to the object's key), each group with a count, key
 * patterns per bucket and a few examples.
 */
import type { ObjectEvent } from '../events/object-event.ts';
import { KeyPattern } from './key-patterns.ts';
import type { ChangeKind, RouteChange } from './object-diff.ts';
import { destinationId, destinationText } from './outcome.ts';

export interface ChangeExample {
  object: string;
  /** The route test the object came from. */
  test?: string;
  lost: string[];
  gained: string[];
}

export interface ChangeGroup {
  route: string;
  kind: ChangeKind;
  /** Destinations with the object's key as `{key}`: `s3://region-b-builds/{key}`, `sqs change-notifications-hts`. */
  lost: string[];
  gained: string[];
  reason?: string;
  objects: number;
  /** `s3://bucket/prefix*suffix`, one per source bucket. */
  keys: string[];
  examples: ChangeExample[];
}

const EXAMPLES = 3;
const KIND_ORDER: ChangeKind[] = ['loses', 'changes', 'fails', 'gains', 'unresolved'];

interface Building {
  group: Omit<ChangeGroup, 'keys'>;
  patterns: Map<string, KeyPattern>;
}

export class ChangeGroups {
  private readonly groups = new Map<string, Building>();

  add(event: ObjectEvent, change: RouteChange, test?: string): void {
    const lost = change.lost.map(destinationId);
    const gained = change.gained.map(destinationId);
    const reason = change.reason;
    const id = JSON.stringify([change.route, change.kind, lost, gained, reason ?? '']);
    let building = this.groups.get(id);
    if (!building) {
      building = { group: { route: change.route, kind: change.kind, lost, gained, ...(reason !== undefined ? { reason } : {}), objects: 0, examples: [] }, patterns: new Map() };
      this.groups.set(id, building);
    }
    building.group.objects++;
    let pattern = building.patterns.get(event.bucket);
    if (!pattern) building.patterns.set(event.bucket, (pattern = new KeyPattern()));
    pattern.add(event.key);
    if (building.group.examples.length < EXAMPLES) {
      building.group.examples.push({
        object: `s3://${event.bucket}/${event.key}`,
        ...(test !== undefined ? { test } : {}),
        lost: change.lost.map((d) => destinationText(d, event.key)),
        gained: change.gained.map((d) => destinationText(d, event.key)),
      });
    }
  }

  list(): ChangeGroup[] {
    return [...this.groups.values()]
      .map(({ group, patterns }) => ({ ...group, keys: [...patterns].sort(([a], [b]) => a.localeCompare(b)).map(([bucket, p]) => `s3://${bucket}/${p.toString()}`) }))
      .sort((a, b) => a.route.localeCompare(b.route) || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || b.objects - a.objects || a.keys.join().localeCompare(b.keys.join()));
  }
}
