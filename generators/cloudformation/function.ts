/**
 * The one generic runtime function every route runs in, with its log group. Code comes from
 * the `LambdaCodeBucket`/`LambdaCodeKey` parameters (as in seed 000); `deploy` uploads the bundle.
 */
import { FUNCTION_ID, functionName, LOG_GROUP_ID, ROLE_ID } from './names.ts';
import { stateBucketName } from './shared-names.ts';
import type { CfnParameter, GeneratorContext, PartOutput } from './types.ts';

export const CODE_PARAMETERS: Record<string, CfnParameter> = {
  LambdaCodeBucket: { Type: 'String', Description: 'S3 bucket holding the router function bundle (switchyard deploy uploads it)', MinLength: 3 },
  LambdaCodeKey: { Type: 'String', Description: 'S3 key of the router function bundle (zip)', MinLength: 1 },
};

export function functionPart(context: GeneratorContext): PartOutput {
  const name = functionName(context.stackName);
  const settings = context.function;
  return {
    resources: {
      [LOG_GROUP_ID]: {
        Type: 'AWS::Logs::LogGroup',
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
        Properties: { LogGroupName: `/aws/lambda/${name}`, RetentionInDays: settings.logRetentionDays },
      },
      [FUNCTION_ID]: {
        Type: 'AWS::Lambda::Function',
        // The log group must exist first, or Lambda creates one without retention.
        DependsOn: [LOG_GROUP_ID],
        Properties: {
          FunctionName: name,
          Description: 'Switchyard router: evaluates the routes for each object event and carries out their actions',
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'handler.handler',
          Code: { S3Bucket: { Ref: 'LambdaCodeBucket' }, S3Key: { Ref: 'LambdaCodeKey' } },
          Role: { 'Fn::GetAtt': [ROLE_ID, 'Arn'] },
          MemorySize: settings.memorySize,
          Timeout: settings.timeoutSeconds,
          ...(settings.reservedConcurrency > 0 ? { ReservedConcurrentExecutions: settings.reservedConcurrency } : {}),
          TracingConfig: { Mode: 'Active' },
          Environment: {
            Variables: {
              SWITCHYARD_STATE_BUCKET: stateBucketName(context),
              NODE_OPTIONS: '--enable-source-maps',
            },
          },
        },
      },
    },
    outputs: {
      RouterFunctionName: { Description: 'The router function', Value: { Ref: FUNCTION_ID } },
      RouterFunctionArn: { Description: 'ARN of the router function', Value: { 'Fn::GetAtt': [FUNCTION_ID, 'Arn'] } },
      RouterFunctionLogGroup: { Description: 'Log group of the router function', Value: { Ref: LOG_GROUP_ID } },
    },
    statements: [],
  };
}
