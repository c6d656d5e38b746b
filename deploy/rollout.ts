/**
 * Deploying many stacks: wave by wave (the core, then the shards), each stack through its
 * own change set, at most `concurrency` at once. Stacks whose template, parameters and tags
 * are already deployed are left alone. A stack that fails rolls back on its own (CloudFormation
 * does that per stack) and the others carry on; a stack that needs a failed one is skipped.
 * Stacks of the deployment whose routes are all gone are deleted last, and only when every
 * other stack succeeded and the person confirmed (or passed --yes).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { mapLimit } from '../engine/limiter.ts';
import type { DesiredStack } from './desired-stack.ts';
import { DeployError, reasonOf } from './errors.ts';
import { countResources, type ExistingStack } from './existing-stacks.ts';
import { allSucceeded, type StackOutcome } from './outcome-table.ts';
import { prefixedOutput } from './prefixed-output.ts';
import { deleteStack, executeChangeSet } from './progress.ts';
import { discardProposal, printProposal, proposeStack, type Proposal, type StackWork } from './stack-proposal.ts';
import { stackState } from './stack-state.ts';
import { bucketMoves, describeMoves, type BucketMove } from './bucket-moves.ts';
import { doomedQueues, moveHolds } from './move-holds.ts';
import { depthsOf, type QueueDepths } from './queue-depths.ts';
import { targetsOf, type NotifiedQueues } from './notified-queues.ts';
import { nameReleases, QUEUE_NAME_COOLDOWN_MS, queueNames } from './name-moves.ts';
import { retiredQueueHolds, retiredQueues } from './retired-queues.ts';
import { deploymentWaves } from './waves.ts';

export interface Rollout {
  /** The deployment's name: the value of every stack's switchyard:deployment tag. */
  deployment: string;
  stacks: DesiredStack[];
  /** The deployment's stacks that exist now, by name. */
  existing: Map<string, ExistingStack>;
  work: StackWork;
  concurrency: number;
  /** Execute and delete without asking. */
  yes: boolean;
  /**
   * The operator's word that moving buckets notify their new intake queues (--moved-buckets-applied):
   * true for every bucket, or the buckets named. Taken only where the bucket's configuration cannot be read (move-holds.ts).
   */
  movedBucketsApplied?: boolean | readonly string[];
  /** Reads what moving buckets notify now; absent, every bucket counts as unreadable. */
  notifiedQueues?: NotifiedQueues;
  /** Counts the messages left in the queues a released stack would delete; absent, they are not checked. */
  queueDepths?: QueueDepths;
  /** Asks a yes/no question; undefined when there is nobody to ask. */
  confirm: ((question: string) => Promise<boolean>) | undefined;
  /** Time and waiting (the queue-name cooldown); the real clock when absent. */
  clock?: RolloutClock;
}

export interface RolloutClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: RolloutClock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

type Changes = Extract<Proposal, { kind: 'changes' }>;

const SUCCEEDED = new Set(['create', 'update', 'unchanged']);

