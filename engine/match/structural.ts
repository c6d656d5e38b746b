import type { EventKind, EventOrigin } from '../events/object-event.ts';
import type { RouteTrigger } from './trigger.ts';

/**
 * The structural part of one route's match rules, compiled from its YAML: the predicates
 * that can be indexed (bucket, trigger, key prefix, key suffix, event kind). Tag and JSONata
 * conditions are evaluated later, only for the routes these leave.
 *
 * Every list means "no restriction" when empty, so a route that names nothing listens to
 * every key of every kind in its bucket.
 */
export interface StructuralMatch {
  /** Route name, for explanations and logs. */
  route: string;
  /** Exact source bucket (case-sensitive, as S3 bucket names are lower-case anyway). */
  bucket: string;
  /** The key must start with one of these (case-sensitive); empty = any key. */
  prefixes: string[];
  /** The key must not start with any of these (case-sensitive). */
  excludePrefixes: string[];
  /** The key must end with one of these; empty = any key. */
  suffixes: string[];
  /** Compare suffixes case-insensitively: both sides go through `foldCase` (fold-case.ts). */
  ignoreCase: boolean;
  /** Event kinds the route listens to; empty = every kind. */
  kinds: EventKind[];
  /**
   * How events reach the route (`source.trigger`): it takes only events of that channel, plus
   * direct invocations and backfills (trigger.ts). Absent = every channel, for specs built by
   * hand; `RouteMatcher` always sets it from the route's source.
   */
  trigger?: RouteTrigger;
  /** `trigger: sqs`: the operator's queue the route reads (`source.queueArn`); it takes only what is read from there. */
  queueArn?: string;
}

/** The fields of an event the structural predicates look at. */
export interface StructuralEvent {
  bucket: string;
  key: string;
  kind: EventKind;
  /** How the event arrived; absent = raised by hand (reaches every route's channel). */
  origin?: EventOrigin;
  /** The SQS queue it was read from, if any (trigger.ts: an operator's queue belongs to its `sqs` routes). */
  queueArn?: string;
}
