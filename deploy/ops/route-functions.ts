/**
 * Which deployed function runs each route: read from the router bundles the stacks run (the
 * route files embedded beside the code), not from the local routes, which may have moved
 * between shards since the deploy.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Deployment } from './deployment.ts';
import { deployedRouteFiles, routeNamesIn } from './route-drift.ts';

export async function functionsByRoute(s3: S3Client, deployment: Deployment): Promise<Map<string, string>> {
  const functions = new Map<string, string>();
  for (const stack of deployment.stacks) {
    if (stack.functionName === undefined) continue;
    const files = await deployedRouteFiles(s3, stack);
    if (files === undefined) continue;
    for (const route of routeNamesIn(files)) functions.set(route, stack.functionName);
  }
  return functions;
}
