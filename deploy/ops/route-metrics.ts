/**
 * Per route, what the router reported over a window (default: the last hour), from the EMF
 * metrics the function writes (engine/report/metrics.ts, namespace `Switchyard`, dimension
 * `Route`): routed = deliveries made (Copied + Sent), failed = events that did not deliver everything
 * (FailedEvents + PartialFailures: a route that failed before any action counts here, where
 * Failed, a count of failed destinations, would miss it), retried = action retries (Retried).
 */
import { METRIC_NAMESPACE } from '../../engine/report/metrics.ts';
import type { MetricQuery, MetricsClient } from './cloudwatch.ts';

export interface RouteActivity {
  routed: number;
  failed: number;
  retried: number;
}

const METRICS = { Copied: 'routed', Sent: 'routed', FailedEvents: 'failed', PartialFailures: 'failed', Retried: 'retried' } as const;

export async function routeActivity(metrics: MetricsClient, routes: string[], end: Date, windowSeconds = 3600): Promise<Map<string, RouteActivity>> {
  const queries: Array<MetricQuery & { route: string; into: keyof RouteActivity }> = [];
  routes.forEach((route, r) => {
    Object.entries(METRICS).forEach(([metric, into], m) => {
      queries.push({ id: `r${r}m${m}`, namespace: METRIC_NAMESPACE, metric, dimensions: { Route: route }, stat: 'Sum', periodSeconds: windowSeconds, route, into });
    });
  });
  const activity = new Map<string, RouteActivity>(routes.map((r) => [r, { routed: 0, failed: 0, retried: 0 }]));
  if (queries.length === 0) return activity;
  const values = await metrics.getMetricData(queries, new Date(end.getTime() - windowSeconds * 1000), end);
  for (const q of queries) {
    const counts = activity.get(q.route);
    if (counts) counts[q.into] += (values.get(q.id) ?? []).reduce((a, b) => a + b, 0);
  }
  return activity;
}
