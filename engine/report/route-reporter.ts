/**
 * What one route's run leaves behind: a log line per action, failure records, the EMF metric
 * line, the tracking record and the failure notification; and, after a replay or a
 * redelivery, the failure records of the destinations it delivered marked resolved.
 */
import { destinationOf, type PlannedStep, type Refusal } from '../actions/planned-action.ts';
import { isRequested, type ReplayRequest } from '../actions/replay-request.ts';
import { errorMessage } from '../errors.ts';
import type { ObjectEvent } from '../events/object-event.ts';
import type { CompiledRoute } from '../load/compiled-route.ts';
import type { RouteReport } from '../pipeline.ts';
import { NOT_ATTEMPTED, notifyFailure } from './failure-notification.ts';
import { destinationFailures, failureRecordKey, type DestinationFailure } from './failure-record.ts';
import { resolveFailureRecord, writeFailureRecords, type WrittenRecord } from './failure-store.ts';
import { countResults, emfLine } from './metrics.ts';
import { failureStoreFor, writeUnderPolicy, type ReportContext, type ReportDeps } from './report-writes.ts';
import { startedTrackingRecord, trackingKey, trackingOf, trackingRecord, type TrackingRecord } from './tracking.ts';
import { writeTrackingRecord } from './tracking-store.ts';

export interface RouteReporterOptions extends ReportDeps {
  /** Emit CloudWatch EMF metric lines through `metricsSink`. */
  metricsSink?: (line: string) => void;
}

export class RouteReporter {
  /** Tracking records this reporter's start write stored, until the final write of the same event reads them. */
  private readonly startedRecords = new Set<string>();

  constructor(private readonly deps: RouteReporterOptions) {}

  /** One route's report. Its writes retry only while the invocation has time. */
  async report(route: CompiledRoute, event: ObjectEvent, report: RouteReport, started: Date, context: ReportContext): Promise<void> {
    const where = { route: route.name, eventId: event.id, bucket: event.bucket, key: event.key };
    // Taken before a failure record that cannot be written sets an error of its own.
    const routeError = report.error ? { code: report.error.code, message: report.error.message } : undefined;
    this.logResults(report, where);
    // Actions not started for lack of time come back with the event: no failure record or notice for them.
    const attempted = report.results.map((r, i) => ({ r, action: report.steps[i]?.action })).filter(({ r }) => r.error?.code !== NOT_ATTEMPTED);
    const failures = destinationFailures(attempted.map(({ r }) => r), attempted.map(({ action }) => action), report.refused);
    const records = await this.recordFailures(route, event, report, failures, where, context);
    const counts = countResults(report.results, report.refused.length, report.failed);
    this.deps.metricsSink?.(emfLine(route.name, counts, report.failed, this.deps.ports.clock.now()));
    const tracking = await this.track(route, event, report, started, where, context);
    await notifyFailure(this.deps, { route, event, report, failures, records, where, ...(tracking ? { tracking } : {}), ...(routeError ? { routeError } : {}) }, context);
  }

  /**
   * The tracking record's start (seed 002's LogWorkflowStart), before the actions run. Like the
   * final record it is an account of the work, not part of it: when it cannot be written the
   * actions run all the same, and the final write (which merges into whatever is stored) still
   * leaves a complete record.
   */
  async recordStart(route: CompiledRoute, event: ObjectEvent, steps: PlannedStep[], refused: Refusal[], started: Date, context: ReportContext): Promise<void> {
    const destinations = [...steps.map((s) => destinationOf(s.action)), ...refused.map((r) => r.destination)];
    const where = { route: route.name, eventId: event.id, bucket: event.bucket, key: event.key };
    await this.writeTracking(route, event, startedTrackingRecord(route.name, event, destinations, started), 'start', where, context);
  }

  /** Each destination a replay or a redelivery delivered gets its failure record (if any) marked resolved. */
  async resolveDelivered(route: CompiledRoute, event: ObjectEvent, report: RouteReport, by: 'replay' | 'redelivery', context: ReportContext, request?: ReplayRequest): Promise<void> {
    const bucket = this.deps.stateBucket;
    if (!bucket) return;
    const delivered = report.steps.filter((step, i) => report.results[i] !== undefined && report.results[i].outcome !== 'failed').map((step) => step.action);
    const resolved = request?.destinations
      ? request.destinations.filter((wanted) => delivered.some((action) => isRequested({ ...request, destinations: [wanted] }, action)))
      : delivered.map((action) => ({ actionId: action.actionId, destination: { kind: action.type === 'copy' ? ('s3' as const) : action.type, id: destinationOf(action) } }));
    const store = failureStoreFor(this.deps, bucket, context);
    for (const { actionId, destination } of resolved) {
      const key = failureRecordKey(route.name, event, actionId, destination);
      const outcome = await resolveFailureRecord(store, key, by);
      const where = { route: route.name, eventId: event.id, action: actionId, destination: destination.id, record: `s3://${bucket}/${key}` };
      if (outcome instanceof Error) this.deps.log.write('warn', `${by} delivered ${destination.id}, but its failure record could not be marked resolved: ${outcome.message}`, where);
      else if (outcome === 'resolved') this.deps.log.write('info', `failure record resolved: ${destination.id} delivered by ${by}`, where);
    }
  }

