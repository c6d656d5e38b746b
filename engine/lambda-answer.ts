import { SwitchyardError } from './errors.ts';
import type { InputReport } from './pipeline.ts';
import { undeliveredReasons } from './report/undelivered.ts';

/** The answer to a direct (non-SQS) invocation that did not fail: per record what ran, and what was still not delivered. */
export interface InvocationSummary {
  /** `routes`: the routes the record's events reached (they acted, or declined by `when`, tags or the loop guard). */
  records: Array<{ recordId: string; status: string; reason?: string; routes: string[] }>;
  /**
   * What was not delivered although the record did not fail: destinations that failed where a
   * route's `failWhen: all` allows a partial failure, and destinations a replay request named that
   * the route no longer carries out. A caller such as `replay --through-function` counts them as
   * not delivered.
   */
  undelivered?: string[];
}

/**
 * What the function answers for a report: partial batch failures for SQS; otherwise a summary, or
 * an error when a record failed (Lambda retries an asynchronous invocation, then dead-letters it;
 * a RequestResponse caller such as `replay --through-function` reads the error).
 */
export function lambdaAnswer(report: InputReport): { batchItemFailures: InputReport['batchItemFailures'] } | InvocationSummary {
  if (report.viaSqs) return { batchItemFailures: report.batchItemFailures };
  const reasons = undeliveredReasons(report);
  const failed = report.records.filter((r) => r.status === 'failed' || r.status === 'rejected');
  if (failed.length > 0) {
    // EventBridge / direct invocations: throwing makes Lambda retry and then use the DLQ.
    // The reasons name each failed destination: the error is what a RequestResponse caller (replay) reads.
    const why = reasons.length > 0 ? reasons.join('; ') : failed.map((r) => r.reason ?? r.events.flatMap((e) => e.routes.filter((x) => x.failed).map((x) => x.name)).join(', ')).join('; ');
    throw new SwitchyardError('SY101', `${failed.length} record(s) failed: ${why}`);
  }
  // A summary, not the whole report: async invocations' results are kept by Lambda destinations.
  return {
    records: report.records.map((r) => ({
      recordId: r.recordId,
      status: r.status,
      ...(r.reason ? { reason: r.reason } : {}),
      // The function does not explain, so every route listed is one the event reached structurally.
      routes: [...new Set(r.events.flatMap((e) => e.routes.map((route) => route.name)))],
    })),
    ...(reasons.length > 0 ? { undelivered: reasons } : {}),
  };
}
