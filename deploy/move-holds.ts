/**
 * Which stacks a moving s3-notification bucket still needs, decided bucket by bucket. Updating
 * the stack a bucket leaves deletes its intake queue for the bucket, so that stack is held until
 * the bucket notifies the queue of the stack it moves to. Two things must both be true:
 *
 * - the new queue existed before this run (the stack the bucket moves to was deployed with the
 *   bucket): until then nobody can have pointed the bucket at it. In a rotation (b: s1 → s2,
 *   c: s2 → s3), s2 is held for c, so s1 stays held for b even after c is applied;
 * - the bucket notifies it: read from the bucket's notification configuration, which wins over
 *   anything the operator says. Only a bucket deploy cannot read (AccessDenied, another account)
 *   is taken on the operator's word: `--moved-buckets-applied` (every bucket) or
 *   `--moved-buckets-applied b,c` (those).
 *
 * And once both hold, the queues the update deletes (the bucket's intake queue in the stack it
 * leaves, and that queue's dead-letter queue) must be empty: the held stack's function drains
 * the intake queue, and what is dead-lettered is replayed first. Messages deleted with a queue
 * are lost, so a queue deploy cannot count also holds the stack.
 */
import { queueName } from '../generators/cloudformation/names.ts';
import { sourceBuckets, type BucketMove } from './bucket-moves.ts';
import { queuesDeclared } from './name-moves.ts';
import type { BucketTargets } from './notified-queues.ts';
import { undrainedQueues, type QueueDepth } from './queue-depths.ts';

export interface MoveHoldInputs {
  /** The moves deployed in the safe order (the stack a bucket moves to goes first). */
  moves: readonly BucketMove[];
  /** Template bodies by stack name: what this run deploys, and what is deployed now. */
  desired: ReadonlyMap<string, string>;
  deployed: ReadonlyMap<string, string>;
  /** What each moving bucket notifies now (notified-queues.ts). */
  targets: ReadonlyMap<string, BucketTargets>;
  /** --moved-buckets-applied: true for every bucket, or the buckets it names. */
  applied: boolean | readonly string[];
  /** How many messages each queue of `doomedQueues` holds; absent, queues are not checked. */
  depths?: ReadonlyMap<string, QueueDepth>;
}

export interface MoveHolds {
  /** Stack name → why it is not updated in this run (`held: …`). */
  held: Map<string, string>;
  /** For the operator: stacks released and why, names the flag gave that concern no move. */
  lines: string[];
}

type Verdict = { release: true; why: string } | { release: false; why: string };

export function moveHolds(inputs: MoveHoldInputs): MoveHolds {
  const notified = inputs.moves.filter((m) => m.notified);
  const held = new Map<string, string>();
  const lines: string[] = [];
  for (const from of [...new Set(notified.map((m) => m.from))]) {
    const verdicts = notified.filter((m) => m.from === from).map((m) => verdict(m, inputs));
    const kept = verdicts.filter((v) => !v.release);
    const undrained = kept.length > 0 ? undefined : notDrained(notified.filter((m) => m.from === from), inputs);
    if (kept.length > 0) held.set(from, `held: ${kept.map((v) => v.why).join('; ')}`);
    else if (undrained !== undefined) held.set(from, `held: ${undrained}`);
    else lines.push(`${from} may be updated: ${verdicts.map((v) => v.why).join('; ')}`);
  }
  if (Array.isArray(inputs.applied)) {
    const moving = new Set(notified.map((m) => m.bucket));
    for (const bucket of inputs.applied.filter((b) => !moving.has(b))) {
      lines.push(`--moved-buckets-applied names ${bucket}, but no stack is held for it (it is not a bucket moving away from an intake queue of deployment stacks): ignored; check the name`);
    }
  }
  return { held, lines };
}

