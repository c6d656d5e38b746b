/**
 * `switchyard backfill`, in-process: list → manifest → parallel transfer through the route's
 * own copy action → validation → report (+ notification). The Step Functions Distributed Map
 * runs the same steps on AWS; this is the same code on one machine.
 */
import { UsageError, errorMessage } from '../errors.ts';
import type { CompiledRoute } from '../load/compiled-route.ts';
import type { PlannedSideEffect } from '../ports/plan.ts';
import type { Ports } from '../ports/types.ts';
import type { Log } from '../report/log.ts';
import { recordingWrites } from './dry-run-ports.ts';
import { hubWrite } from './hub-write.ts';
import { CheckpointRecorder, donePositions, readCheckpoint, type Checkpoint } from './checkpoint.ts';
import { copiesOfEarlierAttempts, copyRecorderFor } from './earlier-copies.ts';
import { listManifest, readManifest } from './list-manifest.ts';
import type { ManifestEntry } from './manifest-entry.ts';
import type { ManifestInput } from './manifest-input.ts';
import { DRY_RUN_MARKER, newRunId, runLocation, s3Uri, type RunLocation } from './location.ts';
import type { Progress } from './progress.ts';
import { buildReport, publishReport, writeReport, type BackfillReport } from './report.ts';
import type { ExpectedCopy } from './transfer-object.ts';
import { concurrencyFor, destinationIndex, transferAll, type TransferTotals } from './transfer.ts';
import { validateCopies, type ValidationResult } from './validate.ts';

export interface BackfillOptions {
  /** Narrows the route's source prefix (it may not widen it). */
  prefix?: string;
  concurrency?: number;
  /** Bytes; overrides the copy actions' multipartThreshold for this run. */
  multipartThreshold?: number;
  /** List and write the manifest; plan the copies without writing anything else. */
  dryRun?: boolean;
  log: Log;
  progress: Progress;
  /** Fixed run id (tests); a time-ordered one otherwise. */
  runId?: string;
  /** For the validation sample (tests). */
  random?: () => number;
  /** Carry on an earlier run (its id) from its manifest and checkpoint instead of starting a new one. */
  resume?: string;
  /** Where the objects come from: the source listing (default), an S3 Inventory report or a CSV manifest. */
  input?: ManifestInput;
  /** Checkpoint interval (tests). */
  checkpointIntervalMs?: number;
}

export interface PlannedTransfer {
  source: string;
  destination: string;
  method: 'copy' | 'multipart';
  bytes: number;
}

/** The run's counts (`copied`: in a dry run, the objects that would be copied) and where its files went. */
export interface BackfillSummary extends Pick<TransferTotals, 'copied' | 'skipped' | 'failed' | 'bytes' | 'attempts' | 'retries'> {
  route: string;
  runId: string;
  dryRun: boolean;
  status: 'succeeded' | 'failed';
  listed: number;
  excluded: number;
  durationMs: number;
  manifest: string;
  /** Absent in a dry run (no report is written). */
  report?: string;
  validation?: ValidationResult;
  /** SNS message id of the announcement, or why it could not be sent. */
  notification?: { topic: string; messageId?: string; error?: string };
  problems: string[];
  /** Dry run only: the copies that would be made. */
  planned?: PlannedTransfer[];
  /** Objects an earlier attempt of this run had already finished (`--resume`). */
  resumed?: number;
}

