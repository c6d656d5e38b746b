/** One object, two route sets: what each route's change is called, and what the object stops reaching. */
import { describe, expect, it } from 'vitest';
import { diffObject } from '../../../engine/impact/object-diff.ts';
import { destinationId, type Destination, type RouteOutcome } from '../../../engine/impact/outcome.ts';

const copy = (bucket: string): Destination => ({ kind: 'copy', target: bucket, key: '{key}' });
const sqs = (queue: string): Destination => ({ kind: 'sqs', target: queue });
const routed = (...destinations: Destination[]): RouteOutcome => ({ state: 'routed', destinations, signature: destinations.map(destinationId).join('\n') });
const unresolved = (reason: string): RouteOutcome => ({ state: 'unresolved', reason, signature: `unresolved ${reason}` });
const failed = (reason: string): RouteOutcome => ({ state: 'failed', reason, signature: `failed ${reason}` });
const outcomes = (entries: Record<string, RouteOutcome>): Map<string, RouteOutcome> => new Map(Object.entries(entries));

describe('diffObject', () => {
  it.each([
    ['the same destinations are no change', { r: routed(copy('a')) }, { r: routed(copy('a')) }, [], []],
    ['a renamed bucket moves the object', { r: routed(copy('a'), copy('b')) }, { r: routed(copy('a'), copy('c')) }, [['r', 'changes', ['s3://b/{key}'], ['s3://c/{key}']]], ['s3://b/{key}']],
    ['a new queue is a gain and loses nothing', { r: routed(copy('a')) }, { r: routed(copy('a'), sqs('q')) }, [['r', 'gains', [], ['sqs q']]], []],
    ['a route no longer matching loses all its destinations', { r: routed(copy('a')) }, {}, [['r', 'loses', ['s3://a/{key}'], []]], ['s3://a/{key}']],
    ['a new route takes the object', {}, { n: routed(copy('a')) }, [['n', 'gains', [], ['s3://a/{key}']]], []],
    [
      'a destination moving from one route to another is a change of both, but nothing is lost',
      { r: routed(copy('a')) },
      { s: routed(copy('a')) },
      [
        ['r', 'loses', ['s3://a/{key}'], []],
        ['s', 'gains', [], ['s3://a/{key}']],
      ],
      [],
    ],
    ['a route that now fails says why', { r: routed(copy('a')) }, { r: failed('RouteError: no org') }, [['r', 'fails', ['s3://a/{key}'], []]], ['s3://a/{key}']],
    [
      'a destination now refused by the allow-list is lost, and the refusal shown',
      { r: routed(copy('a')) },
      { r: routed({ kind: 'refused', target: 'a' }) },
      [['r', 'changes', ['s3://a/{key}'], ['refused by allow-list: a']]],
      ['s3://a/{key}'],
    ],
    ['a refusal that goes away is never a destination lost', { r: routed({ kind: 'refused', target: 'x' }) }, { r: routed() }, [['r', 'loses', ['refused by allow-list: x'], []]], []],
    ['unresolved on either side is counted, never compared', { r: routed(copy('a')) }, { r: unresolved('NoSuchKey: no tags') }, [['r', 'unresolved', [], []]], []],
    ['unresolved on both sides is still reported', { r: unresolved('x') }, { r: unresolved('x') }, [['r', 'unresolved', [], []]], []],
  ])('%s', (_name, before, after, changes, stops) => {
    const diff = diffObject(outcomes(before), outcomes(after));
    expect(diff.changes.map((c) => [c.route, c.kind, c.lost.map(destinationId), c.gained.map(destinationId)])).toEqual(changes);
    expect(diff.stopsGoingTo.map(destinationId)).toEqual(stops);
  });
});
