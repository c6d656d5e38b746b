/**
 * One listed object through the route, exactly as an event for it would go: tag conditions
 * and `when`, then resolveRoute (destinations, allow-list, roles, KMS key), then executeStep
 * (runCopy with its retry policy; skip-existing makes a re-run copy nothing).
 */
import { executeStep, type ActionResult } from '../actions/execute.ts';
import { sourceReader, type PlannedCopy, type PlannedStep } from '../actions/planned-action.ts';
import { confirmByChecksum, contentOptionsFor, encryptionUnknown, SIZE_AND_TIME, sameContent } from '../actions/same-content.ts';
import { ActionError, errorMessage } from '../errors.ts';
import type { CompiledRoute } from '../load/compiled-route.ts';
import { failedTagCondition } from '../match/tag-conditions.ts';
import type { Access, Ports } from '../ports/types.ts';
import { routeBindings, sourceAccess, type LookupDeps } from '../resolve/bindings.ts';
import { evaluate } from '../resolve/evaluate.ts';
import { ObjectFacts } from '../resolve/object-facts.ts';
import { resolveRoute } from '../resolve/resolve-route.ts';
import type { Log } from '../report/log.ts';
import type { DestinationIndex } from './destination-index.ts';
import type { StaticDestination } from './static-destinations.ts';
import { batchEvent, listedHead, type ManifestEntry } from './manifest-entry.ts';

/** Where a copy of the object now is (or already was), for validation. */
export interface ExpectedCopy {
  bucket: string;
  key: string;
  access?: Access;
  size: number;
  eTag: string;
  /** The route makes the source or the copy SSE-KMS: the copy's ETag is not the source's. */
  kms?: boolean;
  /** Found at the destination by this run's listing (not copied by it): validation has nothing to add. */
  listed?: boolean;
}

export interface TransferFailure {
  key: string;
  destination?: string;
  code: string;
  message: string;
  failureClass: string;
  /** Why retrying stopped: not-retryable, retries-exhausted, deadline. */
  reason?: string;
  attempts: number;
}

export interface ObjectOutcome {
  entry: ManifestEntry;
  /** `skipped`: already at every destination, or not taken by the route's tag/when conditions. */
  status: 'copied' | 'skipped' | 'failed';
  /** Bytes copied for this object (0 when skipped). */
  bytes: number;
  attempts: number;
  retries: number;
  copies: ExpectedCopy[];
  failures: TransferFailure[];
  /** Why a skipped object was not taken by the route. */
  notTaken?: string;
}

export interface TransferObjectOptions {
  ports: Ports;
  deps: LookupDeps;
  log: Log;
  /** Overrides the copy actions' threshold for this run (`--multipart-threshold`). */
  multipartThreshold?: number;
  /** Answers skip-existing from a destination listing where it can. */
  destinations?: DestinationIndex;
  /** The route's destinations when they do not depend on the object (static-destinations.ts). */
  fixed?: StaticDestination[];
  /**
   * A resumed run: when its manifest was written. A copy the destination listing shows with the
   * source's content, written since, is this run's own from before it stopped, and is not made
   * again, with or without skipExisting (the checkpoint is saved every few seconds; the objects
   * finished after it are found this way).
   */
  resumedFrom?: Date;
}

export async function transferObject(route: CompiledRoute, entry: ManifestEntry, options: TransferObjectOptions): Promise<ObjectOutcome> {
  const { ports } = options;
  const outcome: ObjectOutcome = { entry, status: 'skipped', bytes: 0, attempts: 0, retries: 0, copies: [], failures: [] };
  const event = batchEvent(route.definition.source.bucket, entry, ports.clock.now());
  const facts = new ObjectFacts(event, ports.storage);
  const results: Array<{ step: PlannedStep; result: ActionResult; listed?: boolean }> = [];
  const everywhere = await alreadyEverywhere(entry, options);
  if (everywhere) return everywhere;
  try {
    if (route.tags.length > 0) {
      const failed = failedTagCondition(route.tags, await facts.tags(sourceAccess(route)));
      if (failed) return { ...outcome, notTaken: failed };
    }
    const bindings = await routeBindings(route, facts, options.deps);
    if (route.when && !(await evaluate(route.when, bindings, 'match.when'))) return { ...outcome, notTaken: 'match.when is false' };
    const resolution = await resolveRoute(route, event, bindings);
    for (const refusal of resolution.refused) {
      outcome.failures.push({ key: entry.key, destination: refusal.destination, code: 'DestinationRefused', message: refusal.reason, failureClass: 'config', attempts: 0 });
    }
    for (const planned of resolution.steps) {
      const known = await knownAtDestination(withThreshold(planned, options.multipartThreshold), { bucket: route.definition.source.bucket, entry }, options);
      if (known.result) {
        results.push({ step: known.step, result: known.result, listed: true });
        continue;
      }
      const step = known.step;
      const result = await executeStep(step, {
        ports,
        route: route.name,
        event,
        sourceHead: listedHead(entry),
        onRetry: (info) => options.log.write('warn', `retrying ${info.actionId} after ${info.failureClass} error`, { route: route.name, key: entry.key, ...info }),
      });
      results.push({ step, result });
    }
  } catch (error) {
    const e = error instanceof ActionError ? error : new ActionError('UnexpectedError', errorMessage(error), 'unknown');
    outcome.failures.push({ key: entry.key, code: e.code, message: e.message, failureClass: e.failureClass, attempts: 1 });
  }
  return settle(outcome, results);
}

/**
 * Skip-existing decided from the destination listing (same-content.ts): the same content is a
 * skip with no request at all; a missing key or other content needs no HeadObject before the
 * copy. Only a key outside the listing goes through runCopy's own HeadObject check. With
 * `skipExisting: checksum`, a verdict of size and time alone is put to the destination's
 * HeadObject and the checksums first; if that read fails, runCopy makes the same check under the
 * action's retry policy, and a failure there is this destination's alone.
 */
