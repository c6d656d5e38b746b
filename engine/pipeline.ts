/**
 * The one pipeline: normalise → match → resolve → act → report. The Lambda handler, dry-run,
 * `run --local` and `switchyard test` all call it; only the Ports differ.
 */
import { executeStep, type ActionResult } from './actions/execute.ts';
import { LOOP_MARKER } from './actions/copy.ts';
import type { MarkerStore } from './actions/idempotency.ts';
import { destinationOf, type PlannedStep, type Refusal } from './actions/planned-action.ts';
import { isNotFound, sourceGoneReason, sourceStillExists } from './actions/missing-object.ts';
import { apiRequestProblems, isApiRequest, type ApiRequest } from './actions/api-request.ts';
import { isReplayRequest, isRequested, isRequestedRefusal, notCarriedOut, replayRequestProblems, type NotReplayed, type ReplayRequest } from './actions/replay-request.ts';
import { ActionError, errorMessage } from './errors.ts';
import { missingDirectSource } from './events/direct-invocation.ts';
import { normaliseInput, type NormaliseOptions } from './events/normalise.ts';
import type { InputRecord, ObjectEvent } from './events/object-event.ts';
import { createLimiter, forEachLimit } from './limiter.ts';
import type { CompiledRoute } from './load/compiled-route.ts';
import { failedTagCondition } from './match/tag-conditions.ts';
import { RouteMatcher } from './match/route-matcher.ts';
import type { Ports } from './ports/types.ts';
import { routeBindings, sourceAccess, type LookupDeps } from './resolve/bindings.ts';
import { LookupCache } from './resolve/lookup-cache.ts';
import { ObjectFacts } from './resolve/object-facts.ts';
import { ParameterBatcher } from './resolve/parameter-batcher.ts';
import { resolveRoute } from './resolve/resolve-route.ts';
import { evaluate } from './resolve/evaluate.ts';
import { NOT_ATTEMPTED } from './report/failure-notification.ts';
import { silentLog, type Log } from './report/log.ts';
import { RouteReporter } from './report/route-reporter.ts';
import { unroutedReason, type RouteVerdict } from './report/unrouted.ts';
import { REPORT_RESERVE_MS, tooLateToStart } from './retry.ts';

export { NOT_ATTEMPTED } from './report/failure-notification.ts';
export { reportRetryPolicy } from './report/report-writes.ts';

export interface PipelineOptions {
  routes: readonly CompiledRoute[];
  ports: Ports;
  log?: Log;
  /** Bucket for idempotency markers and tracking records; without it neither is written. */
  stateBucket?: string;
  cache?: LookupCache;
  lookupTtlMs?: number;
  /** Emit CloudWatch EMF metric lines through `metricsSink`. */
  metricsSink?: (line: string) => void;
  /** Work out, for every route that does not match, why (dry-run). */
  explain?: boolean;
  /** Events processed at once within one invocation. */
  eventConcurrency?: number;
  /** Time kept at the end of an invocation to report and answer: no record or action starts inside it (default 5 s). */
  reportReserveMs?: number;
  normalise?: NormaliseOptions;
}

export interface RouteReport {
  name: string;
  matched: boolean;
  reason: string;
  steps: PlannedStep[];
  refused: Refusal[];
  skipped: Array<{ actionId: string; reason: string }>;
  values: Record<string, unknown>;
  results: ActionResult[];
  error?: { code: string; message: string; failureClass: string };
  failed: boolean;
  /** Where the failure record of each failed destination was written (`s3://…`). */
  failureRecords: string[];
  /**
   * Destinations a replay request named that the route did not carry out this time (it declines
   * the event now, or no longer resolves to them): their failure records stay.
   */
  notReplayed?: NotReplayed[];
}

export interface EventReport {
  event: ObjectEvent;
  routes: RouteReport[];
  failed: boolean;
}

