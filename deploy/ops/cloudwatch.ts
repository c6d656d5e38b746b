/**
 * The two CloudWatch calls `status` and the soak need (GetMetricData, PutMetricData), spoken in
 * CloudWatch's JSON protocol and signed with SigV4. @aws-sdk/client-cloudwatch is not a
 * dependency of this package yet; credentials and region come from the other SDK clients, so
 * the same profile, role and endpoint apply.
 */
import { signedRequest, type SignedServiceOptions } from '../signed-request.ts';
import { OpsError } from './errors.ts';

export interface MetricQuery {
  /** Lower-case letter first, as CloudWatch requires (`m0`, `m1`, …). */
  id: string;
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
  stat: 'Sum' | 'Maximum' | 'Average';
  periodSeconds: number;
}

export interface MetricDatum {
  metric: string;
  dimensions: Record<string, string>;
  value: number;
  unit?: string;
  timestamp?: Date;
}

export interface MetricsClient {
  /** Values per query id (one per period, newest first as CloudWatch returns them). */
  getMetricData(queries: MetricQuery[], start: Date, end: Date): Promise<Map<string, number[]>>;
  putMetricData(namespace: string, data: MetricDatum[]): Promise<void>;
}

export type MetricsClientOptions = SignedServiceOptions;

const TARGET_PREFIX = 'GraniteServiceVersion20100801';
/** GetMetricData takes at most 500 queries a call; PutMetricData 1,000 data points. */
const MAX_QUERIES = 500;
const MAX_DATA = 1000;

export function cloudWatchMetrics(options: MetricsClientOptions): MetricsClient {
  const call = async (operation: string, input: unknown): Promise<Record<string, unknown>> => {
    const response = await signedRequest(options, {
      service: 'monitoring',
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `${TARGET_PREFIX}.${operation}`, 'x-amzn-query-mode': 'true' },
      body: JSON.stringify(input),
    });
    const text = response.text;
    if (!response.ok) {
      const error = parseError(text);
      throw new OpsError('SY401', `CloudWatch ${operation} failed: HTTP ${response.status} ${error}`);
    }
    return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  };

  return {
    async getMetricData(queries, start, end) {
      const values = new Map<string, number[]>();
      for (let i = 0; i < queries.length; i += MAX_QUERIES) {
        let nextToken: string | undefined;
        do {
          const answer = await call('GetMetricData', {
            StartTime: Math.floor(start.getTime() / 1000),
            EndTime: Math.ceil(end.getTime() / 1000),
            ...(nextToken ? { NextToken: nextToken } : {}),
            MetricDataQueries: queries.slice(i, i + MAX_QUERIES).map((q) => ({
              Id: q.id,
              ReturnData: true,
              MetricStat: {
                Metric: { Namespace: q.namespace, MetricName: q.metric, Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })) },
                Period: q.periodSeconds,
                Stat: q.stat,
              },
            })),
          });
          for (const result of (answer.MetricDataResults ?? []) as Array<{ Id?: string; Values?: number[] }>) {
            if (result.Id === undefined) continue;
            values.set(result.Id, [...(values.get(result.Id) ?? []), ...(result.Values ?? [])]);
          }
          nextToken = typeof answer.NextToken === 'string' && answer.NextToken !== '' ? answer.NextToken : undefined;
        } while (nextToken);
      }
      return values;
    },
    async putMetricData(namespace, data) {
      for (let i = 0; i < data.length; i += MAX_DATA) {
        await call('PutMetricData', {
          Namespace: namespace,
          MetricData: data.slice(i, i + MAX_DATA).map((d) => ({
            MetricName: d.metric,
            Dimensions: Object.entries(d.dimensions).map(([Name, Value]) => ({ Name, Value })),
            Value: d.value,
            Unit: d.unit ?? 'Count',
            ...(d.timestamp ? { Timestamp: Math.floor(d.timestamp.getTime() / 1000) } : {}),
          })),
        });
      }
    },
  };
}

function parseError(text: string): string {
  try {
    const parsed = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
    return `${parsed.__type?.split('#').pop() ?? ''}: ${parsed.message ?? parsed.Message ?? ''}`.trim();
  } catch {
    return text.slice(0, 300);
  }
}
