/**
 * Where one backfill run keeps its files: `<batch.manifests>/<route>/<runId>/manifest.jsonl`
 * and `…/report.json`, in the hub account's manifest bucket.
 */
import { randomBytes } from 'node:crypto';
import { UsageError } from '../errors.ts';
import type { CompiledRoute } from '../load/compiled-route.ts';

export interface RunLocation {
  bucket: string;
  /** Key prefix of this run, ending in `/`. */
  prefix: string;
  manifestKey: string;
  reportKey: string;
}

/** Written first in a dry run's folder: its manifest is a preview, never a run to resume. */
export const DRY_RUN_MARKER = 'dry-run.json';
/** The items a Step Functions run's Distributed Map reads: the run belongs to its execution. */
export const STEP_FUNCTIONS_ITEMS = 'items.json';

export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** A run id that sorts by start time and does not collide between runs started in the same second. */
export function newRunId(now: Date, random: () => string = () => randomBytes(3).toString('hex')): string {
  return `${now.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-')}-${random()}`;
}

export function runLocation(route: CompiledRoute, runId: string): RunLocation {
  const manifests = route.definition.batch?.manifests;
  if (manifests === undefined) {
    throw new UsageError('SY300', `route ${route.name} has no batch section: add batch.manifests (s3://bucket/prefix/) to backfill it`);
  }
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(manifests);
  if (!match?.[1]) throw new UsageError('SY301', `route ${route.name}: batch.manifests '${manifests}' is not an s3://bucket/prefix/ URI`);
  const base = match[2] === undefined || match[2] === '' ? '' : match[2].endsWith('/') ? match[2] : `${match[2]}/`;
  const prefix = `${base}${route.name}/${runId}/`;
  return { bucket: match[1], prefix, manifestKey: `${prefix}manifest.jsonl`, reportKey: `${prefix}report.json` };
}