export interface RecordReport {
  recordId: string;
  status: 'processed' | 'failed' | 'ignored' | 'rejected';
  reason?: string;
  events: EventReport[];
}

export interface InputReport {
  viaSqs: boolean;
  records: RecordReport[];
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

export interface InvocationContext {
  remainingMs?: () => number;
  /** Lambda's request id: a direct invocation's retries by Lambda are then one event (direct-invocation.ts). */
  requestId?: string;
  /** The input was delivered before: destinations delivered now resolve their failure records. */
  redelivered?: boolean;
}

const FIFTEEN_MINUTES = 15 * 60 * 1000;
const REPORT_FAILED = 'ReportFailed';

export class Pipeline {
  private readonly matcher: RouteMatcher;
  private readonly log: Log;
  private readonly deps: LookupDeps;
  /** Buckets some route writes to: only events there can be Switchyard's own output. */
  private readonly outputBuckets: Array<(bucket: string) => boolean>;
  private readonly markers: MarkerStore | undefined;
  private readonly reporter: RouteReporter;

  constructor(private readonly options: PipelineOptions) {
    this.matcher = new RouteMatcher(options.routes);
    this.log = options.log ?? silentLog;
    this.reporter = new RouteReporter({
      ports: options.ports,
      log: this.log,
      ...(options.stateBucket ? { stateBucket: options.stateBucket } : {}),
      ...(options.metricsSink ? { metricsSink: options.metricsSink } : {}),
    });
    this.deps = {
      ports: options.ports,
      // Without a cache of its own, the TTL runs on the ports' clock (a fake one in tests).
      cache: options.cache ?? new LookupCache(() => options.ports.clock.now().getTime()),
      parameters: new ParameterBatcher(options.ports.parameters),
      lookupTtlMs: options.lookupTtlMs ?? 5 * 60 * 1000,
    };
    this.outputBuckets = options.routes.flatMap((r) => [
      ...(r.allow.buckets ?? []).map((rule) => (b: string) => rule.matcher.test(b)),
      ...r.actions.flatMap((a) => (a.type === 'copy' && a.to.kind !== 'expression' ? (a.to.kind === 'list' ? a.to.values : [a.to.value]) : []).map((name) => (b: string) => b === name)),
    ]);
    this.markers = options.stateBucket
      ? { storage: options.ports.storage, bucket: options.stateBucket, now: () => options.ports.clock.now(), staleAfterMs: FIFTEEN_MINUTES, unsettled: new Map() }
      : undefined;
  }

  get routes(): readonly CompiledRoute[] {
    return this.options.routes;
  }

  async processInput(input: unknown, context: InvocationContext = {}): Promise<InputReport> {
    if (isReplayRequest(input)) return this.replay(input, context);
    if (isApiRequest(input)) return this.apiRequest(input, context);
    const normalised = normaliseInput(input, () => this.options.ports.clock.now(), this.options.normalise, context.requestId);
    const reports: RecordReport[] = [];
    await forEachLimit(normalised.records, this.options.eventConcurrency ?? 4, async (record) => {
      const left = record.status === 'events' ? this.tooLate(context) : undefined;
      reports.push(left === undefined ? await this.processRecordAlone(record, context) : this.recordNotAttempted(record, left));
    });
    const order = new Map(normalised.records.map((r, i) => [r.recordId, i]));
    reports.sort((a, b) => (order.get(a.recordId) ?? 0) - (order.get(b.recordId) ?? 0));
    return {
      viaSqs: normalised.viaSqs,
      records: reports,
      batchItemFailures: reports.filter((r) => r.status === 'failed' || r.status === 'rejected').map((r) => ({ itemIdentifier: r.recordId })),
    };
  }

  /** The time left when it is under the reserve kept for reporting (so nothing new may start), else undefined. */
  private tooLate(context: InvocationContext): number | undefined {
    return tooLateToStart(context.remainingMs, this.options.reportReserveMs ?? REPORT_RESERVE_MS);
  }

