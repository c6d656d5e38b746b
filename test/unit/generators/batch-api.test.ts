/** `batch.api` (seed 003's API Gateway, AWS_IAM auth): POST /runs starts the route's state machine, and nothing else can. */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { generateTemplate } from '../../../generators/cloudformation/template.ts';
import type { CfnTemplate } from '../../../generators/cloudformation/types.ts';
import { loadRouteSet } from './load-fixture-routes.ts';
import { resource } from './template-resource.ts';

const seeds = generateTemplate(loadRouteSet('routes'));
const scheduled = generateTemplate(loadRouteSet('test/fixtures/generators/scheduled-batch'), { stackName: 'ops' });

const apiIds = (template: CfnTemplate): string[] => Object.keys(template.Resources).filter((id) => id.startsWith('CrossAccountBatchApi'));

describe('the backfill API of seed 003 (cross-account-batch, batch.api: true)', () => {
  const method = resource(seeds, 'CrossAccountBatchApiPost').Properties ?? {};
  const integration = method.Integration as Record<string, unknown>;

  it('is a regional REST API with POST /runs under IAM auth, deployed to stage v1, its URL an output', () => {
    expect(resource(seeds, 'CrossAccountBatchApi')).toMatchObject({ Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'switchyard-cross-account-batch', EndpointConfiguration: { Types: ['REGIONAL'] } } });
    expect(resource(seeds, 'CrossAccountBatchApiRuns').Properties).toMatchObject({ PathPart: 'runs', ParentId: { 'Fn::GetAtt': ['CrossAccountBatchApi', 'RootResourceId'] } });
    expect(method).toMatchObject({ HttpMethod: 'POST', AuthorizationType: 'AWS_IAM', ResourceId: { Ref: 'CrossAccountBatchApiRuns' } });
    expect(resource(seeds, 'CrossAccountBatchApiStage').Properties).toMatchObject({ StageName: 'v1', TracingEnabled: true });
    expect(JSON.stringify(seeds.Outputs.CrossAccountBatchApiUrl?.Value)).toContain('/v1/runs');
  });

  it('calls StartExecution of the route’s state machine itself, with a role that may start that one only', () => {
    expect(integration).toMatchObject({
      Type: 'AWS',
      IntegrationHttpMethod: 'POST',
      Uri: { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:states:action/StartExecution' },
      Credentials: { 'Fn::GetAtt': ['CrossAccountBatchApiRole', 'Arn'] },
      PassthroughBehavior: 'NEVER',
    });
    const role = resource(seeds, 'CrossAccountBatchApiRole').Properties ?? {};
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain('apigateway.amazonaws.com');
    expect((role.Policies as Array<{ PolicyDocument: { Statement: unknown[] } }>)[0]?.PolicyDocument.Statement).toEqual([
      { Sid: 'StartBackfill', Effect: 'Allow', Action: ['states:StartExecution'], Resource: [{ 'Fn::Sub': '${CrossAccountBatchStateMachine}' }] },
    ]);
  });

  it('passes the request body, as a JSON string, as the run’s input', () => {
    const [template, values] = ((integration.RequestTemplates as Record<string, { 'Fn::Sub': [string, Record<string, unknown>] }>)['application/json'] ?? { 'Fn::Sub': ['', {}] })['Fn::Sub'];
    expect(values).toEqual({ Machine: { Ref: 'CrossAccountBatchStateMachine' } });
    // For a body with a quote: escapeJavaScript then its \' undone leave the JSON escapes of the body, as JSON.stringify makes them.
    const body = JSON.stringify({ prefix: "exports/o'brien/" });
    const rendered = template
      .replace('${Machine}', 'arn:aws:states:eu-west-1:111122223333:stateMachine:switchyard-cross-account-batch')
      .replace(`$util.escapeJavaScript($input.json('$')).replaceAll("\\\\'", "'")`, JSON.stringify(body).slice(1, -1));
    const request = JSON.parse(rendered) as { stateMachineArn: string; input: string };
    expect(request.stateMachineArn).toMatch(/:stateMachine:switchyard-cross-account-batch$/);
    expect(JSON.parse(request.input)).toEqual({ prefix: "exports/o'brien/" });
  });

  it('is deployed again when the method changes: the deployment’s id carries a hash of the method', () => {
    const deployments = Object.keys(seeds.Resources).filter((id) => /^CrossAccountBatchApiDeployment[0-9a-f]{8}$/.test(id));
    expect(deployments).toHaveLength(1);
    expect(JSON.stringify(resource(seeds, deployments[0] ?? '').Properties)).toContain('"Ref":"CrossAccountBatchApiPost"');
    expect(resource(seeds, 'CrossAccountBatchApiStage').Properties?.DeploymentId).toEqual({ Ref: deployments[0] });
  });

  it("takes {} or {prefix} and nothing else (validated before Step Functions is called)", () => {
    const { $schema: _draft, ...schema } = resource(seeds, 'CrossAccountBatchApiBody').Properties?.Schema as Record<string, unknown>;
    const valid = new Ajv({ strict: false }).compile(schema);
    expect([{}, { prefix: 'exports/2026/' }].map((body) => valid(body))).toEqual([true, true]);
    expect([{ prefx: 'exports/' }, { prefix: 3 }, []].map((body) => valid(body))).toEqual([false, false, false]);
  });

  it('a batch route without batch.api has none of it', () => {
    expect(Object.keys(scheduled.Resources).filter((id) => id.includes('Api'))).toEqual([]);
    expect(apiIds(seeds).length).toBe(8);
  });
});
