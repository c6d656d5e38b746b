/**
 * The batch route's steps as the Step Functions state machine calls them on the generic
 * Lambda (payloads: step-payloads.ts). They are the in-process backfill's own pieces — listing,
 * transfer, validation, report — with the state between them kept in S3 next to the manifest:
 * each transfer batch writes its result under `<run>/batches/`, validate and report read them back.
 */
import { createHash } from 'node:crypto';
import { ActionError, InputError, errorMessage } from '../errors.ts';
import type { CompiledRoute } from '../load/compiled-route.ts';
import type { Ports } from '../ports/types.ts';
import type { Log } from '../report/log.ts';
import { hubWrite } from './hub-write.ts';
import { RouteMatcher } from '../match/route-matcher.ts';
import { sourceAccess } from '../resolve/bindings.ts';
import { listManifest } from './list-manifest.ts';
import { inventoryManifest, inventoryObject } from './manifest-input.ts';
import { batchEvent, entryOf } from './manifest-entry.ts';
import { joinedBytes } from './chunked-text.ts';
import { runLocation, s3Uri, STEP_FUNCTIONS_ITEMS, type RunLocation } from './location.ts';
import type { ManifestEntry } from './manifest-entry.ts';
import { buildReport, writeReport } from './report.ts';
import { announce, effectivePrefix, validateSafely } from './run-backfill.ts';
import {
  BATCH_PAYLOAD,
  TRANSFER_ERRORS,
  type BatchPhaseInput,
  type ListPhaseInput,
  type ListPhaseOutput,
  type ReportPhaseInput,
  type ReportPhaseOutput,
  type TransferPhaseInput,
  type TransferPhaseOutput,
  type ValidatePhaseInput,
} from './step-payloads.ts';
import type { ExpectedCopy } from './transfer-object.ts';
import { concurrencyFor, transferAll, type TransferTotals } from './transfer.ts';
import type { ValidationResult } from './validate.ts';

/** Objects of one ItemBatcher batch worked on at once inside one invocation. */
const BATCH_OBJECT_CONCURRENCY = 10;

export function isBatchPayload(input: unknown): input is BatchPhaseInput {
  if (input === null || typeof input !== 'object') return false;
  const o = input as { switchyard?: unknown; BatchInput?: { switchyard?: unknown } };
  return o.switchyard === BATCH_PAYLOAD || o.BatchInput?.switchyard === BATCH_PAYLOAD;
}

/** A batch result file: one per ItemBatcher batch, overwritten when Step Functions retries the batch. */
interface BatchResult {
  items: number;
  /** Inventory rows that were not the route's (absent in results of listed runs). */
  excluded?: number;
  totals: TransferTotals;
}

export interface PhaseDeps {
  routes: readonly CompiledRoute[];
  ports: Ports;
  log: Log;
}

export async function runBatchPhase(input: BatchPhaseInput, deps: PhaseDeps): Promise<ListPhaseOutput | TransferPhaseOutput | ValidationResult | ReportPhaseOutput> {
  if ('Items' in input) return transferPhase(input, deps);
  switch (input.phase) {
    case 'list':
      return listPhase(input, deps);
    case 'validate':
      return validatePhase(input, deps);
    case 'report':
      return reportPhase(input, deps);
  }
}

function batchRoute(name: string, routes: readonly CompiledRoute[]): CompiledRoute {
  const route = routes.find((r) => r.name === name);
  if (!route) throw new InputError('SY310', `the state machine names route '${name}', which this deployment does not hold: deploy the routes again`);
  if (!route.definition.batch) throw new InputError('SY311', `route '${name}' has no batch section`);
  return route;
}