  /**
   * A record not started because the invocation is about to time out: failed, untouched, so the
   * trigger delivers it again, instead of a timeout losing the answer for the whole batch.
   */
  private recordNotAttempted(record: InputRecord, leftMs: number): RecordReport {
    const reason = `not attempted: ${this.outOfTimeReason(leftMs)}; it is returned as failed, untouched, and the trigger delivers it again`;
    this.log.write('warn', `record ${reason}. If this repeats, raise the function's timeout or lower the batch size: every redelivery counts towards the dead-letter queue`, { recordId: record.recordId, code: NOT_ATTEMPTED, remainingMs: leftMs });
    return { recordId: record.recordId, status: 'failed', reason, events: [] };
  }

  private outOfTimeReason(leftMs: number): string {
    return `${leftMs} ms of the invocation left, under the ${this.options.reportReserveMs ?? REPORT_RESERVE_MS} ms kept to report and answer before the timeout`;
  }

  /**
   * Whatever one record throws fails that record only: an error escaping here would fail the whole
   * SQS batch, and the records that succeeded would be delivered (and acted on) again.
   */
  private async processRecordAlone(record: InputRecord, context: InvocationContext): Promise<RecordReport> {
    try {
      return await this.processRecord(record, context);
    } catch (error) {
      const reason = `failed unexpectedly: ${errorMessage(error)}`;
      this.log.write('error', `record ${reason}. Only this record fails: the trigger delivers it again, then dead-letters it. Report this line as a Switchyard bug`, { recordId: record.recordId, code: 'RecordFailedUnexpectedly' });
      return { recordId: record.recordId, status: 'failed', reason, events: [] };
    }
  }

  private async processRecord(record: InputRecord, context: InvocationContext): Promise<RecordReport> {
    if (record.status === 'ignored') {
      this.log.write('info', 'input ignored', { recordId: record.recordId, reason: record.reason });
      return { recordId: record.recordId, status: 'ignored', reason: record.reason, events: [] };
    }
    if (record.status === 'rejected') {
      this.log.write('error', 'input rejected: not an event Switchyard understands; it goes to the dead-letter queue', { recordId: record.recordId, reason: record.reason });
      return { recordId: record.recordId, status: 'rejected', reason: record.reason, events: [] };
    }
    const events: EventReport[] = [];
    for (const event of record.events) events.push(await this.processEvent(event, record.redelivered ? { ...context, redelivered: true } : context));
    const unrouted = events.find((e) => e.event.origin === 'direct' && !e.routes.some((r) => r.matched));
    if (unrouted) {
      const reason = unroutedReason(unrouted.event, this.verdicts(unrouted));
      this.log.write('error', `input rejected: ${reason}`, { recordId: record.recordId, bucket: unrouted.event.bucket, key: unrouted.event.key });
      return { recordId: record.recordId, status: 'rejected', reason, events };
    }
    return { recordId: record.recordId, status: events.some((e) => e.failed) ? 'failed' : 'processed', events };
  }

  /** Each route's verdict on an event: the pipeline's where it tried the route (tags, when, loop guard), else the structural one. */
  private verdicts(report: EventReport): RouteVerdict[] {
    return this.matcher.explain(report.event).map(({ route, reason }) => ({
      name: route.name,
      bucket: route.structural.bucket,
      reason: report.routes.find((r) => r.name === route.name)?.reason ?? reason,
    }));
  }

