/**
 * `batch.api` (seed 003's API Gateway with AWS_IAM auth): a regional REST API per batch route
 * whose `POST /runs` starts the route's state machine, the request body being the run's input.
 * API Gateway calls Step Functions itself (an AWS service integration, with a role allowed to
 * start this state machine only), so no function sits in between. The deployment's logical id
 * carries a hash of the method, so a changed method is deployed to the stage again.
 */
import type { CfnOutput, CfnResource } from './types.ts';
import { pascal, shortHash } from './names.ts';
import { renderStatement, trustedBy } from './role.ts';

export const API_STAGE = 'v1';
export const RUNS_PATH = 'runs';

/**
 * The StartExecution request: the body, as a JSON string, is the input. escapeJavaScript also
 * escapes `'`, which JSON does not allow, so that is undone (the AWS docs' own template).
 */
const START_TEMPLATE = `{"stateMachineArn": "\${Machine}", "input": "$util.escapeJavaScript($input.json('$')).replaceAll("\\\\'", "'")"}`;

export function apiIds(route: string): { api: string; runs: string; method: string; role: string; stage: string; url: string } {
  const p = pascal(route);
  return { api: `${p}Api`, runs: `${p}ApiRuns`, method: `${p}ApiStartRun`, role: `${p}ApiRole`, stage: `${p}ApiStage`, url: `${p}ApiUrl` };
}

export function batchApiResources(stackName: string, route: string, machineId: string): { resources: Record<string, CfnResource>; outputs: Record<string, CfnOutput> } {
  const ids = apiIds(route);
  const method: CfnResource = {
    Type: 'AWS::ApiGateway::Method',
    Properties: {
      RestApiId: { Ref: ids.api },
      ResourceId: { Ref: ids.runs },
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      Integration: {
        Type: 'AWS',
        IntegrationHttpMethod: 'POST',
        Uri: { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:states:action/StartExecution' },
        Credentials: { 'Fn::GetAtt': [ids.role, 'Arn'] },
        PassthroughBehavior: 'NEVER',
        RequestTemplates: { 'application/json': { 'Fn::Sub': [START_TEMPLATE, { Machine: { Ref: machineId } }] } },
        // Step Functions' own status decides: 200 with the execution's ARN, or its error as 400/500.
        IntegrationResponses: [{ StatusCode: '200' }, { StatusCode: '400', SelectionPattern: '4\\d{2}' }, { StatusCode: '500', SelectionPattern: '5\\d{2}' }],
      },
      MethodResponses: [{ StatusCode: '200' }, { StatusCode: '400' }, { StatusCode: '500' }],
    },
  };
  const deployment = `${pascal(route)}ApiDeployment${shortHash(JSON.stringify(method))}`;
  const start = { Sid: 'StartBackfill', Effect: 'Allow' as const, Action: ['states:StartExecution'], Resource: [`\${${machineId}}`] };
  return {
    resources: {
      [ids.api]: {
        Type: 'AWS::ApiGateway::RestApi',
        Properties: {
          Name: `${stackName}-${route}`,
          Description: `Starts backfill runs of route ${route} (POST /${RUNS_PATH}, IAM auth)`,
          EndpointConfiguration: { Types: ['REGIONAL'] },
        },
      },
      [ids.runs]: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: { Ref: ids.api }, ParentId: { 'Fn::GetAtt': [ids.api, 'RootResourceId'] }, PathPart: RUNS_PATH } },
      [ids.method]: method,
      [ids.role]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Description: `Lets the API of route ${route} start its backfill runs`,
          AssumeRolePolicyDocument: trustedBy('apigateway.amazonaws.com'),
          Policies: [{ PolicyName: 'start-backfill', PolicyDocument: { Version: '2012-10-17', Statement: [renderStatement(start)] } }],
        },
      },
      // The Ref to the method (not DependsOn) orders the deployment after it: moto's change sets ignore DependsOn.
      [deployment]: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: ids.api }, Description: { 'Fn::Sub': [`Route ${route}: POST /${RUNS_PATH} (method \${Method})`, { Method: { Ref: ids.method } }] } } },
      [ids.stage]: {
        Type: 'AWS::ApiGateway::Stage',
        Properties: { RestApiId: { Ref: ids.api }, DeploymentId: { Ref: deployment }, StageName: API_STAGE, TracingEnabled: true, Description: `Route ${route}: start backfill runs` },
      },
    },
    outputs: {
      [ids.url]: {
        Description: `POST here (SigV4, execute-api:Invoke) to start a backfill run of route ${route}`,
        Value: { 'Fn::Sub': [`https://\${Api}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/${API_STAGE}/${RUNS_PATH}`, { Api: { Ref: ids.api } }] },
      },
    },
  };
}