async function knownAtDestination(
  step: PlannedStep,
  source: { bucket: string; entry: ManifestEntry },
  options: TransferObjectOptions,
): Promise<{ step: PlannedStep; result?: ActionResult }> {
  const action = step.action;
  const index = options.destinations;
  if (!index || action.type !== 'copy') return { step };
  if (!action.skipExisting) return options.resumedFrom ? copiedBeforeTheStop(step, action, source.entry, index, options.resumedFrom) : { step };
  const known = await index.lookup(action.bucket, action.key, action.destinationAccess);
  if (known.state === 'unknown') return { step };
  const contentOptions = contentOptionsFor(action);
  let same = known.state === 'present' ? sameContent(source.entry, known, contentOptions) : undefined;
  // Only the destination's HeadObject can tell other content from a bucket-default SSE-KMS key: runCopy's check reads it.
  if (known.state === 'present' && !same && encryptionUnknown(source.entry, known, contentOptions)) return { step };
  if (same === SIZE_AND_TIME && action.skipExisting === 'checksum') {
    try {
      same = await confirmByChecksum(
        options.ports.storage,
        { ref: { bucket: source.bucket, key: source.entry.key }, access: sourceReader(action), facts: source.entry },
        { ref: { bucket: action.bucket, key: action.key }, access: action.destinationAccess },
        contentOptions,
      );
    } catch {
      return { step };
    }
  }
  if (!same) return { step: { ...step, action: { ...action, skipExisting: false } } };
  return { step, result: skippedByListing(action, `${same} already at the destination (listing)`) };
}

/** Without skipExisting, a resumed run still does not copy twice what it copied before it stopped. */
async function copiedBeforeTheStop(step: PlannedStep, action: PlannedCopy, entry: ManifestEntry, index: DestinationIndex, resumedFrom: Date): Promise<{ step: PlannedStep; result?: ActionResult }> {
  const known = await index.lookup(action.bucket, action.key, action.destinationAccess);
  if (known.state !== 'present' || known.lastModified === undefined || new Date(known.lastModified) < resumedFrom) return { step };
  const same = sameContent(entry, known, contentOptionsFor(action));
  return same ? { step, result: skippedByListing(action, `copied by this run before it stopped (${same})`) } : { step };
}

function skippedByListing(action: PlannedCopy, detail: string): ActionResult {
  return { actionId: action.actionId, type: 'copy', destination: `s3://${action.bucket}/${action.key}`, outcome: 'skipped', attempts: 0, durationMs: 0, detail };
}

/** A re-run's shortcut: the listing shows the object at every fixed destination already, so the route is not evaluated for it. */
async function alreadyEverywhere(entry: ManifestEntry, options: TransferObjectOptions): Promise<ObjectOutcome | undefined> {
  const { fixed, destinations } = options;
  if (!fixed || !destinations) return undefined;
  const copies: ExpectedCopy[] = [];
  for (const destination of fixed) {
    const known = await destinations.lookup(destination.bucket, entry.key, destination.access);
    const same = known.state === 'present' ? sameContent(entry, known, { kms: destination.kms }) : undefined;
    // Size and time alone do not do for `skipExisting: checksum`: the step's own check reads the checksums.
    if (!same || (same === SIZE_AND_TIME && destination.confirmByChecksum)) return undefined;
    copies.push({ ...copyAt(destination, entry), listed: true });
  }
  return { entry, status: 'skipped', bytes: 0, attempts: 0, retries: 0, copies, failures: [] };
}

/** The copy of `entry` a fixed destination holds (or should). */
export function copyAt(destination: StaticDestination, entry: ManifestEntry): ExpectedCopy {
  return { bucket: destination.bucket, key: entry.key, ...(destination.access ? { access: destination.access } : {}), size: entry.size, eTag: entry.eTag, ...(destination.kms ? { kms: true } : {}) };
}

function settle(outcome: ObjectOutcome, results: Array<{ step: PlannedStep; result: ActionResult; listed?: boolean }>): ObjectOutcome {
  const { entry } = outcome;
  let copiedAny = false;
  for (const { step, result, listed } of results) {
    outcome.attempts += result.attempts;
    outcome.retries += Math.max(0, result.attempts - 1);
    if (result.outcome === 'failed') {
      const error = result.error ?? { code: 'UnexpectedError', message: 'failed without an error', failureClass: 'unknown' };
      outcome.failures.push({ key: entry.key, destination: result.destination, ...error, attempts: result.attempts });
      continue;
    }
    const action = step.action;
    if (action.type !== 'copy') continue;
    outcome.copies.push({
      bucket: action.bucket,
      key: action.key,
      ...(action.destinationAccess ? { access: action.destinationAccess } : {}),
      size: entry.size,
      eTag: entry.eTag,
      ...(contentOptionsFor(action).kms ? { kms: true } : {}),
      ...(listed ? { listed } : {}),
    });
    if (result.outcome === 'succeeded') {
      copiedAny = true;
      outcome.bytes += entry.size;
    }
  }
  outcome.status = outcome.failures.length > 0 ? 'failed' : copiedAny ? 'copied' : 'skipped';
  return outcome;
}

/**
 * A run-wide threshold replaces the action's. The part size follows it down (S3 raises it to
 * 5 MiB at least), so an object just above a lowered threshold really is copied in parts.
 */
export function withThreshold(step: PlannedStep, threshold: number | undefined): PlannedStep {
  if (threshold === undefined || step.action.type !== 'copy') return step;
  return { ...step, action: { ...step.action, multipartThreshold: threshold, partSize: Math.min(step.action.partSize, threshold) } };
}