  /**
   * Re-drives one recorded event on one route, only for the requested destinations (a replay
   * request, see engine/actions/replay-request.ts). Match conditions on tags and `when` still apply.
   */
  async replay(request: unknown, context: InvocationContext = {}): Promise<InputReport> {
    const recordId = 'replay';
    const problems = replayRequestProblems(request);
    const wanted = request as ReplayRequest;
    const route = problems.length === 0 ? this.options.routes.find((r) => r.name === wanted.route) : undefined;
    if (problems.length === 0 && !route) problems.push(`no route named '${wanted.route}' is loaded here: deploy the route again, or replay with the routes it ran under`);
    if (problems.length > 0 || !route) {
      const reason = `replay request refused: ${problems.join('; ')}`;
      this.log.write('error', reason, { recordId });
      return { viaSqs: false, records: [{ recordId, status: 'rejected', reason, events: [] }], batchItemFailures: [] };
    }
    const event = wanted.event;
    this.log.write('info', 'replaying a recorded event', { route: route.name, eventId: event.id, bucket: event.bucket, key: event.key, destinations: wanted.destinations?.map((d) => d.destination.id) ?? 'all' });
    const report = await this.processRoute(route, event, new ObjectFacts(event, this.options.ports.storage), 'replay', context, wanted);
    const notReplayed = notCarriedOut(wanted, report);
    if (notReplayed.length > 0) {
      report.notReplayed = notReplayed;
      for (const n of notReplayed) this.log.write('warn', `replay did not re-drive ${n.destination}: ${n.reason}; its failure record stays`, { route: route.name, eventId: event.id, action: n.actionId, destination: n.destination });
    }
    await this.reporter.resolveDelivered(route, event, report, 'replay', context, wanted);
    const status = report.failed ? 'failed' : 'processed';
    return { viaSqs: false, records: [{ recordId, status, events: [{ event, routes: [report], failed: report.failed }] }], batchItemFailures: [] };
  }

  /**
   * A manual invocation through a route's API (engine/actions/api-request.ts): that route alone
   * runs for the object, and only when it has `api: true` and takes the object (bucket, prefix,
   * suffix). Anything else is rejected with the reason, and so fails the invocation.
   */
  async apiRequest(input: unknown, context: InvocationContext = {}): Promise<InputReport> {
    const recordId = 'api';
    const rejected = (reason: string): InputReport => {
      this.log.write('error', `API request refused: ${reason}`, { recordId });
      return { viaSqs: false, records: [{ recordId, status: 'rejected', reason: `API request refused: ${reason}`, events: [] }], batchItemFailures: [] };
    };
    const problems = apiRequestProblems(input);
    if (problems.length > 0) return rejected(problems.join('; '));
    const wanted = input as ApiRequest;
    const route = this.options.routes.find((r) => r.name === wanted.route);
    if (!route) return rejected(`no route named '${wanted.route}' is loaded here: deploy the route again`);
    if (route.definition.api !== true) return rejected(`route ${route.name} takes no requests over an API (api is not true)`);
    const [record] = normaliseInput(wanted.request, () => this.options.ports.clock.now(), this.options.normalise, context.requestId).records;
    if (record?.status !== 'events') return rejected(record?.reason ?? 'nothing to run');
    const events: EventReport[] = [];
    for (const event of record.events) {
      const verdict = this.matcher.explain(event).find((v) => v.route === route);
      if (!verdict?.matched) return rejected(`route ${route.name} does not take s3://${event.bucket}/${event.key}: ${verdict?.reason ?? 'not this route'}`);
      const report = await this.processRoute(route, event, new ObjectFacts(event, this.options.ports.storage), verdict.reason, context);
      events.push({ event, routes: [report], failed: report.failed });
    }
    const status = events.some((e) => e.failed) ? 'failed' : 'processed';
    return { viaSqs: false, records: [{ recordId, status, events }], batchItemFailures: [] };
  }

  async processEvent(event: ObjectEvent, context: InvocationContext = {}): Promise<EventReport> {
    const candidates = new Set(this.matcher.candidates(event));
    const facts = new ObjectFacts(event, this.options.ports.storage);
    const reports: RouteReport[] = [];
    const explained = this.options.explain ? this.matcher.explain(event) : [...candidates].map((route) => ({ route, matched: true, reason: '' }));
    for (const { route, matched, reason } of explained) {
      if (!matched || !candidates.has(route)) {
        reports.push(emptyReport(route.name, false, reason));
        continue;
      }
      reports.push(await this.processRoute(route, event, facts, reason, context));
    }
    return { event, routes: reports, failed: reports.some((r) => r.failed) };
  }

