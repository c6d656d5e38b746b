/**
 * Outputs every stack has (the role, for other accounts' policies), and export names so other
 * stacks can import any output as `<stack name>-<output>`.
 */
import { ROLE_ID } from './names.ts';
import type { CfnOutput } from './types.ts';

export function roleOutputs(): Record<string, CfnOutput> {
  return {
    RouterFunctionRoleName: { Description: 'Role of the router function (named in other accounts\' bucket and key policies)', Value: { Ref: ROLE_ID } },
    RouterFunctionRoleArn: { Description: 'ARN of the router function role', Value: { 'Fn::GetAtt': [ROLE_ID, 'Arn'] } },
  };
}

export function withExports(outputs: Record<string, CfnOutput>): Record<string, CfnOutput> {
  return Object.fromEntries(
    Object.entries(outputs).map(([id, output]) => [id, { ...output, Export: { Name: { 'Fn::Sub': `\${AWS::StackName}-${id}` } } }]),
  );
}