async function listPhase(input: ListPhaseInput, { routes, ports, log }: PhaseDeps): Promise<ListPhaseOutput> {
  const route = batchRoute(input.route, routes);
  const location = runLocation(route, input.runId);
  const sourcePrefix = effectivePrefix(route, input.input?.prefix);
  const itemsKey = `${location.prefix}${STEP_FUNCTIONS_ITEMS}`;
  const inventory = route.definition.batch?.inventory;
  if (inventory !== undefined) {
    // The Map reads the report itself (ItemReader MANIFEST): millions of rows never pass through here.
    const report = await inventoryManifest(ports.storage, inventory, sourceAccess(route));
    const manifest = s3Uri(report.bucket, report.key);
    log.write('info', 'batch run reads an S3 Inventory report', { route: route.name, runId: input.runId, manifest });
    return { runId: input.runId, manifest, itemsBucket: location.bucket, itemsKey, inventoryBucket: report.bucket, inventoryKey: report.key, count: 0, excluded: 0, sourcePrefix };
  }
  const manifest = await hubWrite(ports, () => listManifest(route, ports, { sourcePrefix, location }));
  // The Distributed Map's ItemReader takes a JSON array; the JSON-lines manifest stays the record.
  await hubWrite(ports, () => ports.storage.put(location.bucket, itemsKey, joinedBytes(manifest.entries, (entry) => JSON.stringify(entry), ',', '[', ']'), 'application/json'));
  log.write('info', 'batch manifest written', { route: route.name, runId: input.runId, manifest: manifest.uri, objects: manifest.entries.length });
  return { runId: input.runId, manifest: manifest.uri, itemsBucket: location.bucket, itemsKey, count: manifest.entries.length, excluded: manifest.excluded, sourcePrefix };
}

/**
 * A batch's items as manifest entries. Inventory rows (from the MANIFEST reader) of another
 * bucket, outside the run's prefix (`--prefix`, else the route's), or that the route's match rules leave out are not the route's:
 * they count as excluded, as the listing would have left them out.
 */
function batchEntries(route: CompiledRoute, items: TransferPhaseInput['Items'], sourcePrefix: string | undefined, now: Date): { entries: ManifestEntry[]; excluded: number } {
  const bucket = route.definition.source.bucket;
  const prefix = sourcePrefix ?? route.definition.source.prefix ?? '';
  const matcher = new RouteMatcher([route]);
  const entries: ManifestEntry[] = [];
  for (const item of items) {
    if ('key' in item) {
      entries.push(item);
      continue;
    }
    const object = inventoryObject(item, bucket);
    const entry = object && object.key.startsWith(prefix) && !object.key.endsWith('/') ? entryOf(object) : undefined;
    if (entry && matcher.candidates(batchEvent(bucket, entry, now)).length > 0) entries.push(entry);
  }
  return { entries, excluded: items.length - entries.length };
}

function batchResultKey(location: RunLocation, items: TransferPhaseInput['Items']): string {
  const id = createHash('sha256')
    .update(items.map((i) => ('key' in i ? i.key : (i.Key ?? ''))).join('\u0000'))
    .digest('hex')
    .slice(0, 32);
  return `${location.prefix}batches/${id}.json`;
}

async function transferPhase(input: TransferPhaseInput, { routes, ports, log }: PhaseDeps): Promise<TransferPhaseOutput> {
  const route = batchRoute(input.BatchInput.route, routes);
  const location = runLocation(route, input.BatchInput.runId);
  const { entries, excluded } = batchEntries(route, input.Items, input.BatchInput.sourcePrefix, ports.clock.now());
  const totals = await transferAll(route, ports, entries, { concurrency: Math.min(BATCH_OBJECT_CONCURRENCY, concurrencyFor(route)), log });
  const result: BatchResult = { items: entries.length, excluded, totals };
  await hubWrite(ports, () => ports.storage.put(location.bucket, batchResultKey(location, input.Items), JSON.stringify(result), 'application/json'));
  if (totals.failed > 0) throw batchFailure(totals);
  return { copied: totals.copied, skipped: totals.skipped, failed: totals.failed, bytes: totals.bytes };
}

/** Named so the state machine's Retry follows the seed's table (see TRANSFER_ERRORS). */
function batchFailure(totals: TransferTotals): Error {
  const classes = new Set(totals.failures.map((f) => f.failureClass));
  const name = classes.has('throttling')
    ? TRANSFER_ERRORS.throttled
    : [...classes].every((c) => ['access-denied', 'not-found', 'validation', 'config'].includes(c))
      ? TRANSFER_ERRORS.nonRetryable
      : TRANSFER_ERRORS.failed;
  const first = totals.failures[0];
  const error = new Error(`${totals.failed} object(s) of this batch failed; first: ${first ? `${first.key}: ${first.code}: ${first.message}` : 'unknown'}`);
  error.name = name;
  return error;
}

