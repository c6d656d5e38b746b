/**
 * What one route does with one object, reduced to what impact compares: where it goes
 * (bucket/key, queue, email topic), or why it could not be said.
 */
import type { PlannedAction } from '../actions/planned-action.ts';
import type { RouteReport } from '../pipeline.ts';

export type DestinationKind = 'copy' | 'sqs' | 'email';

export interface Destination {
  kind: DestinationKind;
  /** Bucket, queue, or contact list (with `/topic`) or addresses for email. */
  target: string;
  /** Copies only: the destination key. */
  key?: string;
}

export type RouteOutcome =
  | { state: 'routed'; destinations: Destination[] }
  /** A lookup the fixtures cannot answer (a tag, a body, an SSM value, a config object, a contact list). */
  | { state: 'unresolved'; reason: string }
  /** The route ran and failed on its own terms (`$error(…)`, an expression error). */
  | { state: 'failed'; reason: string };

/** Error codes that mean "the fixtures do not say", not "the route fails". */
const UNANSWERED = new Set(['NoSuchKey', 'ParameterNotFound', 'ConfigNotReadable', 'NotFoundException']);

export function outcomeOf(report: RouteReport): RouteOutcome | undefined {
  if (!report.matched) return undefined;
  if (report.error) {
    const reason = `${report.error.code}: ${report.error.message}`;
    return UNANSWERED.has(report.error.code) ? { state: 'unresolved', reason } : { state: 'failed', reason };
  }
  return { state: 'routed', destinations: report.steps.map((s) => destinationOfAction(s.action)) };
}

export function destinationOfAction(action: PlannedAction): Destination {
  switch (action.type) {
    case 'copy':
      return { kind: 'copy', target: action.bucket, key: action.key };
    case 'sqs':
      return { kind: 'sqs', target: action.queue };
    case 'email':
      return { kind: 'email', target: action.contactList ? `${action.contactList}${action.topic ? `/${action.topic}` : ''}` : action.to.join(', ') };
  }
}

/** One destination as text: `s3://bucket/key`, `sqs queue`, `email list/topic`. */
export function destinationText(d: Destination): string {
  return d.kind === 'copy' ? `s3://${d.target}/${d.key ?? ''}` : `${d.kind} ${d.target}`;
}
