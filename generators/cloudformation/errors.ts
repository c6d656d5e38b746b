/** Errors of the generators: a route that cannot be turned into a safe template, or a template over an AWS limit. */
import { SwitchyardError } from '../../engine/errors.ts';

export type GeneratorErrorCode =
  | 'UnscopableLookup' // an SSM/S3 lookup whose name has no literal prefix: IAM cannot be scoped
  | 'UnscopableRole' // an assumeRole arn from an expression without allow.roles
  | 'UnscopableDestination' // an expression destination without an allow-list
  | 'DuplicateLogicalId' // two names that map to the same CloudFormation logical id
  | 'PatternTooLarge' // an EventBridge pattern over 2,048 characters
  | 'TemplateTooLarge' // over 500 resources or 1 MB
  | 'PolicyTooLarge' // the function's role needs more than 10 managed policies
  | 'ShardTooLarge' // one source bucket's routes do not fit in one stack
  | 'TooManyRules' // the deployment needs more EventBridge rules than a bus takes
  | 'OperatorQueueSplit'; // routes reading one operator queue placed in different stacks

export class GeneratorError extends SwitchyardError {
  override readonly name = 'GeneratorError';
  constructor(
    override readonly code: GeneratorErrorCode,
    message: string,
    readonly route?: string,
  ) {
    super(code, route === undefined ? message : `route ${route}: ${message}`);
  }
}

/**
 * Two things of a stack give one logical id: CloudFormation keeps letters and digits only, so
 * queue `x-notification` and bucket `x`'s intake queue both give `XNotificationQueue`. Kept as
 * an error rather than resolved by renaming either id: whichever id moved, its resource would
 * be created again under a physical name the deployed one still holds.
 */
export class DuplicateLogicalIdError extends GeneratorError {
  constructor(
    readonly logicalId: string,
    /** What each of the two gives the id for, e.g. `queue x-notification`, `the intake queue of bucket x`. */
    readonly claimedBy: readonly [string, string],
  ) {
    super(
      'DuplicateLogicalId',
      `${claimedBy[0]} and ${claimedBy[1]} both give the logical id ${logicalId} (CloudFormation ids keep letters and digits only): rename the queue, topic or route among them so their letters and digits differ (a bucket keeps its name: rename what it meets)`,
    );
  }
}
