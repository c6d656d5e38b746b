/**
 * Which deployed function runs each route: read from the router bundles the stacks run (the
 * route files embedded beside the code), not from the local routes, which may have moved
 * between shards since the deploy. A bundle that cannot be read costs only the routes it holds:
 * its stack is named with the reason.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { errorMessage } from '../../engine/errors.ts';
import type { Deployment } from './deployment.ts';
import { deployedRouteFiles, routeNamesIn } from './route-drift.ts';

export interface RouteFunctions {
  /** Route name → the function that runs it. */
  functions: Map<string, string>;
  /** Stacks whose bundle could not be read, each with why. */
  unreadable: string[];
}

export async function functionsByRoute(s3: S3Client, deployment: Deployment): Promise<RouteFunctions> {
  const functions = new Map<string, string>();
  const unreadable: string[] = [];
  for (const stack of deployment.stacks) {
    if (stack.functionName === undefined) continue;
    try {
      const files = await deployedRouteFiles(s3, stack);
      if (files === undefined) {
        unreadable.push(`${stack.name}: its code parameters name no bundle`);
        continue;
      }
      for (const route of routeNamesIn(files)) functions.set(route, stack.functionName);
    } catch (error) {
      unreadable.push(`${stack.name}: ${errorMessage(error)}`);
    }
  }
  return { functions, unreadable };
}
