/**
 * What the stack looks like before a change set: absent, or in a status that decides whether
 * the change set creates it, updates it, or cannot start at all.
 */
import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DeployError } from './errors.ts';

export type StackState = { exists: false } | { exists: true; stackId: string; status: string };

export type ChangeSetType = 'CREATE' | 'UPDATE';

export async function stackState(cfn: CloudFormationClient, stackName: string): Promise<StackState> {
  try {
    const described = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = described.Stacks?.[0];
    if (!stack?.StackId || !stack.StackStatus) return { exists: false };
    return { exists: true, stackId: stack.StackId, status: stack.StackStatus };
  } catch (error) {
    if (isMissingStack(error)) return { exists: false };
    throw error;
  }
}

/** CREATE for a new stack (or the empty one a never-executed CREATE change set left), UPDATE otherwise; refuses the rest. */
export function changeSetTypeFor(stackName: string, state: StackState): ChangeSetType {
  if (!state.exists || state.status === 'REVIEW_IN_PROGRESS') return 'CREATE';
  const { status } = state;
  if (['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED', 'DELETE_FAILED'].includes(status)) {
    throw new DeployError(
      'StackNotUpdatable',
      `stack ${stackName} is ${status}: its creation failed and it cannot be updated. Look at the failure with 'aws cloudformation describe-stack-events --stack-name ${stackName}', delete it with 'aws cloudformation delete-stack --stack-name ${stackName}', then deploy again`,
    );
  }
  if (status === 'UPDATE_ROLLBACK_FAILED') {
    throw new DeployError(
      'StackNotUpdatable',
      `stack ${stackName} is UPDATE_ROLLBACK_FAILED: finish the rollback with 'aws cloudformation continue-update-rollback --stack-name ${stackName}', then deploy again`,
    );
  }
  if (status.endsWith('_IN_PROGRESS')) {
    throw new DeployError('StackNotUpdatable', `stack ${stackName} is ${status}: another operation is running; wait for it to finish and deploy again`);
  }
  return 'UPDATE';
}

/** CloudFormation answers DescribeStacks for an unknown name with a ValidationError "Stack with id X does not exist". */
export function isMissingStack(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e.name === 'ValidationError' && /does not exist/i.test(e.message ?? '');
}
