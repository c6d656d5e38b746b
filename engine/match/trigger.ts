/**
 * Which routes an event may reach, by how it arrived. A route hears the channel its trigger
 * deploys, and is always reachable by hand: a direct invocation (seed 002's manual copy) and a
 * backfill (seed 003) may run any route on the bucket, `trigger: manual` ones included.
 *
 * Why the channel matters: a bucket with an EventBridge route and an S3-notification route gets
 * every object event twice, once per channel; were channels ignored, each route would run on both
 * deliveries, and a manual (backfill-only) route would copy every new object.
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

/** The channels whose routes an event of each origin reaches (constant arrays: the hot path allocates nothing). */
const CHANNELS_HEARING: Record<EventOrigin, readonly Channel[]> = {
  's3-notification': ['s3-notification', 'sqs', 'any'],
  eventbridge: ['eventbridge', 'sqs', 'any'],
  direct: BY_HAND,
  batch: BY_HAND,
};

export function channelOf(trigger: RouteTrigger | undefined): Channel {
  return trigger === undefined ? 'any' : CHANNEL_OF_TRIGGER[trigger];
}

/** An event without an origin (a spec-level lookup, as in the benchmark) counts as raised by hand. */
export function channelsHearing(origin: EventOrigin | undefined): readonly Channel[] {
  return origin === undefined ? BY_HAND : CHANNELS_HEARING[origin];
}

/** Why a route with this trigger does not take an event of this origin; undefined when it does. */
export function triggerRefusal(trigger: RouteTrigger | undefined, origin: EventOrigin | undefined): string | undefined {
  if (channelsHearing(origin).includes(channelOf(trigger))) return undefined;
  const event = `this is an ${origin ?? 'unknown'} event`;
  switch (trigger) {
    case 'manual':
      return `route runs only by hand (trigger: manual: direct invocation or backfill); ${event}`;
    default:
      return `route listens to ${trigger ?? 'no'} events; ${event}`;
  }
}
