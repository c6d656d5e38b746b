/**
 * A route's `api` (seed 002's API Gateway, AWS_IAM auth): `POST /invocations` invokes the stack's
 * function asynchronously (Lambda answers 202 at once) with the posted direct invocation wrapped
 * as an API request naming the route (engine/actions/api-request.ts), so that route alone runs for
 * the object. A failed run is retried by Lambda and then kept in the function's asynchronous
 * dead-letter queue, as any direct invocation's is.
 */
import { apiRequestTemplate } from '../../engine/actions/api-request.ts';
import { getAtt } from './arn.ts';
import { addOwned } from './id-owners.ts';
import { FUNCTION_ID, pascal } from './names.ts';
import { restApiResources } from './rest-api.ts';
import type { GeneratorContext, PartOutput } from './types.ts';

const INVOCATIONS_PATH = 'invocations';

export function invocationApiPart(context: GeneratorContext): PartOutput {
  const part: PartOutput = { resources: {}, outputs: {}, statements: [] };
  for (const route of context.routes.filter((r) => r.definition.api === true)) {
    const api = restApiResources({
      idPrefix: `${pascal(route.name)}InvocationApi`,
      name: `${context.stackName}-${route.name}-invocations`,
      purpose: `runs route ${route.name} for one object`,
      path: INVOCATIONS_PATH,
      integration: {
        Type: 'AWS',
        IntegrationHttpMethod: 'POST',
        Uri: { 'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${FUNCTION_ID}.Arn}/invocations` },
        RequestParameters: { 'integration.request.header.X-Amz-Invocation-Type': "'Event'" },
        PassthroughBehavior: 'NEVER',
        RequestTemplates: { 'application/json': apiRequestTemplate(route.name) },
        IntegrationResponses: [{ StatusCode: '202', ResponseTemplates: { 'application/json': `{"accepted": true, "route": "${route.name}", "requestId": "$context.requestId"}` } }],
      },
      statusCodes: ['202'],
      // A direct invocation, refused with 400 before the function is invoked when it is not one.
      bodySchema: {
        $schema: 'http://json-schema.org/draft-04/schema#',
        type: 'object',
        additionalProperties: false,
        required: ['sourceBucket', 'sourceKey'],
        properties: { sourceBucket: { type: 'string', minLength: 1 }, sourceKey: { type: 'string', minLength: 1 }, destinationBuckets: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } } },
      },
      statement: { Sid: 'InvokeRouter', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [getAtt(FUNCTION_ID, 'Arn')] },
    });
    addOwned(part, api, `the invocation API of route ${route.name}`);
  }
  return part;
}
