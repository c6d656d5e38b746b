/**
 * The parallel part of a backfill: every manifest entry through transferObject, at most
 * `concurrency` at once (the route's batch.concurrency unless the run says otherwise).
 */
import { forEachLimit } from '../limiter.ts';
import type { CompiledRoute } from '../load/compiled-route.ts';
import type { Ports } from '../ports/types.ts';
import type { LookupDeps } from '../resolve/bindings.ts';
import { LookupCache } from '../resolve/lookup-cache.ts';
import { ParameterBatcher } from '../resolve/parameter-batcher.ts';
import { silentLog, type Log } from '../report/log.ts';
import { DestinationIndex } from './destination-index.ts';
import type { ManifestEntry } from './manifest-entry.ts';
import { staticDestinations } from './static-destinations.ts';
import { transferObject, type ExpectedCopy, type ObjectOutcome, type TransferFailure } from './transfer-object.ts';

export const DEFAULT_BATCH_CONCURRENCY = 40;
const LOOKUP_TTL_MS = 5 * 60 * 1000;

export interface TransferOptions {
  concurrency?: number;
  multipartThreshold?: number;
  log?: Log;
  /** The listed source prefix: destinations under it are listed once for skip-existing. */
  destinationPrefix?: string;
  /** An index already started (destinationIndex), instead of one made here from destinationPrefix. */
  destinations?: DestinationIndex;
  /** Called as each object finishes, in completion order. */
  onObject?: (outcome: ObjectOutcome) => void;
  /** A resumed run: when its manifest was written (see TransferObjectOptions.resumedFrom). */
  resumedFrom?: Date;
}

export interface TransferTotals {
  copied: number;
  skipped: number;
  failed: number;
  /** Bytes copied by this run (skipped objects count nothing). */
  bytes: number;
  attempts: number;
  retries: number;
  /** Skipped objects the route's tag or `when` conditions did not take. */
  notTaken: number;
  failures: TransferFailure[];
  /** Every copy that now exists at a destination, for validation. */
  copies: ExpectedCopy[];
}

export function concurrencyFor(route: CompiledRoute, requested?: number): number {
  return requested ?? route.definition.batch?.concurrency ?? DEFAULT_BATCH_CONCURRENCY;
}

export async function transferAll(route: CompiledRoute, ports: Ports, entries: Iterable<ManifestEntry>, options: TransferOptions = {}): Promise<TransferTotals> {
  const log = options.log ?? silentLog;
  const deps: LookupDeps = { ports, cache: new LookupCache(), parameters: new ParameterBatcher(ports.parameters), lookupTtlMs: LOOKUP_TTL_MS };
  const destinations = options.destinations ?? (options.destinationPrefix !== undefined ? new DestinationIndex(ports.storage, options.destinationPrefix) : undefined);
  const fixed = staticDestinations(route);
  const totals: TransferTotals = { copied: 0, skipped: 0, failed: 0, bytes: 0, attempts: 0, retries: 0, notTaken: 0, failures: [], copies: [] };
  await forEachLimit(entries, concurrencyFor(route, options.concurrency), async (entry) => {
    const outcome = await transferObject(route, entry, {
      ports,
      deps,
      log,
      ...(destinations ? { destinations } : {}),
      ...(fixed ? { fixed } : {}),
      ...(options.multipartThreshold !== undefined ? { multipartThreshold: options.multipartThreshold } : {}),
      ...(options.resumedFrom ? { resumedFrom: options.resumedFrom } : {}),
    });
    add(totals, outcome);
    for (const failure of outcome.failures) log.write('error', 'object not transferred', { route: route.name, ...failure });
    options.onObject?.(outcome);
  });
  return totals;
}

/**
 * The destination index for a run over `prefix`, already listing the route's fixed destinations:
 * started before the source listing, the two listings overlap instead of following each other.
 */
export function destinationIndex(route: CompiledRoute, storage: Ports['storage'], prefix: string): DestinationIndex {
  const index = new DestinationIndex(storage, prefix);
  for (const destination of staticDestinations(route) ?? []) index.prefetch(destination.bucket, destination.access);
  return index;
}

function add(totals: TransferTotals, outcome: ObjectOutcome): void {
  totals[outcome.status]++;
  totals.bytes += outcome.bytes;
  totals.attempts += outcome.attempts;
  totals.retries += outcome.retries;
  if (outcome.notTaken !== undefined) totals.notTaken++;
  totals.failures.push(...outcome.failures);
  totals.copies.push(...outcome.copies);
}
