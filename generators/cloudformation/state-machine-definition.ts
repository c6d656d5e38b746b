/**
 * The Amazon States Language (JSONPath) definition of a batch route's state machine:
 * List → Transfer (Distributed Map over the listed items, in batches) → Validate → Report →
 * fail the execution when the report says the run failed. Every Task calls the one generic
 * function with the payloads of engine/batch/step-payloads.ts; the types below make the
 * compiler hold each payload to that contract.
 */
import type { Batch } from '../../schema/route.ts';
import {
  BATCH_PAYLOAD,
  TRANSFER_ERRORS,
  type ListPhaseInput,
  type ReportPhaseInput,
  type TransferPhaseInput,
  type ValidatePhaseInput,
} from '../../engine/batch/step-payloads.ts';
import type { CfnValue } from './types.ts';

/** Defaults of the schema's `batch` section (schema/route.schema.json). */
export const BATCH_DEFAULTS = { concurrency: 40, toleratedFailurePercent: 0, batchSize: 20 } as const;

/** The definition names the function through `DefinitionSubstitutions` (CloudFormation fills it in). */
export const FUNCTION_ARN_PLACEHOLDER = '${RouterFunctionArn}';

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const EXECUTION_NAME = '$$.Execution.Name';

/** Errors of the Lambda service itself (not of our code), as AWS recommends retrying them. */
export const LAMBDA_SERVICE_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  MaxDelaySeconds?: number;
  JitterStrategy: 'FULL';
}

/** Seed 003's retry table, Step Functions column: Lambda service error 3 × (2 s, ×2). */
export const LAMBDA_SERVICE_RETRY: Retrier = { ErrorEquals: LAMBDA_SERVICE_ERRORS, IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' };

/**
 * Retries of one transfer batch. Throttling (S3 SlowDown after the function's own 5 retries)
 * is retried longest (each wait capped at 5 minutes); AccessDenied and the like (`Switchyard.NonRetryable`) have no retrier,
 * so they fail the batch at once. All with full jitter against a thundering herd.
 */
export const TRANSFER_RETRY: Retrier[] = [
  { ErrorEquals: [TRANSFER_ERRORS.throttled], IntervalSeconds: 5, MaxAttempts: 8, BackoffRate: 2.5, MaxDelaySeconds: 300, JitterStrategy: 'FULL' },
  LAMBDA_SERVICE_RETRY,
  { ErrorEquals: [TRANSFER_ERRORS.failed], IntervalSeconds: 5, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: 'FULL' },
];

/** A payload as a Task's `Parameters` write it: fixed fields as they are, `dynamic` ones as `"field.$": "<path>"`. */
type PayloadParameters<T, Dynamic extends keyof T & string> = Required<Pick<T, Exclude<keyof T, Dynamic>>> & { [K in Dynamic as `${K}.$`]: string };

export type ListParameters = PayloadParameters<ListPhaseInput, 'runId' | 'input'>;
export type BatchInputParameters = PayloadParameters<TransferPhaseInput['BatchInput'], 'runId' | 'sourcePrefix'>;
export type ValidateParameters = PayloadParameters<ValidatePhaseInput, 'runId'>;
export type ReportParameters = PayloadParameters<ReportPhaseInput, 'runId' | 'startedAt' | 'state'>;

export interface StateMachineSettings {
  route: string;
  batch: Batch;
  /** Where a failed run's report is, for the Fail state's cause (`s3://bucket/prefix/<route>/`). */
  runsUri: string;
  functionArn?: string;
}

/** The definition as an object (CloudFormation's `Definition`). */
export function stateMachineDefinition(settings: StateMachineSettings): { [key: string]: CfnValue } {
  const { route, batch } = settings;
  const functionArn = settings.functionArn ?? FUNCTION_ARN_PLACEHOLDER;
  const list: ListParameters = { switchyard: BATCH_PAYLOAD, phase: 'list', route, 'runId.$': EXECUTION_NAME, 'input.$': '$' };
  const batchInput: BatchInputParameters = { switchyard: BATCH_PAYLOAD, phase: 'transfer', route, 'runId.$': '$.list.runId', 'sourcePrefix.$': '$.list.sourcePrefix' };
  const validate: ValidateParameters = { switchyard: BATCH_PAYLOAD, phase: 'validate', route, 'runId.$': EXECUTION_NAME };
  const report: ReportParameters = {
    switchyard: BATCH_PAYLOAD,
    phase: 'report',
    route,
    'runId.$': EXECUTION_NAME,
    'startedAt.$': '$$.Execution.StartTime',
    'state.$': '$',
  };
  const invoke = (payload: { [key: string]: CfnValue }): { [key: string]: CfnValue } => ({ FunctionName: functionArn, Payload: payload });
  return {
    Comment: `Backfill of route ${route}: list → transfer (Distributed Map) → validate → report (switchyard generate)`,
    StartAt: 'List',
    States: {
      List: {
        Type: 'Task',
        Comment: 'Lists the source into the run manifest and the items file the Map reads',
        Resource: LAMBDA_INVOKE,
        Parameters: invoke(list),
        ...phaseResult('$.list'),
        Retry: [retrier(LAMBDA_SERVICE_RETRY)],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.listError', Next: 'Report' }],
        Next: 'ListResult',
      },
      ListResult: unwrap('$.list', 'Transfer'),
      Transfer: {
        Type: 'Map',
        Comment: 'Copies the listed objects, one child execution per batch; batch results go to S3, not into the state',
        ItemReader: itemReader(batch),
        ItemBatcher: { MaxItemsPerBatch: batch.batchSize ?? BATCH_DEFAULTS.batchSize, BatchInput: { ...batchInput } },
        MaxConcurrency: batch.concurrency ?? BATCH_DEFAULTS.concurrency,
        ToleratedFailurePercentage: batch.toleratedFailurePercent ?? BATCH_DEFAULTS.toleratedFailurePercent,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'TransferBatch',
          States: {
            TransferBatch: {
              Type: 'Task',
              Resource: LAMBDA_INVOKE,
              // The batch as ItemBatcher made it: `{ Items, BatchInput }` (TransferPhaseInput).
              Parameters: { FunctionName: functionArn, 'Payload.$': '$' },
              ResultSelector: { 'Payload.$': '$.Payload' },
              Retry: TRANSFER_RETRY.map(retrier),
              End: true,
            },
          },
        },
        // The Map's own output (one result per batch) would outgrow the 256 KiB state for big runs.
        ResultPath: null,
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.transferError', Next: 'Validate' }],
        Next: 'Validate',
      },
      Validate: {
        Type: 'Task',
        Comment: 'Counts the copies at the destinations and checks a sample of sizes and ETags',
        Resource: LAMBDA_INVOKE,
        Parameters: invoke({ ...validate }),
        ...phaseResult('$.validation'),
        Retry: [retrier(LAMBDA_SERVICE_RETRY)],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.validateError', Next: 'Report' }],
        Next: 'ValidateResult',
      },
      ValidateResult: unwrap('$.validation', 'Report'),
      Report: {
        Type: 'Task',
        Comment: 'Writes report.json next to the manifest and announces it',
        Resource: LAMBDA_INVOKE,
        Parameters: invoke({ ...report }),
        ...phaseResult('$.report'),
        Retry: [retrier(LAMBDA_SERVICE_RETRY)],
        Next: 'ReportResult',
      },
      ReportResult: unwrap('$.report', 'RunSucceeded?'),
      'RunSucceeded?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.report.status', StringEquals: 'failed', Next: 'RunFailed' }],
        Default: 'RunSucceeded',
      },
      RunFailed: {
        Type: 'Fail',
        Error: 'BackfillFailed',
        Cause: `The backfill of route ${route} failed: see report.json under ${settings.runsUri}<execution name>/ for the problems`,
      },
      RunSucceeded: { Type: 'Succeed' },
    },
  };
}