async function readBatchResults(ports: Ports, location: RunLocation): Promise<BatchResult[]> {
  const results: BatchResult[] = [];
  let token: string | undefined;
  do {
    const page = await ports.storage.list(location.bucket, `${location.prefix}batches/`, token);
    for (const object of page.objects) {
      const body = await ports.storage.getBody({ bucket: location.bucket, key: object.key });
      results.push(JSON.parse(body.toString('utf8')) as BatchResult);
    }
    token = page.nextToken;
  } while (token !== undefined);
  return results;
}

function sumTotals(results: BatchResult[]): TransferTotals {
  const sum: TransferTotals = { copied: 0, skipped: 0, failed: 0, bytes: 0, attempts: 0, retries: 0, notTaken: 0, failures: [], copies: [] };
  for (const { totals } of results) {
    sum.copied += totals.copied;
    sum.skipped += totals.skipped;
    sum.failed += totals.failed;
    sum.bytes += totals.bytes;
    sum.attempts += totals.attempts;
    sum.retries += totals.retries;
    sum.notTaken += totals.notTaken;
    sum.failures.push(...totals.failures);
    sum.copies.push(...(totals.copies as ExpectedCopy[]));
  }
  return sum;
}

async function validatePhase(input: ValidatePhaseInput, { routes, ports }: PhaseDeps): Promise<ValidationResult> {
  const route = batchRoute(input.route, routes);
  const location = runLocation(route, input.runId);
  const results = await readBatchResults(ports, location);
  const totals = sumTotals(results);
  return validateSafely(ports, totals.copies, {
    manifestObjects: results.reduce((n, r) => n + r.items, 0),
    sample: route.definition.batch?.validation?.sample,
    concurrency: BATCH_OBJECT_CONCURRENCY,
  });
}

async function reportPhase(input: ReportPhaseInput, { routes, ports, log }: PhaseDeps): Promise<ReportPhaseOutput> {
  const route = batchRoute(input.route, routes);
  const location = runLocation(route, input.runId);
  const state = input.state ?? {};
  let totals: TransferTotals;
  let results: BatchResult[];
  try {
    results = await readBatchResults(ports, location);
    totals = sumTotals(results);
  } catch (error) {
    throw new ActionError('BatchResultsUnreadable', `the batch results under s3://${location.bucket}/${location.prefix}batches/ could not be read: ${errorMessage(error)}`, 'unknown');
  }
  const report = buildReport({
    route,
    runId: input.runId,
    sourcePrefix: state.list?.sourcePrefix ?? route.definition.source.prefix ?? '',
    manifest: state.list?.manifest ?? '',
    report: s3Uri(location.bucket, location.reportKey),
    started: new Date(input.startedAt),
    finished: ports.clock.now(),
    concurrency: concurrencyFor(route),
    // An inventory run learns its counts from the batches, which alone saw the report's rows.
    listed: state.list?.inventoryKey !== undefined ? results.reduce((n, r) => n + r.items, 0) : (state.list?.count ?? 0),
    excluded: state.list?.inventoryKey !== undefined ? results.reduce((n, r) => n + (r.excluded ?? 0), 0) : (state.list?.excluded ?? 0),
    totals,
    ...(state.validation ? { validation: state.validation } : {}),
  });
  for (const [step, error] of [['listing', state.listError], ['transfer', state.transferError], ['validation', state.validateError]] as const) {
    if (error) report.problems.push(`${step} failed: ${error.Error ?? 'error'}: ${error.Cause ?? ''}`.trim());
  }
  if (!state.list) report.problems.push('no manifest was written, so nothing was transferred');
  if (report.problems.length > 0) report.status = 'failed';
  await hubWrite(ports, () => writeReport(ports, location.bucket, location.reportKey, report));
  await announce(route, ports, report, log);
  log.write(report.status === 'succeeded' ? 'info' : 'error', `batch run ${report.status}`, { route: route.name, runId: input.runId, report: report.report, problems: report.problems });
  return { status: report.status, report: report.report, problems: report.problems };
}
