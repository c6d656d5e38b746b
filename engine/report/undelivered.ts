/**
 * Why an input was not delivered, one line per thing that went wrong: a rejected record, a route
 * that failed before its actions, a destination that failed or was refused. `replay` prints these
 * for a re-drive that failed again; the Lambda handler puts them in the error of an invocation it
 * fails, which is what Lambda keeps (async-invocation DLQ, a RequestResponse caller).
 */
import type { InputReport } from '../pipeline.ts';

export function undeliveredReasons(report: InputReport): string[] {
  const reasons: string[] = [];
  for (const record of report.records) {
    if (record.status === 'rejected') reasons.push(record.reason ?? 'rejected');
    for (const event of record.events) {
      for (const route of event.routes) {
        if (route.error) reasons.push(`${route.name}: ${route.error.code}: ${route.error.message}`);
        for (const r of route.results) if (r.outcome === 'failed') reasons.push(`${route.name} → ${r.destination}: ${r.error?.code ?? ''}: ${r.error?.message ?? 'failed'}`);
        for (const r of route.refused) reasons.push(`${route.name} → ${r.destination}: refused: ${r.reason}`);
        for (const r of route.notReplayed ?? []) reasons.push(`${route.name} → ${r.destination}: not re-driven: ${r.reason}`);
      }
    }
  }
  return reasons;
}