/** Deploys every stack and deletes the orphaned ones; one outcome per stack, in deployment order then deletions. */
export async function deployStacks(rollout: Rollout): Promise<StackOutcome[]> {
  const outcomes = new Map<string, StackOutcome>();
  const { stacks, heldByOrphans, waitsForOrphans, held, releases } = await orderedByNameReleases(rollout);
  const cooldown = queueCooldown(rollout, releases);
  // An orphan holding a name another stack takes over must go first (a shard merged back).
  const early = orphansOf(rollout).filter((o) => heldByOrphans.has(o.name) && !held.has(o.name));
  for (const o of orphansOf(rollout).filter((o) => heldByOrphans.has(o.name) && held.has(o.name))) {
    for (const kept of await deleteOrphans(rollout, [o], held.get(o.name))) outcomes.set(kept.stack, kept);
  }
  if (early.length > 0) {
    rollout.work.out.stderr(`${listNames(early)} hold${early.length === 1 ? 's' : ''} names (${[...new Set(early.flatMap((o) => heldByOrphans.get(o.name) ?? []))].join(', ')}) that other stacks take over, so ${early.length === 1 ? 'it is' : 'they are'} deleted first.`);
    for (const o of await deleteOrphans(rollout, early, undefined)) {
      outcomes.set(o.stack, o);
      cooldown.finished(o);
    }
  }
  let declined = false;
  for (const wave of deploymentWaves(stacks)) {
    const ready: DesiredStack[] = [];
    for (const stack of wave) {
      const blockers = stack.dependsOn.filter((d) => !SUCCEEDED.has(outcomes.get(d)?.action ?? ''));
      const holders = (waitsForOrphans.get(stack.name) ?? []).filter((o) => outcomes.get(o)?.action !== 'delete');
      const holding = held.get(stack.name);
      if (declined) outcomes.set(stack.name, skipped(stack.name, rollout, 'not executed: the change sets were not confirmed'));
      else if (holding !== undefined) outcomes.set(stack.name, skipped(stack.name, rollout, holding));
      else if (holders.length > 0) outcomes.set(stack.name, skipped(stack.name, rollout, `not deployed: ${holders.join(', ')} still hold${holders.length === 1 ? 's' : ''} names it takes over and ${holders.length === 1 ? 'was' : 'were'} not deleted`));
      else if (blockers.length > 0) outcomes.set(stack.name, skipped(stack.name, rollout, `not deployed: it needs ${blockers.join(', ')}, which did not deploy`));
      else ready.push(stack);
    }
    const proposals = await proposeAll(rollout, ready);
    const changes = proposals.filter((p): p is Changes => p.kind === 'changes');
    for (const p of proposals) if (p.kind !== 'changes') outcomes.set(p.stack.name, proposalOutcome(p));
    if (changes.length === 0) continue;

    if (!(await confirmed(rollout, changes))) {
      declined = true;
      for (const p of changes) outcomes.set(p.stack.name, { ...proposalOutcome(p), action: 'skipped', reason: 'not executed: the change set was not confirmed' });
      rollout.work.out.stderr('Not executed: the change sets were deleted; nothing more is deployed.');
      continue;
    }
    // Stacks that must wait out a queue name's cooldown go last, so they hold no slot others could use.
    const byReadiness = [...changes].sort((a, b) => cooldown.readyAt(a.stack.name) - cooldown.readyAt(b.stack.name));
    const executed = await mapLimit(byReadiness, rollout.concurrency, async (p) => {
      await cooldown.before(p.stack.name);
      return cooldown.finished(await execute(rollout.work, p));
    });
    for (const outcome of executed) outcomes.set(outcome.stack, outcome);
  }
  const deployed = rollout.stacks.map((s) => outcomes.get(s.name)).filter((o): o is StackOutcome => o !== undefined);
  const earlyOutcomes = orphansOf(rollout)
    .filter((o) => heldByOrphans.has(o.name))
    .map((o) => outcomes.get(o.name))
    .filter((o): o is StackOutcome => o !== undefined);
  const rest = orphansOf(rollout).filter((o) => !heldByOrphans.has(o.name));
  const onlyHeld = deployed.every((o) => SUCCEEDED.has(o.action) || held.has(o.stack));
  const keptBecause = allSucceeded(deployed)
    ? undefined
    : onlyHeld
      ? `kept: ${[...held.keys()].join(', ')} ${held.size === 1 ? 'is' : 'are'} held; the held stacks' reasons say what to do before deploying again`
      : 'kept: another stack of the deployment did not deploy; deploy again once it does';
  const kept = await Promise.all(rest.filter((o) => held.has(o.name)).map((o) => deleteOrphans(rollout, [o], held.get(o.name))));
  return [...earlyOutcomes, ...deployed, ...kept.flat(), ...(await deleteOrphans(rollout, rest.filter((o) => !held.has(o.name)), keptBecause))];
}

/**
 * The stacks with one more dependency for every name they take over from another stack of the
 * deployment (that stack must give it up first) and for every source bucket they give to another
 * (that stack must take it over first, bucket-moves.ts); the orphans holding such names (deleted
 * before the waves) and which stacks wait for them; the stacks held because a moving bucket
 * may still notify them (move-holds.ts, after reading what each moving bucket notifies).
 */
