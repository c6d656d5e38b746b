/**
 * `batch.api` (seed 003's API Gateway with AWS_IAM auth): `POST /runs` starts the route's state
 * machine, the request body being the run's input. API Gateway calls Step Functions itself, with
 * a role that may start this state machine only: no function sits in between.
 */
import { pascal } from './names.ts';
import { restApiResources } from './rest-api.ts';
import type { CfnOutput, CfnResource } from './types.ts';

const RUNS_PATH = 'runs';

/**
 * The StartExecution request: the body, as a JSON string, is the input. escapeJavaScript also
 * escapes `'`, which JSON does not allow, so that is undone (the AWS docs' own template).
 */
const START_TEMPLATE = `{"stateMachineArn": "\${Machine}", "input": "$util.escapeJavaScript($input.json('$')).replaceAll("\\\\'", "'")"}`;

export function batchApiResources(stackName: string, route: string, machineId: string): { resources: Record<string, CfnResource>; outputs: Record<string, CfnOutput> } {
  return restApiResources({
    idPrefix: `${pascal(route)}Api`,
    name: `${stackName}-${route}`,
    purpose: `starts backfill runs of route ${route}`,
    path: RUNS_PATH,
    integration: {
      Type: 'AWS',
      IntegrationHttpMethod: 'POST',
      Uri: { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:states:action/StartExecution' },
      PassthroughBehavior: 'NEVER',
      RequestTemplates: { 'application/json': { 'Fn::Sub': [START_TEMPLATE, { Machine: { Ref: machineId } }] } },
      // Step Functions' own status decides: 200 with the execution's ARN, or its error as 400/500.
      IntegrationResponses: [{ StatusCode: '200' }, { StatusCode: '400', SelectionPattern: '4\\d{2}' }, { StatusCode: '500', SelectionPattern: '5\\d{2}' }],
    },
    statusCodes: ['200', '400', '500'],
    // What `backfill --on aws` sends: nothing, or the prefix to narrow the route's to.
    bodySchema: { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', additionalProperties: false, properties: { prefix: { type: 'string' } } },
    statement: { Sid: 'StartBackfill', Effect: 'Allow', Action: ['states:StartExecution'], Resource: [`\${${machineId}}`] },
  });
}
