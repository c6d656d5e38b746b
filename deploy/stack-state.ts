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
  const advice = recoveryAdvice(stackName, status);
  if (advice !== undefined) throw new DeployError('StackNotUpdatable', `stack ${stackName} is ${status}, which no change set can start from. ${advice}`);
  if (status.endsWith('_IN_PROGRESS')) {
    throw new DeployError('StackNotUpdatable', `stack ${stackName} is ${status}: another operation is running; wait for it to finish and deploy again`);
  }
  return 'UPDATE';
}

/**
 * How to get a stack out of a status no change set can start from: the one wording, whether
 * deploy finds the stack there before a change set (above) or leaves it there (progress.ts).
 */
export function recoveryAdvice(stackName: string, status: string): string | undefined {
  const events = `'aws cloudformation describe-stack-events --stack-name ${stackName}'`;
  const remove = `'aws cloudformation delete-stack --stack-name ${stackName}'`;
  switch (status) {
    case 'ROLLBACK_COMPLETE':
    case 'ROLLBACK_FAILED':
    case 'CREATE_FAILED':
      return `The stack was never created. Delete it with ${remove}, fix the cause (${events} shows it) and deploy again.`;
    case 'DELETE_FAILED':
      return `A deletion of the stack left resources it could not delete (${events} says why). Fix that and delete it again with ${remove}, or keep those resources with 'aws cloudformation delete-stack --stack-name ${stackName} --retain-resources <LogicalId>', then deploy again.`;
    case 'UPDATE_ROLLBACK_FAILED':
      return `The rollback itself failed. Run 'aws cloudformation continue-update-rollback --stack-name ${stackName}' (with --resources-to-skip for resources that cannot roll back), then deploy again.`;
    default:
      return undefined;
  }
}

/** CloudFormation answers DescribeStacks for an unknown name with a ValidationError "Stack with id X does not exist". */
export function isMissingStack(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e.name === 'ValidationError' && /does not exist/i.test(e.message ?? '');
}
