/**
 * The contract between the Step Functions state machine that `generate` writes for batch
 * routes (generators/cloudformation/state-machine.ts) and the generic Lambda
 * (engine/batch/phases.ts): what each state sends and what comes back. The Distributed Map
 * runs the same steps as `switchyard backfill` in-process: list → transfer → validate → report.
 */
import type { ManifestEntry } from './manifest-entry.ts';
import type { InventoryItem } from './manifest-input.ts';
import type { ValidationResult } from './validate.ts';

export const BATCH_PAYLOAD = 'batch';

/** State `List`: `{"switchyard":"batch","phase":"list","route":R,"runId.$":"$$.Execution.Name","input.$":"$"}`. */
export interface ListPhaseInput {
  switchyard: typeof BATCH_PAYLOAD;
  phase: 'list';
  route: string;
  runId: string;
  /** The execution's input; `prefix` narrows the route's source prefix. */
  input?: { prefix?: string };
}

/**
 * Stored at `$.list`; the Distributed Map's ItemReader reads `itemsBucket`/`itemsKey` (a JSON
 * array of ManifestEntry), or, for a route with `batch.inventory`, the inventory report at
 * `inventoryBucket`/`inventoryKey` (ReaderConfig MANIFEST) — then no items file is written and
 * `count` is 0: the Map alone reads the report's rows.
 */
export interface ListPhaseOutput {
  runId: string;
  manifest: string;
  itemsBucket: string;
  itemsKey: string;
  inventoryBucket?: string;
  inventoryKey?: string;
  count: number;
  excluded: number;
  sourcePrefix: string;
}

/** One ItemBatcher batch: `Items` from the manifest (or inventory rows), `BatchInput` fixed by the state machine. */
export interface TransferPhaseInput {
  Items: Array<ManifestEntry | InventoryItem>;
  /** `sourcePrefix`: the run's (`--prefix`), from the list phase; state machines deployed before it was passed leave it out. */
  BatchInput: { switchyard: typeof BATCH_PAYLOAD; phase: 'transfer'; route: string; runId: string; sourcePrefix?: string };
}

export interface TransferPhaseOutput {
  copied: number;
  skipped: number;
  failed: number;
  bytes: number;
}

/**
 * Error names the transfer phase throws when objects of its batch failed, so the state
 * machine's Retry can follow the seed's table: throttling retried long, AccessDenied never.
 */
export const TRANSFER_ERRORS = {
  throttled: 'Switchyard.Throttled',
  nonRetryable: 'Switchyard.NonRetryable',
  failed: 'Switchyard.TransferFailed',
} as const;

/** State `Validate`: `{"switchyard":"batch","phase":"validate","route":R,"runId.$":"$$.Execution.Name"}` → `$.validation`. */
export interface ValidatePhaseInput {
  switchyard: typeof BATCH_PAYLOAD;
  phase: 'validate';
  route: string;
  runId: string;
}

/** What a Catch stores at its ResultPath. */
export interface StepError {
  Error?: string;
  Cause?: string;
}

/** State `Report`: the whole state (`"state.$":"$"`) plus the execution's start time. */
export interface ReportPhaseInput {
  switchyard: typeof BATCH_PAYLOAD;
  phase: 'report';
  route: string;
  runId: string;
  startedAt: string;
  state: {
    list?: ListPhaseOutput;
    validation?: ValidationResult;
    listError?: StepError;
    transferError?: StepError;
    validateError?: StepError;
  };
}

/** Stored at `$.report`; a Choice fails the execution when `status` is `failed`. */
export interface ReportPhaseOutput {
  status: 'succeeded' | 'failed';
  report: string;
  problems: string[];
}

export type BatchPhaseInput = ListPhaseInput | TransferPhaseInput | ValidatePhaseInput | ReportPhaseInput;

/** The physical name of a batch route's state machine (also what `backfill --on aws` starts). */
export function stateMachineName(stackName: string, route: string): string {
  const name = `${stackName}-${route}-backfill`;
  return name.length <= 80 ? name : name.slice(0, 80);
}
