/** `switchyard backfill --route NAME`: copy what already exists under the route's source prefix (seed 003), in-process. */
import { runBackfill, type BackfillSummary } from '../../engine/batch/run-backfill.ts';
import { createProgress, formatBytes, type ProgressSink } from '../../engine/batch/progress.ts';
import { earlierCoverage } from '../../engine/batch/report.ts';
import { ActionError, UsageError } from '../../engine/errors.ts';
import { nearestName } from '../../engine/load/nearest-name.ts';
import { AccessResolver, createAwsPorts } from '../../engine/ports/aws/index.ts';
import type { Log } from '../../engine/report/log.ts';
import { parseSize } from '../../engine/units.ts';
import type { ManifestInput } from '../../engine/batch/manifest-input.ts';
import { runToResume } from '../../engine/batch/resume.ts';
import type { Output } from '../output.ts';
import { loadValidRoutes } from './load-valid-routes.ts';
import { MAX_COPY_OBJECT_BYTES } from '../../engine/s3-limits.ts';

export interface BackfillCommandOptions {
  route: string;
  routes: string;
  prefix?: string;
  endpoint?: string;
  region?: string;
  concurrency?: number;
  /** A size as route files write them: `8MiB`, `5GB`. */
  multipartThreshold?: string;
  dryRun: boolean;
  json: boolean;
  /** A run id, or `latest`: carry on that unfinished run. */
  resume?: string;
  /** `s3://…/manifest.json` of an S3 Inventory report to take the objects from. */
  inventory?: string;
  /** `s3://…` CSV of `bucket,key` rows naming the objects to copy. */
  csv?: string;
}

export async function backfillCommand(options: BackfillCommandOptions, out: Output): Promise<number> {
  const routes = loadValidRoutes(options.routes, out);
  if (!routes) return 1;
  const route = routes.find((r) => r.name === options.route);
  if (!route) {
    const near = nearestName(options.route, routes.map((r) => r.name));
    throw new UsageError('SY303', `no route named '${options.route}' in ${options.routes}${near ? ` (did you mean '${near}'?)` : ''}`);
  }
  if (!route.definition.batch) throw new UsageError('SY300', `route ${route.name} has no batch section: add batch.manifests (s3://bucket/prefix/) to backfill it`);
  const concurrency = options.concurrency;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new UsageError('SY304', `--concurrency must be a whole number of at least 1, got ${concurrency}`);
  }
  const multipartThreshold = thresholdOf(options.multipartThreshold);
  const input = inputOf(options);

  const progress = createProgress(progressSink(out));
  // A backfill is thousands of plain CopyObjects: each goes as one signed request (direct-copy.ts).
  const config = { ...(options.endpoint ? { endpoint: options.endpoint } : {}), ...(options.region ? { region: options.region } : {}), directCopies: true };
  const resolver = new AccessResolver(config);
  const ports = createAwsPorts(config, resolver);
  let summary: BackfillSummary;
  try {
    summary = await runBackfill(route, ports, {
      ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(multipartThreshold !== undefined ? { multipartThreshold } : {}),
      dryRun: options.dryRun,
      log: errorLines((line) => progress.note(line)),
      progress,
      ...(input ? { input } : {}),
      ...(options.resume !== undefined ? { resume: await runToResume(route, ports, options.resume) } : {}),
    });
  } catch (error) {
    if (!(error instanceof ActionError)) throw error;
    // The run could not start or finish (listing refused, manifest bucket missing …).
    out.stderr(`switchyard backfill: ${error.message} [${error.code}]`);
    if (options.json) out.stdout(JSON.stringify({ route: route.name, error: { code: error.code, message: error.message, failureClass: error.failureClass } }));
    return 1;
  } finally {
    resolver.clear();
    resolver.own.destroy();
  }

  if (options.json) out.stdout(JSON.stringify({ ...summary, report: summary.report ?? null }));
  else for (const line of summaryText(summary)) out.stdout(line);
  return summary.status === 'succeeded' ? 0 : 1;
}

function inputOf(options: BackfillCommandOptions): ManifestInput | undefined {
  const given = [options.inventory !== undefined, options.csv !== undefined, options.resume !== undefined].filter(Boolean).length;
  if (given > 1) throw new UsageError('SY308', '--inventory, --csv and --resume each say where the objects come from: give one of them');
  if (options.inventory !== undefined) return { kind: 'inventory', uri: options.inventory };
  if (options.csv !== undefined) return { kind: 'csv', uri: options.csv };
  return undefined;
}

function thresholdOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  let bytes: number;
  try {
    bytes = parseSize(text);
  } catch (error) {
    throw new UsageError('SY305', `--multipart-threshold: ${(error as Error).message}`);
  }
  if (bytes > MAX_COPY_OBJECT_BYTES) throw new UsageError('SY305', `--multipart-threshold ${text}: above what one CopyObject copies (5 GiB), so it cannot mean what it says: give 5GiB or less`);
  return bytes;
}

function progressSink(out: Output): ProgressSink {
  return {
    line: (text) => out.stderr(text),
    // Only a terminal can have its current line replaced; everything else gets whole lines.
    ...(out.isTTY ? { redraw: (text: string) => void process.stderr.write(`\r\x1b[2K${text}`) } : {}),
  };
}

/** Structured log lines for errors only: retries show up as a count in the progress line. */
function errorLines(write: (line: string) => void): Log {
  return {
    write(level, message, fields = {}) {
      if (level === 'error') write(JSON.stringify({ level, message, ...fields }));
    },
  };
}

export function summaryText(summary: BackfillSummary): string[] {
  const lines: string[] = [];
  for (const planned of summary.planned ?? []) {
    lines.push(`would copy ${planned.source} → ${planned.destination} (${planned.method}, ${formatBytes(planned.bytes)})`);
  }
  const verb = summary.dryRun ? 'would copy' : 'copied';
  lines.push(`backfill ${summary.route} run ${summary.runId}${summary.dryRun ? ' (dry run: nothing copied)' : ''}${summary.resumed !== undefined ? ` (resumed: ${summary.resumed} objects were already done)` : ''}: ${summary.status}`);
  lines.push(
    `  ${summary.listed} objects listed (${summary.excluded} outside the route's match), ${verb} ${summary.copied}, skipped ${summary.skipped}, failed ${summary.failed}; ` +
      `${formatBytes(summary.bytes)} in ${(summary.durationMs / 1000).toFixed(1)} s${summary.retries > 0 ? `, ${summary.retries} retries` : ''}`,
  );
  const v = summary.validation;
  if (v) lines.push(`  validation ${v.status}: ${v.foundCopies}/${v.expectedCopies} copies found, ${v.sampled} sampled, ${v.mismatches.length} differ${earlierCoverage(v)}${v.error ? ` (${v.error})` : ''}`);
  for (const problem of summary.problems) lines.push(`  problem: ${problem}`);
  lines.push(`  manifest: ${summary.manifest}`);
  if (summary.report) lines.push(`  report:   ${summary.report}`);
  const n = summary.notification;
  if (n) lines.push(n.error ? `  notification to ${n.topic} failed: ${n.error}` : `  announced on ${n.topic} (message ${n.messageId ?? ''})`);
  return lines;
}
