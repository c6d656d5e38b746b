/**
 * CloudWatch Embedded Metric Format: one log line per route and event that CloudWatch turns
 * into metrics, per route and (empty dimension set) across all routes for the alarms.
 */
import type { ActionResult } from '../actions/execute.ts';

export const METRIC_NAMESPACE = 'Switchyard';

export interface RouteCounts {
  copied: number;
  sent: number;
  failed: number;
  refused: number;
  retried: number;
  duplicates: number;
  skipped: number;
  partialFailure: boolean;
}

export function countResults(results: ActionResult[], refused: number, failedEvent: boolean): RouteCounts {
  const ok = results.filter((r) => r.outcome === 'succeeded');
  const failed = results.filter((r) => r.outcome === 'failed').length;
  return {
    copied: ok.filter((r) => r.type === 'copy').length,
    sent: ok.filter((r) => r.type !== 'copy').length,
    failed,
    refused,
    retried: results.reduce((n, r) => n + Math.max(0, r.attempts - 1), 0),
    duplicates: results.filter((r) => r.outcome === 'duplicate').length,
    skipped: results.filter((r) => r.outcome === 'skipped').length,
    // Some destinations failed but the event as a whole did not (failWhen: all): worth an alarm.
    partialFailure: failed + refused > 0 && !failedEvent,
  };
}

export function emfLine(route: string, counts: RouteCounts, eventFailed: boolean, now: Date): string {
  const metrics = {
    Copied: counts.copied,
    Sent: counts.sent,
    Failed: counts.failed + counts.refused,
    Retried: counts.retried,
    Duplicates: counts.duplicates,
    PartialFailures: counts.partialFailure ? 1 : 0,
    FailedEvents: eventFailed ? 1 : 0,
  };
  return JSON.stringify({
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [['Route'], []],
          Metrics: Object.keys(metrics).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    Route: route,
    ...metrics,
  });
}
