/** Reading the function's CloudWatch EMF lines back (what CloudWatch does with them in AWS). */
import type { MetricDatum } from '../../deploy/ops/cloudwatch.ts';

export interface EmfRecord {
  namespace: string;
  timestamp: Date;
  dimensions: Record<string, string>;
  values: Record<string, number>;
}

export function parseEmf(line: string): EmfRecord | undefined {
  if (!line.includes('"_aws"')) return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const meta = parsed._aws as { Timestamp?: number; CloudWatchMetrics?: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> } | undefined;
  const directive = meta?.CloudWatchMetrics?.[0];
  if (!directive) return undefined;
  const dimensionNames = directive.Dimensions.find((set) => set.length > 0) ?? [];
  return {
    namespace: directive.Namespace,
    timestamp: new Date(meta?.Timestamp ?? Date.now()),
    dimensions: Object.fromEntries(dimensionNames.map((name) => [name, String(parsed[name])])),
    values: Object.fromEntries(directive.Metrics.map((m) => [m.Name, Number(parsed[m.Name] ?? 0)])),
  };
}

/** The data points CloudWatch would extract from one EMF record (per dimension set with a value). */
export function metricData(record: EmfRecord): MetricDatum[] {
  return Object.entries(record.values).map(([metric, value]) => ({ metric, dimensions: record.dimensions, value, timestamp: record.timestamp }));
}