async function orderedByNameReleases(
  rollout: Rollout,
): Promise<{ stacks: DesiredStack[]; heldByOrphans: Map<string, string[]>; waitsForOrphans: Map<string, string[]>; held: Map<string, string>; releases: ReturnType<typeof nameReleases> }> {
  const desired = new Set(rollout.stacks.map((s) => s.name));
  const deployed = deployedTemplates(rollout);
  const releases = nameReleases(rollout.stacks, deployed);
  const heldByOrphans = new Map<string, string[]>();
  const waitsForOrphans = new Map<string, string[]>();
  const withNames = rollout.stacks.map((stack) => {
    const holders = [...(releases.get(stack.name) ?? new Map<string, string[]>())];
    for (const [holder, names] of holders.filter(([h]) => !desired.has(h))) {
      heldByOrphans.set(holder, [...(heldByOrphans.get(holder) ?? []), ...names]);
      waitsForOrphans.set(stack.name, [...(waitsForOrphans.get(stack.name) ?? []), holder]);
    }
    const before = holders.map(([h]) => h).filter((h) => desired.has(h) && !stack.dependsOn.includes(h));
    return before.length > 0 ? { ...stack, dependsOn: [...stack.dependsOn, ...before] } : stack;
  });
  const moves = planMoves(withNames, deployed, releases);
  const notified = moves.followed.filter((m) => m.notified);
  const targets = await targetsOf(rollout.notifiedQueues, notified.map((m) => m.bucket), rollout.concurrency);
  const desiredBodies = new Map(rollout.stacks.map((s) => [s.name, s.body]));
  const doomed = notified.flatMap((m) => doomedQueues(m, { desired: desiredBodies, deployed }));
  const orphans = new Set(orphansOf(rollout).map((o) => o.name));
  const retired = retiredQueues({ desired: desiredBodies, deployed }, [...desired, ...orphans]);
  const depths = rollout.queueDepths === undefined ? undefined : await depthsOf(rollout.queueDepths, [...doomed, ...[...retired.values()].flat().map((q) => q.name)], rollout.concurrency);
  const holds = moveHolds({ moves: notified, desired: desiredBodies, deployed, targets, applied: rollout.movedBucketsApplied ?? false, ...(depths ? { depths } : {}) });
  for (const line of [...moves.lines, ...holds.lines]) rollout.work.out.stderr(line);
  const held = new Map(holds.held);
  for (const [stack, why] of depths === undefined ? [] : retiredQueueHolds(retired, depths, orphans)) held.set(stack, held.has(stack) ? `${held.get(stack) ?? ''}; and ${why.replace(/^(held|kept): /, '')}` : why);
  holdNameHolders(held, releases, orphans);
  return { stacks: moves.stacks, heldByOrphans, waitsForOrphans, held, releases };
}

/**
 * A stack that gives names up to a held stack is held too (an orphan is kept): giving them up now
 * would leave them in no stack until the held one deploys — an owned queue gone, a route's
 * resources nowhere. Repeated until nothing more is held, since a holder may take names itself.
 */
function holdNameHolders(held: Map<string, string>, releases: ReturnType<typeof nameReleases>, orphans: ReadonlySet<string>): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const [taker, byHolder] of releases) {
      if (!held.has(taker)) continue;
      for (const [holder, names] of byHolder) {
        if (held.has(holder)) continue;
        held.set(holder, `${orphans.has(holder) ? 'kept' : 'held'}: ${taker} takes over ${names.join(', ')} from it and is held itself (see its reason); giving ${names.length === 1 ? 'it' : 'them'} up before ${taker} deploys would leave ${names.length === 1 ? 'it' : 'them'} in no stack`);
        changed = true;
      }
    }
  }
}

/**
 * A queue that moves to another stack is deleted by the stack giving it up and created by the
 * stack taking it over, and SQS refuses the name for a minute after the deletion
 * (`QueueDeletedRecently`): CloudFormation would fail the new stack and roll it back. So the stack
 * taking a queue name over waits until the cooldown has passed since the stack giving it up
 * finished, and says so.
 */
