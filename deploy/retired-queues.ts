/**
 * Queues an update deletes for good: those of a route that owned a queue and is gone, and the
 * intake and dead-letter queues of a bucket whose routes have all left the deployment. Every
 * message in them goes with them, so a stack whose update would delete such a queue while it holds
 * messages (or while they cannot be counted) is held. Queues that move elsewhere are not this
 * module's: a name another stack takes over (name-moves.ts), the intake queue a moving bucket
 * leaves (move-holds.ts).
 */
import { bucketMoves } from './bucket-moves.ts';
import { deletedQueues, doomedQueues } from './move-holds.ts';
import { queuesDeclared } from './name-moves.ts';
import { undrainedQueues, type QueueDepth } from './queue-depths.ts';

export interface RetiredQueueInputs {
  /** Template bodies by stack name: what this run deploys, and what is deployed now. */
  desired: ReadonlyMap<string, string>;
  deployed: ReadonlyMap<string, string>;
}

/** Stack name → the queues its update deletes that no stack of the deployment keeps or takes over. */
export function retiredQueues(inputs: RetiredQueueInputs): Map<string, string[]> {
  const kept = new Set([...inputs.desired.values()].flatMap((body) => queuesDeclared(body)));
  const moving = new Set(bucketMoves([...inputs.desired].map(([name, body]) => ({ name, body })), inputs.deployed).flatMap((m) => doomedQueues(m, inputs)));
  const retired = new Map<string, string[]>();
  for (const stack of inputs.desired.keys()) {
    const queues = deletedQueues(stack, inputs).filter((q) => !kept.has(q) && !moving.has(q));
    if (queues.length > 0) retired.set(stack, queues);
  }
  return retired;
}

/** Stack name → why its update waits (`held: …`): a retired queue that still holds messages or could not be counted. */
export function retiredQueueHolds(retired: ReadonlyMap<string, readonly string[]>, depths: ReadonlyMap<string, QueueDepth>): Map<string, string> {
  const held = new Map<string, string>();
  for (const [stack, queues] of retired) {
    const problems = undrainedQueues(queues, depths);
    if (problems.length === 0) continue;
    const one = problems.length === 1;
    held.set(
      stack,
      `held: ${problems.join('; ')}, and this update deletes ${one ? 'that queue' : 'those queues'} (no route uses ${one ? 'it' : 'them'} any more) with every message in ${one ? 'it' : 'them'}. ` +
        `Let ${one ? 'its' : 'their'} consumers drain ${one ? 'it' : 'them'}, replay what is dead-lettered (switchyard replay), or purge ${one ? 'it' : 'them'} if the messages are not wanted (aws sqs purge-queue); then deploy again`,
    );
  }
  return held;
}