export async function runBackfill(route: CompiledRoute, ports: Ports, options: BackfillOptions): Promise<BackfillSummary> {
  const started = ports.clock.now();
  const runId = options.resume ?? options.runId ?? newRunId(started);
  const location = runLocation(route, runId);
  const sourcePrefix = effectivePrefix(route, options.prefix);
  const concurrency = concurrencyFor(route, options.concurrency);
  const { progress, log } = options;

  // Dry runs list through the recording ports below; every other run starts the destination listing beside the source's.
  const destinations = options.dryRun ? undefined : destinationIndex(route, ports.storage, sourcePrefix);
  // A new dry run's folder is a preview; a dry run of a resumed run looks at a real run's folder and marks nothing.
  if (options.dryRun && !options.resume) {
    const marker = JSON.stringify({ runId, dryRun: true, note: 'a dry run: its manifest is a preview, never resumed' });
    await hubWrite(ports, () => ports.storage.put(location.bucket, `${location.prefix}${DRY_RUN_MARKER}`, marker, 'application/json'));
  }
  const manifest = options.resume
    ? await hubWrite(ports, () => readManifest(ports, location))
    : await hubWrite(ports, () => listManifest(route, ports, { sourcePrefix, location, input: options.input ?? defaultInput(route), onPage: (n) => progress.listing(n) }));
  log.write('info', options.resume ? 'manifest read back' : 'manifest written', { route: route.name, runId, manifest: manifest.uri, objects: manifest.entries.length, excluded: manifest.excluded });
  for (const note of manifest.notes ?? []) {
    progress.note(note);
    log.write('warn', note, { route: route.name, runId });
  }

  const recorded = options.dryRun ? recordingWrites(ports) : undefined;
  const previous = options.resume ? await hubWrite(ports, () => readCheckpoint(ports, location)) : undefined;
  // Copies this run made before it stopped were written after its manifest (S3's clock for both).
  const resumedFrom = options.resume ? (await hubWrite(ports, () => ports.storage.head({ bucket: location.bucket, key: location.manifestKey })))?.lastModified : undefined;
  // A resumed manifest is only the objects to copy: what the first listing left out is in the checkpoint.
  const excluded = options.resume ? (previous?.excluded ?? manifest.excluded) : manifest.excluded;
  const already = donePositions(previous, manifest.entries.length);
  const copyRecorder = recorded ? undefined : copyRecorderFor(route, ports, location, previous, already, started);
  const checkpoint = recorded ? undefined : new CheckpointRecorder(ports, location, { runId, manifest: manifest.uri, total: manifest.entries.length, excluded }, log, previous, copyRecorder);
  const positions = new Map<ManifestEntry, number>();
  const todo = manifest.entries.filter((entry, position) => {
    positions.set(entry, position);
    return already[position] !== 1;
  });
  const resumed = manifest.entries.length - todo.length;
  if (options.resume) progress.note(`resuming run ${runId}: ${resumed} of ${manifest.entries.length} objects were already done`);
  progress.start(todo.length, todo.reduce((sum, e) => sum + e.size, 0));
  checkpoint?.start(options.checkpointIntervalMs);
  const counts = { done: 0, bytesDone: 0, copied: 0, skipped: 0, failed: 0, retries: 0 };
  let transferred: TransferTotals;
  try {
    transferred = await transferAll(route, recorded?.ports ?? ports, todo, {
      concurrency,
      log,
      destinationPrefix: sourcePrefix,
      ...(destinations ? { destinations } : {}),
      ...(options.multipartThreshold !== undefined ? { multipartThreshold: options.multipartThreshold } : {}),
      ...(resumedFrom ? { resumedFrom } : {}),
      onObject: (outcome) => {
        counts.done++;
        counts.bytesDone += outcome.entry.size;
        counts[outcome.status]++;
        counts.retries += outcome.retries;
        checkpoint?.finished(positions.get(outcome.entry) ?? -1, outcome);
        progress.update(counts);
      },
    });
  } finally {
    await checkpoint?.stop();
  }
  progress.finish();
  // A resumed run reports the whole run: what the earlier attempts finished counts too.
  const totals: TransferTotals = {
    ...transferred,
    copied: transferred.copied + (previous?.counts.copied ?? 0),
    skipped: transferred.skipped + (previous?.counts.skipped ?? 0),
    bytes: transferred.bytes + (previous?.counts.bytes ?? 0),
  };

  const common = {
    route: route.name,
    runId,
    dryRun: options.dryRun === true,
    listed: manifest.entries.length,
    excluded,
    copied: totals.copied,
    skipped: totals.skipped,
    failed: totals.failed,
    bytes: totals.bytes,
    attempts: totals.attempts,
    retries: totals.retries,
    manifest: manifest.uri,
    ...(options.resume ? { resumed } : {}),
  };
  if (recorded) {
    const problems = totals.failures.map((f) => `${f.key}: ${f.message}`);
    return { ...common, status: problems.length === 0 ? 'succeeded' : 'failed', durationMs: ports.clock.now().getTime() - started.getTime(), problems, planned: plannedTransfers(recorded.planned) };
  }

  const validateOptions = { manifestObjects: manifest.entries.length, sample: route.definition.batch?.validation?.sample, concurrency, random: options.random };
  const validation = options.resume
    ? await validateWholeRun(route, ports, { location, previous, entries: manifest.entries, done: already }, totals.copies, validateOptions)
    : await validateSafely(ports, totals.copies, validateOptions);
  const report = buildReport({
    route,
    runId,
    sourcePrefix,
    manifest: manifest.uri,
    report: s3Uri(location.bucket, location.reportKey),
    started,
    finished: ports.clock.now(),
    concurrency,
    listed: manifest.entries.length,
    excluded,
    totals,
    validation,
  });
  await hubWrite(ports, () => writeReport(ports, location.bucket, location.reportKey, report));
  log.write(report.status === 'succeeded' ? 'info' : 'error', `backfill ${report.status}`, { route: route.name, runId, report: report.report, problems: report.problems });
  const notification = await announce(route, ports, report, log);
  return { ...common, status: report.status, durationMs: report.durationMs, report: report.report, validation, problems: report.problems, ...(notification ? { notification } : {}) };
}

