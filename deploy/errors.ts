/** Errors of `switchyard deploy` / `diff`: each says what went wrong and what to do next. */
import { SwitchyardError } from '../engine/errors.ts';

export type DeployErrorCode =
  | 'InvalidRoutes' // the routes do not validate: nothing is deployed
  | 'BundleFailed' // esbuild could not build the router function
  | 'CodeBucketUnavailable' // the code bucket exists but is not ours, or cannot be created
  | 'StackNotUpdatable' // the stack is in a state no change set can start from (e.g. ROLLBACK_COMPLETE)
  | 'ChangeSetFailed' // CloudFormation rejected the change set for a reason other than "no changes"
  | 'StackFailed' // execution ended in a failed or rolled-back stack status
  | 'ConfirmationRequired' // no TTY to ask and no --yes
  | 'InvalidDeployment' // the generated stacks name a dependency that is missing or circular
  | 'TimedOut' // a wait exceeded its deadline
  | 'ConcurrencyQuota' // the functions would reserve so much that fewer than 100 executions stay unreserved (Lambda refuses)
  | 'AccountSettingsUnavailable' // Lambda GetAccountSettings failed, so the reservation cannot be checked
  | 'NotificationOverlap' // a bucket notification of another tool overlaps Switchyard's entry (S3 would refuse both)
  | 'NoNotificationForBucket'; // notifications apply named a bucket no route receives S3 notifications from

export class DeployError extends SwitchyardError {
  override readonly name = 'DeployError';
  constructor(
    override readonly code: DeployErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** One line for a table cell or a log line: our errors with their code, AWS errors with the service's error name. */
export function reasonOf(error: unknown): string {
  if (error instanceof SwitchyardError) return `${error.message} [${error.code}]`;
  const name = (error as { name?: string }).name;
  const message = error instanceof Error ? error.message : String(error);
  return name && name !== 'Error' ? `${name}: ${message}` : message;
}