  private async processRoute(route: CompiledRoute, event: ObjectEvent, facts: ObjectFacts, structuralReason: string, context: InvocationContext, replay?: ReplayRequest): Promise<RouteReport> {
    const started = this.options.ports.clock.now();
    const report = emptyReport(route.name, true, structuralReason || 'matched');
    try {
      if (this.outputBuckets.some((isOutput) => isOutput(event.bucket)) && event.kind === 'created') {
        const head = await facts.head(sourceAccess(route));
        const writer = head?.metadata[LOOP_MARKER];
        if (writer) return emptyReport(route.name, false, `object was written by Switchyard route ${writer}: not routed again (loop guard)`);
      }
      if (route.tags.length > 0) {
        const failedCondition = failedTagCondition(route.tags, await facts.tags(sourceAccess(route)));
        if (failedCondition) return emptyReport(route.name, false, failedCondition);
      }
      const bindings = await routeBindings(route, facts, this.deps);
      if (route.when && !(await evaluate(route.when, bindings, 'match.when'))) {
        return emptyReport(route.name, false, 'match.when is false');
      }
      const resolution = await resolveRoute(route, event, bindings);
      if (replay) {
        resolution.steps = resolution.steps.filter((step) => isRequested(replay, step.action));
        resolution.refused = resolution.refused.filter((r) => isRequestedRefusal(replay, r.actionId, r.destination));
      }
      Object.assign(report, { steps: resolution.steps, refused: resolution.refused, skipped: resolution.skipped, values: resolution.values });
      await this.reporter.recordStart(route, event, resolution.steps, resolution.refused, started, context);
      report.results = await this.act(route, event, facts, resolution.steps, context);
    } catch (error) {
      const gone = await this.sourceGone(route, event, error);
      if (gone && event.origin !== 'direct') return this.skippedAsDeleted(route, event, gone);
      const e = gone ? missingDirectSource(event, error) : error instanceof ActionError ? error : new ActionError('UnexpectedError', errorMessage(error), 'unknown');
      report.error = { code: e.code, message: e.message, failureClass: e.failureClass };
    }
    report.failed = routeFailed(route, report);
    await this.reportOrFail(route, event, report, started, context);
    return report;
  }

  /**
   * Reporting runs after the actions. What it throws (a failure template calling a helper that
   * does not exist, a bug) fails this event only, and says so: the event is then redelivered and
   * dead-lettered instead of failing every record of its batch.
   */
  private async reportOrFail(route: CompiledRoute, event: ObjectEvent, report: RouteReport, started: Date, context: InvocationContext): Promise<void> {
    try {
      await this.reporter.report(route, event, report, started, context);
      if (context.redelivered) await this.reporter.resolveDelivered(route, event, report, 'redelivery', context);
    } catch (error) {
      const message = `reporting failed after the actions ran: ${errorMessage(error)}`;
      report.failed = true;
      report.error ??= { code: REPORT_FAILED, message, failureClass: 'unknown' };
      this.log.write(
        'error',
        `route ${route.name}: ${message}. The event fails: the trigger delivers it again, then dead-letters it. Fix the cause (for a template, 'switchyard validate' names it), then re-drive with 'switchyard replay --route ${route.name}'`,
        { route: route.name, eventId: event.id, bucket: event.bucket, key: event.key, code: REPORT_FAILED },
      );
    }
  }