/** The route's own inventory (batch.inventory) when it has one, else a listing of the source. */
export function defaultInput(route: CompiledRoute): ManifestInput {
  const inventory = route.definition.batch?.inventory;
  return inventory !== undefined ? { kind: 'inventory', uri: inventory } : { kind: 'listing' };
}

/** The route's source prefix, or a narrower one given for this run. */
export function effectivePrefix(route: CompiledRoute, requested: string | undefined): string {
  const own = route.definition.source.prefix ?? '';
  if (requested === undefined || requested === '') return own;
  if (requested.startsWith(own)) return requested;
  if (own.startsWith(requested)) return own;
  throw new UsageError('SY302', `prefix '${requested}' is outside route ${route.name}'s source prefix '${own}': the route never takes those objects`);
}

export async function validateSafely(ports: Ports, copies: Parameters<typeof validateCopies>[1], options: Parameters<typeof validateCopies>[2]): Promise<ValidationResult> {
  try {
    return await validateCopies(ports, copies, options);
  } catch (error) {
    return { status: 'failed', manifestObjects: options.manifestObjects, expectedCopies: copies.length, foundCopies: 0, missing: [], sampled: 0, mismatches: [], error: errorMessage(error) };
  }
}

export async function announce(route: CompiledRoute, ports: Ports, report: BackfillReport, log: Log): Promise<BackfillSummary['notification']> {
  const topic = route.definition.batch?.notify?.sns;
  if (topic === undefined) return undefined;
  try {
    const messageId = await hubWrite(ports, () => publishReport(ports, topic, report));
    return { topic, messageId };
  } catch (error) {
    // The report is already in S3; a lost announcement must not turn a good run into a failed one.
    log.write('error', `the backfill report could not be announced on ${topic}: ${errorMessage(error)}`, { route: route.name, runId: report.runId, report: report.report });
    return { topic, error: errorMessage(error) };
  }
}

function plannedTransfers(planned: PlannedSideEffect[]): PlannedTransfer[] {
  return planned.flatMap((effect) =>
    effect.kind === 'copy'
      ? [{ source: s3Uri(effect.request.source.bucket, effect.request.source.key), destination: s3Uri(effect.request.destination.bucket, effect.request.destination.key), method: effect.method, bytes: effect.bytes ?? 0 }]
      : [],
  );
}

/** A resumed run's validation: this attempt's copies and its earlier attempts' (earlier-copies.ts), and how many objects of those it covered. */
async function validateWholeRun(
  route: CompiledRoute,
  ports: Ports,
  run: { location: RunLocation; previous: Checkpoint | undefined; entries: readonly ManifestEntry[]; done: Uint8Array },
  copies: readonly ExpectedCopy[],
  options: Parameters<typeof validateCopies>[2],
): Promise<ValidationResult> {
  let earlier: Awaited<ReturnType<typeof copiesOfEarlierAttempts>>;
  try {
    earlier = await copiesOfEarlierAttempts(route, ports, run.location, run.previous, run.entries, run.done);
  } catch (error) {
    const message = `the copies of the earlier attempts could not be read back: ${errorMessage(error)}`;
    return { status: 'failed', manifestObjects: options.manifestObjects, expectedCopies: copies.length, foundCopies: 0, missing: [], sampled: 0, mismatches: [], error: message };
  }
  const validation = await validateSafely(ports, [...earlier.copies, ...copies], options);
  return { ...validation, earlierAttempts: earlier.coverage };
}
