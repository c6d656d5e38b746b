/**
 * `backfill --resume`: which run to carry on. A run is unfinished while its manifest exists and
 * its report does not; `latest` is the newest such run of the route (run ids sort by start time).
 * Dry runs (they leave a manifest and never a report) and Step Functions runs (`items.json`:
 * resuming one here would copy beside its execution) are never resumed.
 */
import { UsageError } from '../errors.ts';
import type { CompiledRoute } from '../load/compiled-route.ts';
import type { Ports } from '../ports/types.ts';
import { DRY_RUN_MARKER, STEP_FUNCTIONS_ITEMS, runLocation } from './location.ts';
import { listEverything } from './partitioned-listing.ts';

export async function runToResume(route: CompiledRoute, ports: Ports, requested: string): Promise<string> {
  const runs = runLocation(route, 'x');
  const routePrefix = runs.prefix.slice(0, -'x/'.length);
  const keys = (await listEverything(ports.storage, runs.bucket, routePrefix)).map((o) => o.key.slice(routePrefix.length));
  const files = new Map<string, Set<string>>();
  for (const key of keys) {
    const slash = key.indexOf('/');
    if (slash < 0) continue;
    const runId = key.slice(0, slash);
    let names = files.get(runId);
    if (!names) files.set(runId, (names = new Set()));
    names.add(key.slice(slash + 1));
  }
  const local = (names: Set<string>): boolean => !names.has(DRY_RUN_MARKER) && !names.has(STEP_FUNCTIONS_ITEMS);
  const unfinished = [...files.entries()].filter(([, names]) => names.has('manifest.jsonl') && !names.has('report.json') && local(names)).map(([runId]) => runId);
  if (requested !== 'latest') {
    const names = files.get(requested);
    if (!names?.has('manifest.jsonl')) {
      throw new UsageError('SY306', `run ${requested} of route ${route.name} has no manifest under s3://${runs.bucket}/${routePrefix}${requested}/: nothing to resume (start a new run without --resume)`);
    }
    if (names.has(DRY_RUN_MARKER)) throw new UsageError('SY308', `run ${requested} of route ${route.name} was a dry run: it copied nothing, so there is nothing to resume (start a new run without --resume)`);
    if (names.has(STEP_FUNCTIONS_ITEMS)) {
      throw new UsageError('SY309', `run ${requested} of route ${route.name} ran on Step Functions (--on aws): a local --resume would copy beside its execution. Redrive the execution (aws stepfunctions redrive-execution) or start a new run`);
    }
    return requested;
  }
  const latest = unfinished.sort().at(-1);
  if (latest === undefined) throw new UsageError('SY307', `route ${route.name} has no unfinished run under s3://${runs.bucket}/${routePrefix} (every run has its report): start a new run without --resume`);
  return latest;
}
