/**
 * The run's report: counts, bytes, duration, every failure with its reason and the validation
 * result, written next to the manifest as report.json and announced on batch.notify.sns.
 */
import type { CompiledRoute } from '../load/compiled-route.ts';
import type { Ports } from '../ports/types.ts';
import type { TransferFailure } from './transfer-object.ts';
import type { TransferTotals } from './transfer.ts';
import type { ValidationResult } from './validate.ts';

/** Failures listed one by one in the report; beyond this only their number is given. */
export const MAX_REPORTED_FAILURES = 1000;

export interface BackfillReport {
  route: string;
  runId: string;
  status: 'succeeded' | 'failed';
  /** Why the run counts as failed (empty when it succeeded). */
  problems: string[];
  source: { bucket: string; prefix: string };
  manifest: string;
  report: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  concurrency: number;
  counts: { listed: number; excluded: number; copied: number; skipped: number; failed: number; notTaken: number };
  bytes: number;
  attempts: number;
  retries: number;
  failures: TransferFailure[];
  failuresNotListed: number;
  validation?: ValidationResult;
}

export interface ReportInput {
  route: CompiledRoute;
  runId: string;
  sourcePrefix: string;
  manifest: string;
  report: string;
  started: Date;
  finished: Date;
  concurrency: number;
  listed: number;
  excluded: number;
  totals: TransferTotals;
  validation?: ValidationResult;
}

export function buildReport(input: ReportInput): BackfillReport {
  const { totals, route } = input;
  const tolerated = route.definition.batch?.toleratedFailurePercent ?? 0;
  const problems: string[] = [];
  const failedPercent = input.listed === 0 ? 0 : (totals.failed / input.listed) * 100;
  if (totals.failed > 0 && failedPercent > tolerated) {
    problems.push(`${totals.failed} of ${input.listed} objects failed (${round(failedPercent)}%, tolerated ${tolerated}%)`);
  }
  if (input.validation?.status === 'failed') {
    const v = input.validation;
    problems.push(`validation failed: ${v.foundCopies} of ${v.expectedCopies} copies found, ${v.mismatches.length} of ${v.sampled} sampled copies differ`);
  }
  return {
    route: route.name,
    runId: input.runId,
    status: problems.length === 0 ? 'succeeded' : 'failed',
    problems,
    source: { bucket: route.definition.source.bucket, prefix: input.sourcePrefix },
    manifest: input.manifest,
    report: input.report,
    startedAt: input.started.toISOString(),
    finishedAt: input.finished.toISOString(),
    durationMs: input.finished.getTime() - input.started.getTime(),
    concurrency: input.concurrency,
    counts: { listed: input.listed, excluded: input.excluded, copied: totals.copied, skipped: totals.skipped, failed: totals.failed, notTaken: totals.notTaken },
    bytes: totals.bytes,
    attempts: totals.attempts,
    retries: totals.retries,
    failures: totals.failures.slice(0, MAX_REPORTED_FAILURES),
    failuresNotListed: Math.max(0, totals.failures.length - MAX_REPORTED_FAILURES),
    ...(input.validation ? { validation: input.validation } : {}),
  };
}

export async function writeReport(ports: Ports, bucket: string, key: string, report: BackfillReport): Promise<void> {
  await ports.storage.put(bucket, key, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
}

/** The notification: a one-line subject and a short text body pointing at the report. */
export function reportNotification(report: BackfillReport): { subject: string; message: string } {
  const c = report.counts;
  const subject = `Switchyard backfill ${report.route} ${report.status}: ${c.copied} copied, ${c.skipped} skipped, ${c.failed} failed`;
  const lines = [
    `Backfill of route ${report.route} (run ${report.runId}) ${report.status}.`,
    `Source: s3://${report.source.bucket}/${report.source.prefix}`,
    `Objects: ${c.listed} listed, ${c.copied} copied, ${c.skipped} skipped, ${c.failed} failed; ${report.bytes} bytes copied in ${round(report.durationMs / 1000)} s.`,
    ...(report.validation ? [`Validation: ${report.validation.status} (${report.validation.foundCopies}/${report.validation.expectedCopies} copies found, ${report.validation.sampled} sampled)${earlierCoverage(report.validation)}`] : []),
    ...report.problems.map((p) => `Problem: ${p}`),
    `Report: ${report.report}`,
    `Manifest: ${report.manifest}`,
  ];
  return { subject, message: lines.join('\n') };
}

export async function publishReport(ports: Ports, topic: string, report: BackfillReport): Promise<string> {
  const { subject, message } = reportNotification(report);
  return (await ports.notifications.publish(topic, subject, message)).messageId;
}

/** What a resumed run's validation covered of its earlier attempts' work. */
export function earlierCoverage(validation: ValidationResult): string {
  const earlier = validation.earlierAttempts;
  if (!earlier) return '';
  const unrecorded = earlier.unrecorded > 0 ? `; ${earlier.unrecorded} finished under a checkpoint that recorded no destinations, not validated` : '';
  return `; covers ${earlier.objects} object(s) of earlier attempts (${earlier.copies} copies)${unrecorded}`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