function queueCooldown(rollout: Rollout, releases: ReturnType<typeof nameReleases>): { finished(outcome: StackOutcome): StackOutcome; readyAt(stack: string): number; before(stack: string): Promise<void> } {
  const clock = rollout.clock ?? REAL_CLOCK;
  const finishedAt = new Map<string, number>();
  const released = (stack: string): Array<{ holder: string; at: number; queues: string[] }> =>
    [...(releases.get(stack) ?? new Map<string, string[]>())].flatMap(([holder, names]) => {
      const at = finishedAt.get(holder);
      const queues = queueNames(names);
      return at !== undefined && queues.length > 0 ? [{ holder, at, queues }] : [];
    });
  const readyAt = (stack: string): number => Math.max(0, ...released(stack).map((r) => r.at + QUEUE_NAME_COOLDOWN_MS));
  return {
    finished(outcome) {
      if (outcome.action === 'update' || outcome.action === 'delete') finishedAt.set(outcome.stack, clock.now());
      return outcome;
    },
    readyAt,
    async before(stack) {
      const waitMs = readyAt(stack) - clock.now();
      if (waitMs <= 0) return;
      const what = released(stack).map((r) => `${r.queues.join(', ')} (deleted by ${r.holder})`).join('; ');
      prefixedOutput(rollout.work.out, stack).stderr(`Waiting ${Math.ceil(waitMs / 1000)} s before creating ${what}: SQS refuses a queue's name for 60 s after the queue is deleted (QueueDeletedRecently).`);
      await clock.sleep(waitMs);
    },
  };
}

function deployedTemplates(rollout: Rollout): Map<string, string> {
  return new Map([...rollout.existing.values()].filter((e) => e.template !== undefined).map((e) => [e.name, e.template as string]));
}

/**
 * The order bucket moves ask for (bucket-moves.ts): the stack a bucket moves to goes first, and
 * the moves deployed in that order (`followed`) may hold the stacks they leave (move-holds.ts).
 * Where names force the other order (an owned queue moving with its route: the stack giving the
 * name up first), or where buckets move both ways so that no order serves every move, the stacks
 * go in the order names allow, nothing is held (holding would block the stack that creates the
 * new queue), and the operator is told that the moving buckets' events are missed until they are
 * re-pointed.
 */
function planMoves(stacks: DesiredStack[], deployed: ReadonlyMap<string, string>, releases: ReturnType<typeof nameReleases>): { stacks: DesiredStack[]; followed: BucketMove[]; lines: string[] } {
  const moves = bucketMoves(stacks, deployed);
  const forcedByNames = (m: BucketMove): boolean => releases.get(m.to)?.has(m.from) === true;
  const ordered = stacks.map((stack) => {
    const gaining = moves.filter((m) => m.from === stack.name && !forcedByNames(m)).map((m) => m.to);
    const before = [...new Set(gaining)].filter((to) => to !== stack.name && stacks.some((s) => s.name === to) && !stack.dependsOn.includes(to));
    return before.length > 0 ? { ...stack, dependsOn: [...stack.dependsOn, ...before] } : stack;
  });
  if (!hasCycle(ordered)) {
    const followed = moves.filter((m) => !forcedByNames(m));
    const forced = moves.filter(forcedByNames);
    return { stacks: ordered, followed, lines: [...describeMoves(followed), ...describeUnordered(forced, 'a name it takes over from the stack the bucket leaves')] };
  }
  return { stacks, followed: [], lines: describeUnordered(moves, 'buckets move both ways between stacks, so no order serves every move') };
}

function hasCycle(stacks: DesiredStack[]): boolean {
  try {
    deploymentWaves(stacks);
    return false;
  } catch (error) {
    if (error instanceof DeployError && error.code === 'InvalidDeployment') return true;
    throw error;
  }
}

/** Moves deployed in the order names allow, not the safe one: what the operator must do at once. */
function describeUnordered(moves: readonly BucketMove[], why: string): string[] {
  return moves.map(
    (m) =>
      `bucket ${m.bucket} moves from ${m.from} to ${m.to}, and ${m.to} cannot be deployed first (${why}): ` +
      (m.notified
        ? `from ${m.from}'s update until the bucket notifies ${m.to}'s intake queue, its events are lost. Run switchyard notifications apply --bucket ${m.bucket} as soon as ${m.to} is deployed`
        : `its events are missed between ${m.from}'s update and ${m.to}'s. Re-drive that window with a backfill if it matters`),
  );
}

