/**
 * Which routes an event may reach, by how it arrived. A route hears the channel its trigger
 * deploys, and is always reachable by hand: a direct invocation (seed 002's manual copy) and a
 * backfill (seed 003) may run any route on the bucket, `trigger: manual` ones included.
 *
 * Why the channel matters: a bucket with an EventBridge route and an S3-notification route gets
 * every object event twice, once per channel; were channels ignored, each route would run on both
 * deliveries, and a manual (backfill-only) route would copy every new object. The same holds for a
 * bucket that notifies an operator's queue (`trigger: sqs`) and Switchyard's intake queue: the
 * queue an event was read from (the SQS record's `eventSourceARN`) says which routes it is for.
 */
import type { Source } from '../../schema/route.ts';
import type { EventOrigin } from '../events/object-event.ts';

export type RouteTrigger = Source['trigger'];

/**
 * The groups the index keeps a bucket's routes in. `any` holds specs without a trigger (built by
 * hand, as the matching benchmark does): they hear every channel.
 */
export type Channel = 's3-notification' | 'eventbridge' | 'sqs' | 'manual' | 'any';

/**
 * `sqs` is an operator-owned queue (schema `source.queueArn`) that already receives the bucket's
 * events: S3 notifications, or EventBridge events a rule sends to it. Its routes hear both kinds,
 * as the queue may carry either.
 */
const CHANNEL_OF_TRIGGER: Record<RouteTrigger, Channel> = {
  's3-notification': 's3-notification',
  sqs: 'sqs',
  eventbridge: 'eventbridge',
  manual: 'manual',
};

const BY_HAND: readonly Channel[] = ['s3-notification', 'eventbridge', 'sqs', 'manual', 'any'];

/**
 * The channels whose routes an event of each origin reaches when it was not read from an
 * operator's queue (constant arrays: the hot path allocates nothing). A `trigger: sqs` route
 * hears only what is read from its own queue: an EventBridge rule invokes the function directly,
 * and Switchyard's intake queue is not the operator's.
 */
const CHANNELS_HEARING: Record<EventOrigin, readonly Channel[]> = {
  's3-notification': ['s3-notification', 'any'],
  eventbridge: ['eventbridge', 'any'],
  direct: BY_HAND,
  batch: BY_HAND,
};

/** Read from an operator's queue: only the `trigger: sqs` routes of that queue hear it. */
const FROM_OPERATOR_QUEUE: readonly Channel[] = ['sqs', 'any'];

/** How an event arrived: the fields of ObjectEvent that decide which channels hear it. */
export interface Arrival {
  /** Absent: raised by hand (a spec-level lookup, as in the benchmark). */
  origin?: EventOrigin;
  /** The SQS queue it was read from, when it came through SQS. */
  queueArn?: string;
}

/** What routes listen with: the fields of StructuralMatch that decide which arrivals they hear. */
export interface Listener {
  trigger?: RouteTrigger;
  /** `trigger: sqs` only: the operator's queue the route reads. */
  queueArn?: string;
}

export const NO_QUEUES: ReadonlySet<string> = new Set();

/** The queues `trigger: sqs` routes read: an event read from one of them belongs to those routes alone. */
export function operatorQueuesOf(listeners: readonly Listener[]): ReadonlySet<string> {
  const queues = new Set<string>();
  for (const listener of listeners) if (listener.trigger === 'sqs' && listener.queueArn !== undefined) queues.add(listener.queueArn);
  return queues;
}

export function channelOf(trigger: RouteTrigger | undefined): Channel {
  return trigger === undefined ? 'any' : CHANNEL_OF_TRIGGER[trigger];
}

/**
 * The channels an arrival reaches. A bucket may notify an operator's queue and Switchyard's
 * intake queue, or have an EventBridge rule too, so one change arrives more than once: the queue
 * it was read from (none, for a rule's direct invocation) decides which routes take each copy.
 */
export function channelsHearing(arrival: Arrival, operatorQueues: ReadonlySet<string>): readonly Channel[] {
  const { origin } = arrival;
  if (origin === undefined) return BY_HAND;
  return operatorQueueOf(arrival, operatorQueues) !== undefined ? FROM_OPERATOR_QUEUE : CHANNELS_HEARING[origin];
}

/** The operator queue an arrival was read from, when it was: only that queue's `trigger: sqs` routes take it. */
export function operatorQueueOf(arrival: Arrival, operatorQueues: ReadonlySet<string>): string | undefined {
  const { origin, queueArn } = arrival;
  if (queueArn === undefined || (origin !== 's3-notification' && origin !== 'eventbridge')) return undefined;
  return operatorQueues.has(queueArn) ? queueArn : undefined;
}

/** Why a route listening this way does not take an event that arrived this way; undefined when it does. */
export function triggerRefusal(listener: Listener, arrival: Arrival, operatorQueues: ReadonlySet<string> = NO_QUEUES): string | undefined {
  const { trigger } = listener;
  const { origin } = arrival;
  const event = `this is an ${origin ?? 'unknown'} event`;
  if (!channelsHearing(arrival, operatorQueues).includes(channelOf(trigger))) {
    if (trigger === 'manual') return `route runs only by hand (trigger: manual: direct invocation or backfill); ${event}`;
    if (trigger === 'sqs') return `route reads queue ${listener.queueArn ?? '(none)'}; ${event} read from ${arrival.queueArn ?? 'no queue'}`;
    const queue = operatorQueueOf(arrival, operatorQueues);
    const via = queue === undefined ? '' : ` read from ${queue}, the queue of trigger: sqs routes`;
    return `route listens to ${trigger ?? 'no'} events; ${event}${via}`;
  }
  const queue = operatorQueueOf(arrival, operatorQueues);
  if (trigger === 'sqs' && queue !== undefined && listener.queueArn !== queue) {
    return `route reads queue ${listener.queueArn ?? '(none)'}; ${event} read from ${queue}`;
  }
  return undefined;
}
