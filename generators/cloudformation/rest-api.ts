/**
 * A regional API Gateway REST API with one `POST /<path>` under IAM (SigV4) auth, calling an AWS
 * service itself (an AWS integration) with a role that may make that one call: what `batch.api`
 * (StartExecution) and a route's `api` (Lambda Invoke) are built from. The deployment's logical
 * id carries a hash of the method, so a changed method is deployed to the stage again; the stage
 * is `v1`, and its URL an output.
 */
import { pascal, shortHash } from './names.ts';
import { renderStatement, trustedBy } from './role.ts';
import type { CfnOutput, CfnResource, CfnValue, PolicyStatement } from './types.ts';

export const API_STAGE = 'v1';

export interface RestApiSpec {
  /** Logical ids start with this (`CrossAccountBatchApi`, `GlobalBuildsInvocationApi`). */
  idPrefix: string;
  name: string;
  /** What the API is for, in the descriptions. */
  purpose: string;
  path: string;
  /** The AWS integration of the method, without its credentials (they are the API's role). */
  integration: { [key: string]: CfnValue };
  statusCodes: string[];
  /** What the role may do: the integration's one call. */
  statement: PolicyStatement;
  /** JSON Schema (draft 4) of the body: API Gateway answers 400 to anything else before calling. */
  bodySchema: { [key: string]: CfnValue };
}

function restApiIds(idPrefix: string, path: string): { api: string; path: string; method: string; model: string; validator: string; role: string; stage: string; url: string } {
  return { api: idPrefix, path: `${idPrefix}${pascal(path)}`, method: `${idPrefix}Post`, model: `${idPrefix}Body`, validator: `${idPrefix}Validator`, role: `${idPrefix}Role`, stage: `${idPrefix}Stage`, url: `${idPrefix}Url` };
}

export function restApiResources(spec: RestApiSpec): { resources: Record<string, CfnResource>; outputs: Record<string, CfnOutput> } {
  const ids = restApiIds(spec.idPrefix, spec.path);
  const method: CfnResource = {
    Type: 'AWS::ApiGateway::Method',
    Properties: {
      RestApiId: { Ref: ids.api },
      ResourceId: { Ref: ids.path },
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      RequestValidatorId: { Ref: ids.validator },
      RequestModels: { 'application/json': { Ref: ids.model } },
      Integration: { ...spec.integration, Credentials: { 'Fn::GetAtt': [ids.role, 'Arn'] } },
      MethodResponses: spec.statusCodes.map((StatusCode) => ({ StatusCode })),
    },
  };
  const deployment = `${spec.idPrefix}Deployment${shortHash(JSON.stringify(method))}`;
  return {
    resources: {
      [ids.api]: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: spec.name, Description: `${spec.purpose} (POST /${spec.path}, IAM auth)`, EndpointConfiguration: { Types: ['REGIONAL'] } } },
      [ids.path]: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: { Ref: ids.api }, ParentId: { 'Fn::GetAtt': [ids.api, 'RootResourceId'] }, PathPart: spec.path } },
      [ids.method]: method,
      [ids.model]: { Type: 'AWS::ApiGateway::Model', Properties: { RestApiId: { Ref: ids.api }, ContentType: 'application/json', Description: `The body of POST /${spec.path}`, Schema: spec.bodySchema } },
      [ids.validator]: { Type: 'AWS::ApiGateway::RequestValidator', Properties: { RestApiId: { Ref: ids.api }, ValidateRequestBody: true, ValidateRequestParameters: false } },
      [ids.role]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Description: `Lets API ${spec.name} make its one call`,
          AssumeRolePolicyDocument: trustedBy('apigateway.amazonaws.com'),
          Policies: [{ PolicyName: 'integration', PolicyDocument: { Version: '2012-10-17', Statement: [renderStatement(spec.statement)] } }],
        },
      },
      // The Ref to the method (not DependsOn) orders the deployment after it: moto's change sets ignore DependsOn.
      [deployment]: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: ids.api }, Description: { 'Fn::Sub': [`POST /${spec.path} (method \${Method})`, { Method: { Ref: ids.method } }] } } },
      [ids.stage]: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: ids.api }, DeploymentId: { Ref: deployment }, StageName: API_STAGE, TracingEnabled: true, Description: spec.purpose } },
    },
    outputs: {
      [ids.url]: {
        Description: `POST here (SigV4, execute-api:Invoke): ${spec.purpose}`,
        Value: { 'Fn::Sub': [`https://\${Api}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/${API_STAGE}/${spec.path}`, { Api: { Ref: ids.api } }] },
      },
    },
  };
}