/** The change set of every stack, each deleted again; stacks whose routes are all gone are listed as deletions. Nothing is changed. */
export async function diffStacks(rollout: Rollout): Promise<StackOutcome[]> {
  const outcomes: StackOutcome[] = [];
  const { held } = await orderedByNameReleases(rollout);
  for (const [stack, why] of held) rollout.work.out.stderr(`Stack ${stack} would be ${why}`);
  for (const wave of deploymentWaves(rollout.stacks)) {
    const proposals = await proposeAll(rollout, wave);
    const changes = proposals.filter((p): p is Changes => p.kind === 'changes');
    await mapLimit(changes, rollout.concurrency, (p) => discardProposal(rollout.work, p));
    outcomes.push(...proposals.map(proposalOutcome));
  }
  const orphans = orphansOf(rollout);
  const kept = orphans.filter((o) => held.has(o.name));
  const doomed = orphans.filter((o) => !held.has(o.name));
  for (const stack of doomed) rollout.work.out.stdout(`\nStack ${stack.name} (delete): its routes are all gone; deploy would delete it and its resources.`);
  const counted = await mapLimit(doomed, rollout.concurrency, async (stack) => ({ stack, resources: await countResources(rollout.work.cfn, stack.stackId) }));
  return [
    ...outcomes,
    ...kept.map((stack) => ({ stack: stack.name, action: 'skipped' as const, resourcesChanged: 0, status: stack.status, reason: held.get(stack.name) ?? '' })),
    ...counted.map(({ stack, resources }) => ({ stack: stack.name, action: 'delete' as const, resourcesChanged: resources, status: stack.status, reason: '' })),
  ];
}

/** Change sets for a wave, under the bound; the tables are printed in deployment order once all are in. */
async function proposeAll(rollout: Rollout, stacks: DesiredStack[]): Promise<Proposal[]> {
  const proposals = await mapLimit(stacks, rollout.concurrency, (stack) => proposeStack(rollout.work, stack, rollout.existing.get(stack.name)));
  const { out } = rollout.work;
  for (const p of proposals) {
    if (p.kind === 'changes') printProposal(out, p);
    if (p.kind === 'failed') out.stderr(`Stack ${p.stack.name}: no change set: ${p.reason}`);
  }
  const unchanged = proposals.filter((p) => p.kind === 'unchanged').length;
  if (unchanged > 0) out.stderr(`${unchanged} stack${unchanged === 1 ? '' : 's'} unchanged (template, parameters and code as deployed): left alone.`);
  return proposals;
}

async function confirmed(rollout: Rollout, changes: Changes[]): Promise<boolean> {
  if (rollout.yes) return true;
  if (rollout.confirm === undefined) {
    await mapLimit(changes, rollout.concurrency, (p) => discardProposal(rollout.work, p));
    throw new DeployError('ConfirmationRequired', 'no terminal to ask for confirmation: run again with --yes to execute the change sets shown above (nothing was deployed)');
  }
  const approved = await rollout.confirm(changes.length === 1 ? `Execute the change set on stack ${changes[0]?.stack.name}?` : `Execute the ${changes.length} change sets shown above?`);
  if (!approved) await mapLimit(changes, rollout.concurrency, (p) => discardProposal(rollout.work, p));
  return approved;
}

async function execute(work: StackWork, p: Changes): Promise<StackOutcome> {
  const out = prefixedOutput(work.out, p.stack.name);
  const row = { stack: p.stack.name, resourcesChanged: p.changes.length };
  out.stderr(`Executing the change set (${p.action}, ${p.changes.length} resource change${p.changes.length === 1 ? '' : 's'})…`);
  try {
    const result = await executeChangeSet(work.cfn, p.changeSet, out, work.wait);
    if (!result.ok) return { ...row, action: 'failed', status: result.status, reason: result.reason ?? `stack is ${result.status}` };
    out.stderr(`Stack ${p.stack.name} is ${result.status}.`);
    return { ...row, action: p.action, status: result.status, reason: '' };
  } catch (error) {
    out.stderr(`Deployment failed: ${reasonOf(error)}`);
    return { ...row, action: 'failed', status: await statusNow(work, p.stack.name), reason: reasonOf(error) };
  }
}

async function deleteOrphans(rollout: Rollout, orphans: ExistingStack[], keptBecause: string | undefined): Promise<StackOutcome[]> {
  if (orphans.length === 0) return [];
  const row = (stack: ExistingStack): Omit<StackOutcome, 'action' | 'reason'> => ({ stack: stack.name, resourcesChanged: 0, status: stack.status });
  if (keptBecause !== undefined) {
    for (const s of orphans) rollout.work.out.stderr(`Stack ${s.name} is not deleted: ${keptBecause.replace(/^kept: /, '')}`);
    return orphans.map((s) => ({ ...row(s), action: 'skipped', reason: keptBecause }));
  }
  return deleteConfirmed(rollout, orphans, row);
}