/**
 * Where the Map's items come from: the items file the List step wrote, or — with
 * `batch.inventory` — the S3 Inventory report the List step picked, read by Step Functions
 * itself (MANIFEST: manifest.json and its CSV files, one item per row).
 */
function itemReader(batch: Batch): { [key: string]: CfnValue } {
  if (batch.inventory !== undefined) {
    return {
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'MANIFEST' },
      Parameters: { 'Bucket.$': '$.list.inventoryBucket', 'Key.$': '$.list.inventoryKey' },
    };
  }
  return {
    Resource: 'arn:aws:states:::s3:getObject',
    ReaderConfig: { InputType: 'JSON' },
    Parameters: { 'Bucket.$': '$.list.itemsBucket', 'Key.$': '$.list.itemsKey' },
  };
}

/** `lambda:invoke` answers `{ Payload, StatusCode, … }`: keep only the Payload, at `path` for now. */
function phaseResult(path: string): { [key: string]: CfnValue } {
  return { ResultSelector: { 'Payload.$': '$.Payload' }, ResultPath: path };
}

/**
 * `path` holds `{ Payload: output }`; this puts the output itself there. JSONPath's ResultSelector
 * cannot return the Payload unwrapped, and naming its fields would break on optional ones
 * (ValidationResult.error): a Pass state's ResultPath applies to its raw input, so
 * `InputPath: <path>.Payload` + `ResultPath: <path>` replaces the wrapper by what it wraps.
 */
function unwrap(path: string, next: string): { [key: string]: CfnValue } {
  return { Type: 'Pass', InputPath: `${path}.Payload`, ResultPath: path, Next: next };
}

function retrier(r: Retrier): { [key: string]: CfnValue } {
  return {
    ErrorEquals: [...r.ErrorEquals],
    IntervalSeconds: r.IntervalSeconds,
    MaxAttempts: r.MaxAttempts,
    BackoffRate: r.BackoffRate,
    ...(r.MaxDelaySeconds !== undefined ? { MaxDelaySeconds: r.MaxDelaySeconds } : {}),
    JitterStrategy: r.JitterStrategy,
  };
}
