/**
 * Queues deleted for good: by an update (those of a route that owned a queue and is gone, the
 * intake and dead-letter queues of a bucket whose routes have all left the stack), or with a stack
 * whose routes are all gone. Every message in them goes with them, so such a stack is held (or
 * kept) while one of them holds messages, or while they cannot be counted. Queues that move
 * elsewhere are not this module's: a name another stack takes over (name-moves.ts), the intake
 * queue a moving bucket leaves (move-holds.ts).
 */
import { queueName } from '../generators/cloudformation/names.ts';
import { bucketMoves, sourceBuckets } from './bucket-moves.ts';
import { deletedQueues, doomedQueues } from './move-holds.ts';
import { queuesDeclared } from './name-moves.ts';
import { undrainedQueues, type QueueDepth } from './queue-depths.ts';

export interface RetiredQueueInputs {
  /** Template bodies by stack name: what this run deploys (none for a stack to be deleted), and what is deployed now. */
  desired: ReadonlyMap<string, string>;
  deployed: ReadonlyMap<string, string>;
}

export interface RetiredQueue {
  name: string;
  /** The bucket whose S3 notifications fill it (its intake queue in the stack, or that queue's dead-letter queue). */
  bucket?: string;
}

/** For each of `stacks`, the queues it deletes that no stack of the deployment keeps or takes over. */
export function retiredQueues(inputs: RetiredQueueInputs, stacks: Iterable<string>): Map<string, RetiredQueue[]> {
  const kept = new Set([...inputs.desired.values()].flatMap((body) => queuesDeclared(body)));
  const moving = new Set(bucketMoves([...inputs.desired].map(([name, body]) => ({ name, body })), inputs.deployed).flatMap((m) => doomedQueues(m, inputs)));
  const retired = new Map<string, RetiredQueue[]>();
  for (const stack of stacks) {
    const intake = intakeQueues(stack, inputs.deployed.get(stack));
    const queues = deletedQueues(stack, inputs)
      .filter((q) => !kept.has(q) && !moving.has(q))
      .map((name): RetiredQueue => (intake.has(name) ? { name, bucket: intake.get(name) ?? '' } : { name }));
    if (queues.length > 0) retired.set(stack, queues);
  }
  return retired;
}

/**
 * Stack name → why it waits: `held: …` for an update, `kept: …` for a stack to be deleted (those
 * in `deleting`). Says what lets the queues go: re-pointing a bucket that still fills one, the
 * consumers or the function draining it, replay, or a purge.
 */
export function retiredQueueHolds(retired: ReadonlyMap<string, readonly RetiredQueue[]>, depths: ReadonlyMap<string, QueueDepth>, deleting: ReadonlySet<string>): Map<string, string> {
  const held = new Map<string, string>();
  for (const [stack, queues] of retired) {
    const undrained = undrainedQueues(queues.map((q) => q.name), depths);
    if (undrained.length === 0) continue;
    const problems = undrained.map((u) => u.problem);
    const stuck = new Set(queues.filter((q) => undrained.some((u) => u.queue === q.name)).flatMap((q) => (q.bucket !== undefined ? [q.bucket] : [])));
    const repoint = [...stuck].sort().map((b) => `run switchyard notifications apply --bucket ${b} (the bucket keeps notifying its intake queue here until then) and let the function drain what is left`);
    const what = deleting.has(stack) ? 'kept: deleting the stack deletes its queues' : 'held: this update deletes queues no route uses any more';
    held.set(stack, `${what}, with every message in them: ${problems.join('; ')}. ${[...repoint, 'let the consumers drain the rest or replay what is dead-lettered (switchyard replay)', 'or purge what is not wanted (aws sqs purge-queue)'].join('; ')}; then deploy again`);
  }
  return held;
}

/** Intake queue (and its dead-letter queue) → the bucket that notifies it, from a deployed template's metadata. */
function intakeQueues(stack: string, body: string | undefined): Map<string, string> {
  const buckets = body === undefined ? [] : (sourceBuckets(body)?.notifiedBuckets ?? []);
  return new Map(buckets.flatMap((b) => [[queueName(stack, b, 'events'), b] as const, [queueName(stack, b, 'events-dlq'), b] as const]));
}
