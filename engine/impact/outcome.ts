/**
 * What one route does with one object, reduced to what impact compares: where it goes
 * (bucket/key, queue, email topic), or why it could not be said. A copy to the object's own
 * key is kept as `{key}`, so one outcome serves every object a route treats alike.
 */
import type { PlannedAction } from '../actions/planned-action.ts';
import type { RouteReport } from '../pipeline.ts';

/** `refused`: a destination the allow-list turned away (reported, never written). */
export type DestinationKind = 'copy' | 'sqs' | 'email' | 'refused';

export interface Destination {
  kind: DestinationKind;
  /** Bucket, queue, contact list (with `/topic`) or addresses for email, or what was refused. */
  target: string;
  /** Copies only: the destination key, `{key}` for the object's own key. */
  key?: string;
}

export type RouteOutcome =
  | { state: 'routed'; destinations: Destination[]; signature: string }
  /** A lookup the fixtures cannot answer (a tag, a body, an SSM value, a config object, a contact list). */
  | { state: 'unresolved'; reason: string; signature: string }
  /** The route ran and failed on its own terms (`$error(…)`, an expression error). */
  | { state: 'failed'; reason: string; signature: string };

export const OWN_KEY = '{key}';

/** Error codes that mean "the fixtures do not say", not "the route fails". */
const UNANSWERED = new Set(['NoSuchKey', 'ParameterNotFound', 'ConfigNotReadable', 'NotFoundException']);

/** The outcome of a pipeline report for one object; undefined when the route did not take it. */
export function outcomeOf(report: RouteReport, object: { bucket: string; key: string }): RouteOutcome | undefined {
  if (!report.matched) return undefined;
  const objectKey = object.key;
  if (report.error) {
    const reason = `${report.error.code}: ${report.error.message}`.split(`s3://${object.bucket}/${objectKey}`).join(`s3://${object.bucket}/${OWN_KEY}`);
    const state = UNANSWERED.has(report.error.code) ? 'unresolved' : 'failed';
    return { state, reason, signature: `${state} ${reason}` };
  }
  const destinations = [
    ...report.steps.map((s) => destinationOfAction(s.action, objectKey)),
    ...report.refused.map((r): Destination => ({ kind: 'refused', target: r.destination })),
  ];
  return { state: 'routed', destinations, signature: destinations.map(destinationId).join('\n') };
}

function destinationOfAction(action: PlannedAction, objectKey: string): Destination {
  switch (action.type) {
    case 'copy':
      return { kind: 'copy', target: action.bucket, key: action.key === objectKey ? OWN_KEY : action.key };
    case 'sqs':
      return { kind: 'sqs', target: action.queue };
    case 'email':
      return { kind: 'email', target: action.contactList ? `${action.contactList}${action.topic ? `/${action.topic}` : ''}` : action.to.join(', ') };
  }
}

/** Identity within one object: `s3://bucket/{key}`, `sqs queue`, `email list/topic`, `refused by allow-list: x`. */
export function destinationId(d: Destination): string {
  if (d.kind === 'copy') return `s3://${d.target}/${d.key ?? ''}`;
  return d.kind === 'refused' ? `refused by allow-list: ${d.target}` : `${d.kind} ${d.target}`;
}

/** As shown for one object: the `{key}` filled in. */
export function destinationText(d: Destination, objectKey: string): string {
  return d.kind === 'copy' && d.key === OWN_KEY ? `s3://${d.target}/${objectKey}` : destinationId(d);
}