  /** The not-found error when a lookup of the object (tags, body, head) found nothing because the object is not there. */
  private async sourceGone(route: CompiledRoute, event: ObjectEvent, error: unknown): Promise<ActionError | undefined> {
    if (!isNotFound(error) || event.kind !== 'created' || this.options.ports.partialWorld) return undefined;
    const exists = await sourceStillExists(this.options.ports.storage, event, sourceAccess(route)).catch(() => true);
    return exists ? undefined : error;
  }

  /** The object of an S3 or EventBridge event was deleted after the event: skipped, with the reason. */
  private skippedAsDeleted(route: CompiledRoute, event: ObjectEvent, error: ActionError): RouteReport {
    const reason = sourceGoneReason(event);
    this.log.write('warn', `route ${route.name} skipped: ${reason}`, { route: route.name, eventId: event.id, bucket: event.bucket, key: event.key, error: { code: error.code, message: error.message } });
    return { ...emptyReport(route.name, true, reason), skipped: [{ actionId: '*', reason }] };
  }

  private async act(route: CompiledRoute, event: ObjectEvent, facts: ObjectFacts, steps: PlannedStep[], context: InvocationContext): Promise<ActionResult[]> {
    // The size and ETag an event carries are enough for skip-existing; only events without them need a HeadObject.
    const needsHead = steps.some((s) => s.action.type === 'copy' && s.action.skipExisting) && (event.size === undefined || !event.eTag);
    const sourceHead = needsHead ? await facts.head(sourceAccess(route)) : undefined;
    const perAction = new Map<string, ReturnType<typeof createLimiter>>();
    const results: ActionResult[] = new Array<ActionResult>(steps.length);
    await forEachLimit(steps.map((step, i) => [step, i] as const), route.concurrency, async ([step, i]) => {
      let limit = perAction.get(step.action.actionId);
      if (!limit) perAction.set(step.action.actionId, (limit = createLimiter(step.concurrency)));
      results[i] = await limit(() => {
        const left = this.tooLate(context);
        if (left !== undefined) return Promise.resolve(this.stepNotAttempted(step, left));
        return executeStep(step, {
          ports: this.options.ports,
          route: route.name,
          event,
          ...(this.markers ? { markers: this.markers } : {}),
          ...(sourceHead ? { sourceHead } : {}),
          ...(context.remainingMs ? { remainingMs: context.remainingMs } : {}),
          onRetry: (info) => this.log.write('warn', `retrying ${info.actionId} after ${info.failureClass} error`, { route: route.name, eventId: event.id, bucket: event.bucket, key: event.key, ...info }),
        });
      });
    });
    return results;
  }

  /** An action not started for lack of time: it fails the event (so the event is delivered again) and its log line says why. */
  private stepNotAttempted(step: PlannedStep, leftMs: number): ActionResult {
    const message = `not attempted: ${this.outOfTimeReason(leftMs)}. The event fails and is delivered again; this destination is tried then. If this repeats, raise the function's timeout`;
    return { actionId: step.action.actionId, type: step.action.type, destination: destinationOf(step.action), outcome: 'failed', attempts: 0, durationMs: 0, error: { code: NOT_ATTEMPTED, message, failureClass: 'unknown', reason: 'deadline' } };
  }
}

function emptyReport(name: string, matched: boolean, reason: string): RouteReport {
  return { name, matched, reason, steps: [], refused: [], skipped: [], values: {}, results: [], failed: false, failureRecords: [] };
}

/** failWhen: `any` — any destination failed or was refused; `all` — none succeeded. */
function routeFailed(route: CompiledRoute, report: RouteReport): boolean {
  if (report.error) return true;
  // Work not started for lack of time must come back, whatever failWhen says: only a redelivery does it.
  if (report.results.some((r) => r.error?.code === NOT_ATTEMPTED)) return true;
  const failures = report.results.filter((r) => r.outcome === 'failed').length + report.refused.length;
  const successes = report.results.filter((r) => r.outcome !== 'failed').length;
  if (route.failWhen === 'all') return failures > 0 && successes === 0;
  return failures > 0;
}