async function deleteConfirmed(rollout: Rollout, orphans: ExistingStack[], row: (stack: ExistingStack) => Omit<StackOutcome, 'action' | 'reason'>): Promise<StackOutcome[]> {
  const { out } = rollout.work;

  const these = orphans.length === 1 ? `stack ${orphans[0]?.name}` : `these ${orphans.length} stacks`;
  out.stdout('');
  out.stdout(`Stacks of deployment ${rollout.deployment} whose routes are all gone (deleting one deletes its resources, queued messages included):`);
  for (const stack of orphans) out.stdout(`  ${stack.name}  (${stack.kind === 'legacy' ? 'the single stack of an earlier Switchyard' : (stack.kind ?? 'unknown kind')}, ${stack.status})`);
  if (!rollout.yes) {
    if (rollout.confirm === undefined) {
      throw new DeployError('ConfirmationRequired', `no terminal to ask before deleting ${these}: run again with --yes to delete ${orphans.length === 1 ? 'it' : 'them'} (nothing was deleted)`);
    }
    if (!(await rollout.confirm(`Delete ${these}?`))) {
      out.stderr('Not deleted: the stacks are kept; they still route nothing new, but their resources stay until you delete them.');
      return orphans.map((s) => ({ ...row(s), action: 'skipped', reason: 'kept: deletion not confirmed' }));
    }
  }
  // Shards import from the core: delete them first.
  const waves = [orphans.filter((s) => s.kind !== 'core'), orphans.filter((s) => s.kind === 'core')];
  const outcomes: StackOutcome[] = [];
  for (const wave of waves) {
    outcomes.push(
      ...(await mapLimit(wave, rollout.concurrency, async (stack): Promise<StackOutcome> => {
        const stackOut = prefixedOutput(out, stack.name);
        try {
          const resources = await countResources(rollout.work.cfn, stack.stackId);
          stackOut.stderr(`Deleting the stack (${resources} resource${resources === 1 ? '' : 's'})…`);
          const result = await deleteStack(rollout.work.cfn, stack, stackOut, rollout.work.wait);
          return result.ok ? { ...row(stack), resourcesChanged: resources, action: 'delete', status: result.status, reason: '' } : { ...row(stack), resourcesChanged: resources, action: 'failed', status: result.status, reason: result.reason ?? `stack is ${result.status}` };
        } catch (error) {
          stackOut.stderr(`Deletion failed: ${reasonOf(error)}`);
          return { ...row(stack), action: 'failed', reason: reasonOf(error) };
        }
      })),
    );
  }
  return outcomes;
}

/** The deployment's existing stacks that the routes no longer need, shards before the core, by name. */
function orphansOf(rollout: Rollout): ExistingStack[] {
  const wanted = new Set(rollout.stacks.map((s) => s.name));
  return [...rollout.existing.values()].filter((s) => !wanted.has(s.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function listNames(stacks: ExistingStack[]): string {
  return stacks.length === 1 ? `Stack ${stacks[0]?.name}` : `Stacks ${stacks.map((s) => s.name).join(', ')}`;
}

function proposalOutcome(p: Proposal): StackOutcome {
  switch (p.kind) {
    case 'unchanged':
      return { stack: p.stack.name, action: 'unchanged', resourcesChanged: 0, status: p.status, reason: '' };
    case 'failed':
      return { stack: p.stack.name, action: 'failed', resourcesChanged: 0, status: p.status, reason: p.reason };
    case 'changes':
      return { stack: p.stack.name, action: p.action, resourcesChanged: p.changes.length, status: p.status, reason: '' };
  }
}

function skipped(name: string, rollout: Rollout, reason: string): StackOutcome {
  return { stack: name, action: 'skipped', resourcesChanged: 0, status: rollout.existing.get(name)?.status ?? '-', reason };
}

async function statusNow(work: StackWork, stackName: string): Promise<string> {
  try {
    const state = await stackState(work.cfn, stackName);
    return state.exists ? state.status : '-';
  } catch {
    return 'unknown';
  }
}
