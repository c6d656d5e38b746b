/** A route's `api` (seed 002's API Gateway, AWS_IAM auth): POST /invocations invokes the function asynchronously with the body wrapped for that route. */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { isApiRequest } from '../../../engine/actions/api-request.ts';
import { generateTemplate } from '../../../generators/cloudformation/template.ts';
import { loadRouteSet } from './load-fixture-routes.ts';
import { resource } from './template-resource.ts';

const seeds = generateTemplate(loadRouteSet('routes'));
const integration = resource(seeds, 'GlobalBuildsInvocationApiPost').Properties?.Integration as Record<string, unknown>;

describe('the invocation API of seed 002 (global-builds, api: true)', () => {
  it('is POST /invocations under IAM auth on a regional REST API, its URL an output', () => {
    expect(resource(seeds, 'GlobalBuildsInvocationApi').Properties).toMatchObject({ Name: 'switchyard-global-builds-invocations', EndpointConfiguration: { Types: ['REGIONAL'] } });
    expect(resource(seeds, 'GlobalBuildsInvocationApiInvocations').Properties).toMatchObject({ PathPart: 'invocations' });
    expect(resource(seeds, 'GlobalBuildsInvocationApiPost').Properties).toMatchObject({ HttpMethod: 'POST', AuthorizationType: 'AWS_IAM', MethodResponses: [{ StatusCode: '202' }] });
    expect(JSON.stringify(seeds.Outputs.GlobalBuildsInvocationApiUrl?.Value)).toContain('/v1/invocations');
  });

  it('invokes the router function asynchronously, with a role that may invoke it only', () => {
    expect(integration).toMatchObject({
      Type: 'AWS',
      IntegrationHttpMethod: 'POST',
      Uri: { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${RouterFunction.Arn}/invocations' },
      RequestParameters: { 'integration.request.header.X-Amz-Invocation-Type': "'Event'" },
      Credentials: { 'Fn::GetAtt': ['GlobalBuildsInvocationApiRole', 'Arn'] },
    });
    const policies = resource(seeds, 'GlobalBuildsInvocationApiRole').Properties?.Policies as Array<{ PolicyDocument: { Statement: unknown[] } }>;
    expect(policies[0]?.PolicyDocument.Statement).toEqual([{ Sid: 'InvokeRouter', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [{ 'Fn::Sub': '${RouterFunction.Arn}' }] }]);
  });

  it('wraps the posted body as an API request naming the route', () => {
    const template = (integration.RequestTemplates as Record<string, string>)['application/json'] ?? '';
    const body = { sourceBucket: 'global-builds', sourceKey: "builds/o'brien.zip", destinationBuckets: ['region-a-builds'] };
    const handed = JSON.parse(template.replace(`$input.json('$')`, JSON.stringify(body))) as unknown;
    expect(isApiRequest(handed)).toBe(true);
    expect(handed).toEqual({ switchyard: 'api', route: 'global-builds', request: body });
  });

  it('refuses a body that is not a direct invocation with 400 before invoking anything (request validator and model)', () => {
    const method = resource(seeds, 'GlobalBuildsInvocationApiPost').Properties ?? {};
    expect(method).toMatchObject({ RequestValidatorId: { Ref: 'GlobalBuildsInvocationApiValidator' }, RequestModels: { 'application/json': { Ref: 'GlobalBuildsInvocationApiBody' } } });
    expect(resource(seeds, 'GlobalBuildsInvocationApiValidator').Properties).toMatchObject({ ValidateRequestBody: true });
    const { $schema: draft, ...schema } = resource(seeds, 'GlobalBuildsInvocationApiBody').Properties?.Schema as Record<string, unknown>;
    expect(draft).toBe('http://json-schema.org/draft-04/schema#');
    const valid = new Ajv({ strict: false }).compile(schema);
    expect(valid({ sourceBucket: 'global-builds', sourceKey: 'builds/app.zip' })).toBe(true);
    expect(valid({ sourceBucket: 'global-builds', sourceKey: 'builds/app.zip', destinationBuckets: ['region-a-builds'] })).toBe(true);
    for (const bad of [{}, { sourceBucket: 'global-builds' }, { sourceBucket: 'global-builds', sourceKey: 'k', destinationBucket: ['x'] }, { sourceBucket: 'global-builds', sourceKey: 'k', destinationBuckets: [] }, { sourceBucket: '', sourceKey: 'k' }]) {
      expect(valid(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it("trusts API Gateway without aws:SourceAccount (it sends none when it assumes an integration's role)", () => {
    expect(resource(seeds, 'GlobalBuildsInvocationApiRole').Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
  });

  it('only routes with api: true get one', () => {
    expect(Object.keys(seeds.Resources).filter((id) => id.endsWith('InvocationApi'))).toEqual(['GlobalBuildsInvocationApi']);
  });
});