function verdict(move: BucketMove, inputs: MoveHoldInputs): Verdict {
  const { bucket, from, to } = move;
  const targets = inputs.targets.get(bucket) ?? { kind: 'unreadable', reason: 'not read' };
  if (targets.kind === 'gone') return { release: true, why: `bucket ${bucket} no longer exists, so nothing notifies ${from}'s intake queue for it` };

  const newQueue = sourceBuckets(inputs.desired.get(to) ?? '')?.notifiedBuckets.includes(bucket) === true ? queueName(to, bucket, 'events') : undefined;
  const deployedTo = sourceBuckets(inputs.deployed.get(to) ?? '');
  const ready = (newQueue !== undefined ? deployedTo?.notifiedBuckets : deployedTo?.sourceBuckets)?.includes(bucket) === true;
  const vouched = inputs.applied === true || (Array.isArray(inputs.applied) && inputs.applied.includes(bucket));
  const apply = `switchyard notifications apply --bucket ${bucket}`;
  const destination = newQueue !== undefined ? `${to}'s intake queue ${newQueue}` : `${to} (EventBridge)`;

  if (!ready) {
    const flag = vouched ? ` (--moved-buckets-applied names ${bucket}, but that queue did not exist before this run, so the bucket cannot notify it yet)` : '';
    return newQueue !== undefined
      ? { release: false, why: `${bucket} moves to ${to}, whose intake queue for it (${newQueue}) is not deployed yet: once ${to} is deployed, run ${apply}, then deploy again${flag}` }
      : { release: false, why: `${bucket} moves to ${to} (EventBridge), which is not deployed with it yet: once it is, run ${apply}, then deploy again${flag}` };
  }
  if (targets.kind === 'read') {
    const doomed = deletedQueues(from, inputs);
    const stale = targets.queues.filter((q) => doomed.includes(q));
    if (stale.length > 0) {
      const flag = vouched ? ` (--moved-buckets-applied names ${bucket}, but its notification configuration says otherwise)` : '';
      return { release: false, why: `${bucket} moved to ${to} but still notifies ${from}'s intake queue ${stale.join(', ')}, which this update would delete: run ${apply}, then deploy again${flag}` };
    }
    if (newQueue === undefined) return { release: true, why: `${bucket} no longer notifies ${from}'s intake queue` };
    if (targets.queues.includes(newQueue)) return { release: true, why: `${bucket} notifies ${destination}` };
    if (vouched) return { release: true, why: `${bucket} notifies neither queue, and --moved-buckets-applied releases it: until ${apply}, its events reach no Switchyard queue` };
    return {
      release: false,
      why: `${bucket} moved to ${to} but its notifications name neither ${from}'s intake queue nor ${newQueue}: run ${apply}, then deploy again (the intake queue takes S3 notifications from the bucket only); --moved-buckets-applied ${bucket} releases the stack without it`,
    };
  }
  if (vouched) return { release: true, why: `${bucket} notifies ${destination}, as --moved-buckets-applied says (deploy cannot read its configuration: ${targets.reason})` };
  return {
    release: false,
    why:
      `${bucket} moved to ${to}, and deploy cannot read its notification configuration (${targets.reason}): once it notifies ${destination} ` +
      `(${apply}, or the bucket owner applies bucket-config/${bucket}.notification.json), deploy again with --moved-buckets-applied ${bucket}`,
  };
}

/** The queues updating `move.from` deletes with the move: the bucket's intake queue there and its dead-letter queue. */
export function doomedQueues(move: BucketMove, inputs: Pick<MoveHoldInputs, 'desired' | 'deployed'>): string[] {
  const deleted = deletedQueues(move.from, inputs);
  return [queueName(move.from, move.bucket, 'events'), queueName(move.from, move.bucket, 'events-dlq')].filter((q) => deleted.includes(q));
}

/** The queue names updating `stack` deletes: in its deployed template, not in the one this run sends. */
export function deletedQueues(stack: string, inputs: Pick<MoveHoldInputs, 'desired' | 'deployed'>): string[] {
  const kept = queuesDeclared(inputs.desired.get(stack));
  return queuesDeclared(inputs.deployed.get(stack)).filter((q) => !kept.includes(q));
}

/** Why the doomed queues of these moves may not be deleted yet, or undefined when they are empty. */
function notDrained(moves: readonly BucketMove[], inputs: MoveHoldInputs): string | undefined {
  if (inputs.depths === undefined) return undefined;
  const depths = inputs.depths;
  const problems = moves.flatMap((move) => undrainedQueues(doomedQueues(move, inputs), depths).map((u) => u.problem));
  if (problems.length === 0) return undefined;
  return `${problems.join('; ')}: the update deletes ${problems.length === 1 ? 'that queue' : 'those queues'}, and every message in ${problems.length === 1 ? 'it' : 'them'} with ${problems.length === 1 ? 'it' : 'them'}. Let the function drain the intake queue and replay what is dead-lettered (switchyard replay), then deploy again`;
}

