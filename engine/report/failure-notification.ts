/**
 * The route's `notify.onFailure`: whether this run tells anyone (not for work that only ran out
 * of time, not for a repeat an earlier delivery of the event announced), the message, its
 * sending, and noting on the failure records (or the route error's notice) that it went out.
 */
import type { ObjectEvent } from '../events/object-event.ts';
import type { CompiledRoute } from '../load/compiled-route.ts';
import type { RouteReport } from '../pipeline.ts';
import { failureMessage } from './failure-message.ts';
import type { DestinationFailure } from './failure-record.ts';
import { markAnnounced, type WrittenRecord } from './failure-store.ts';
import { failureStoreFor, writeUnderPolicy, type ReportContext, type ReportDeps } from './report-writes.ts';
import { announcedBefore, markRouteErrorAnnounced, routeErrorNoticeKey, type RouteError } from './route-error-notice.ts';

/** The code on the result of an action not started before the deadline. */
export const NOT_ATTEMPTED = 'NotAttempted';

export interface FailureRun {
  route: CompiledRoute;
  event: ObjectEvent;
  report: RouteReport;
  failures: DestinationFailure[];
  records: WrittenRecord[];
  /** `s3://…` of the tracking record, when one was written. */
  tracking?: string;
  /** The route failed before its actions (a lookup, an expression) with this error. */
  routeError?: RouteError;
  where: Record<string, unknown>;
}

export async function notifyFailure(deps: ReportDeps, run: FailureRun, context: ReportContext): Promise<void> {
  const { route, event, report, failures, records, where } = run;
  const onFailure = route.definition.notify?.onFailure;
  if (!onFailure) return;
  if (onlyNotAttempted(report, failures)) {
    deps.log.write('info', 'failure notification not sent: the only failures are actions not started for lack of time, and the event is delivered again for them', where);
    return;
  }
  const routeError = run.routeError ? await routeErrorSeen(deps, run, run.routeError, context) : undefined;
  if (onlyRepeats(report, failures, records, routeError)) {
    const notice = run.routeError && deps.stateBucket ? { notice: `s3://${deps.stateBucket}/${routeErrorNoticeKey(route.name, event)}` } : {};
    deps.log.write('info', `failure notification not sent: every failure is a repeat, with the same error, of one an earlier delivery of this event announced (a repeat is not re-announced)`, { ...where, records: records.map((r) => r.uri), ...notice });
    return;
  }
  // A partial failure (failWhen: all, some destinations delivered) is told too: nobody must find out by chance.
  if (!report.failed && failures.length === 0) return;
  const message = failureMessage(
    {
      route: route.name,
      event,
      results: report.results,
      refused: report.refused,
      eventFailed: report.failed,
      records: records.map((r) => ({ actionId: r.failure.actionId, destination: r.failure.destination.id, uri: r.uri })),
      ...(report.error ? { error: report.error.message } : {}),
      ...(run.tracking ? { tracking: run.tracking } : {}),
    },
    route.failureTemplate,
  );
  let told = true;
  if (onFailure.sns) {
    const topic = onFailure.sns;
    told = (await writeUnderPolicy(deps, onFailure.retry, () => deps.ports.notifications.publish(topic, message.subject, message.body), `failure notification to ${topic}`, where, context)) && told;
  }
  if (onFailure.email) {
    const { from, to } = onFailure.email;
    told = (await writeUnderPolicy(deps, onFailure.retry, () => deps.ports.email.send({ from, to, subject: message.subject, text: message.body }), 'failure email', where, context)) && told;
  }
  if (!told) return;
  await noteAnnounced(deps, records.filter((r) => !r.repeat), where, context);
  if (run.routeError) await noteRouteErrorAnnounced(deps, run, run.routeError, context);
}

/** 'repeat' when an earlier delivery of the event announced this same route error; undefined when it cannot be known (no state bucket, the notice unreadable): then it is told. */
async function routeErrorSeen(deps: ReportDeps, run: FailureRun, error: RouteError, context: ReportContext): Promise<'new' | 'repeat' | undefined> {
  const bucket = deps.stateBucket;
  if (!bucket) return undefined;
  const seen = await announcedBefore(failureStoreFor(deps, bucket, context), run.route.name, run.event, error);
  if (!(seen instanceof Error)) return seen ? 'repeat' : 'new';
  deps.log.write('warn', `could not tell whether an earlier delivery announced this route error (${seen.message}): it is announced`, { ...run.where, notice: `s3://${bucket}/${routeErrorNoticeKey(run.route.name, run.event)}` });
  return undefined;
}

async function noteRouteErrorAnnounced(deps: ReportDeps, run: FailureRun, error: RouteError, context: ReportContext): Promise<void> {
  const bucket = deps.stateBucket;
  if (!bucket) return;
  const lost = await markRouteErrorAnnounced(failureStoreFor(deps, bucket, context), run.route.name, run.event, error);
  if (lost) deps.log.write('warn', `failure notification sent, but the route error could not be noted as announced (${lost.message}): a redelivery failing the same way notifies again`, { ...run.where, notice: `s3://${bucket}/${routeErrorNoticeKey(run.route.name, run.event)}` });
}

async function noteAnnounced(deps: ReportDeps, records: WrittenRecord[], where: Record<string, unknown>, context: ReportContext): Promise<void> {
  const bucket = deps.stateBucket;
  if (!bucket || records.length === 0) return;
  const error = await markAnnounced(failureStoreFor(deps, bucket, context), records.map((r) => r.key));
  if (error) deps.log.write('warn', `failure notification sent, but its failure records could not be marked announced (${error.message}): a redelivery failing the same way notifies again`, { ...where, records: records.map((r) => r.uri) });
}

/** The event failed only because actions were not started before the deadline: it comes back, nothing to tell yet. */
function onlyNotAttempted(report: RouteReport, failures: DestinationFailure[]): boolean {
  return !report.error && failures.length === 0 && report.results.some((r) => r.error?.code === NOT_ATTEMPTED);
}

/**
 * Redeliveries (SQS up to maxReceiveCount) must not repeat the same notification: it is sent
 * when a destination fails, or the route fails before its actions, for the first time or with
 * another error. Without a record to compare with (no state bucket, a record not written) it is
 * always sent.
 */
function onlyRepeats(report: RouteReport, failures: DestinationFailure[], records: WrittenRecord[], routeError: 'new' | 'repeat' | undefined): boolean {
  const destinationsRepeat = records.length === failures.length && records.every((r) => r.repeat);
  if (routeError !== undefined) return routeError === 'repeat' && destinationsRepeat;
  return !report.error && failures.length > 0 && destinationsRepeat;
}