  private logResults(report: RouteReport, where: Record<string, unknown>): void {
    for (const r of report.results) {
      this.deps.log.write(r.outcome === 'failed' ? 'error' : r.warning ? 'warn' : 'info', `${r.type} ${r.outcome}`, {
        ...where,
        action: r.actionId,
        destination: r.destination,
        outcome: r.outcome,
        attempts: r.attempts,
        durationMs: r.durationMs,
        ...(r.detail ? { detail: r.detail } : {}),
        ...(r.error ? { error: r.error } : {}),
        ...(r.warning ? { warning: r.warning } : {}),
      });
    }
    for (const r of report.refused) this.deps.log.write('error', 'destination refused by the allow-list', { ...where, action: r.actionId, destination: r.destination, reason: r.reason });
    if (report.error) this.deps.log.write('error', `route failed before any action ran: ${report.error.message}`, { ...where, error: report.error });
  }

  /**
   * A failure record per failed or refused destination. When one cannot be written the route
   * fails, so the trigger delivers the event again (or dead-letters it): never lost silently.
   */
  private async recordFailures(route: CompiledRoute, event: ObjectEvent, report: RouteReport, failures: DestinationFailure[], where: Record<string, unknown>, context: ReportContext): Promise<WrittenRecord[]> {
    if (failures.length === 0) return [];
    const bucket = this.deps.stateBucket;
    if (!bucket) {
      this.deps.log.write('error', `${failures.length} destination(s) failed and no state bucket is configured: no failure record written, only this log line`, { ...where, destinations: failures.map((f) => f.destination.id) });
      return [];
    }
    try {
      const written = await writeFailureRecords(failureStoreFor(this.deps, bucket, context), route.name, event, failures, report.failed);
      report.failureRecords = written.map((r) => r.uri);
      for (const r of written) {
        const again = r.repeat ? ' again, with the error an earlier delivery recorded' : '';
        this.deps.log.write('warn', `failure recorded${again} for ${r.failure.destination.id}: re-drive it with 'switchyard replay' once the cause is fixed`, { ...where, action: r.failure.actionId, destination: r.failure.destination.id, record: r.uri, eventFailed: report.failed, repeat: r.repeat });
      }
      return written;
    } catch (error) {
      const message = errorMessage(error);
      this.deps.log.write('error', message, { ...where, code: 'FailureRecordNotWritten' });
      report.failed = true;
      report.error ??= { code: 'FailureRecordNotWritten', message, failureClass: '5xx' };
      return [];
    }
  }

  /** The tracking record's `s3://` address, when the route tracks and there is a state bucket. */
  private async track(route: CompiledRoute, event: ObjectEvent, report: RouteReport, started: Date, where: Record<string, unknown>, context: ReportContext): Promise<string | undefined> {
    const record = trackingRecord(route.name, event, report.results, report.refused, started, this.deps.ports.clock.now(), report.error?.message);
    return this.writeTracking(route, event, record, 'final', where, context);
  }

  private async writeTracking(route: CompiledRoute, event: ObjectEvent, record: TrackingRecord, phase: 'start' | 'final', where: Record<string, unknown>, context: ReportContext): Promise<string | undefined> {
    const tracking = trackingOf(route.definition);
    const bucket = this.deps.stateBucket;
    if (!tracking || !bucket) return undefined;
    const key = trackingKey(route.name, event);
    const exists = phase === 'final' && this.startedRecords.delete(key);
    const write = (): Promise<TrackingRecord> => writeTrackingRecord(this.deps.ports.storage, bucket, key, record, { exists });
    const [what, ifLost] = phase === 'start' ? ['tracking start record', 'The actions run all the same; the final tracking record is written after them'] : ['tracking record', undefined];
    const written = await writeUnderPolicy(this.deps, tracking.retry, write, what, where, context, ifLost);
    if (phase === 'start' && written) this.startedRecords.add(key);
    return `s3://${bucket}/${key}`;
  }
}
