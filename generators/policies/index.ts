/** Every document other accounts and source-bucket owners must apply, for a set of routes. */
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { contextFor } from '../cloudformation/defaults.ts';
import type { GenerateOptions } from '../cloudformation/types.ts';
import { bucketLifecycleConfigs, bucketNotificationConfigs } from './bucket-config.ts';
import { destinationBucketPolicies } from './destination-bucket-policy.ts';
import { kmsKeyPolicies } from './kms-key-policy.ts';
import { sourceReadGrants } from './source-read-grant.ts';
import type { PolicyFile } from './types.ts';

export type { PolicyFile } from './types.ts';

/** `stackOfRoute`: the stack running each route, in a sharded deployment. */
export function generatePolicyFiles(routes: CompiledRoute[], options: GenerateOptions = {}, stackOfRoute?: (route: string) => string): PolicyFile[] {
  const context = contextFor(routes, options);
  const snippet = { partition: context.partition, deployAccount: context.deployAccount, region: context.region, stackName: context.stackName, ...(stackOfRoute !== undefined ? { stackOfRoute } : {}) };
  return [
    ...destinationBucketPolicies(context.routes, snippet),
    ...kmsKeyPolicies(context.routes, snippet),
    ...sourceReadGrants(context.routes, snippet),
    ...bucketNotificationConfigs(context.routes, snippet),
    ...bucketLifecycleConfigs(context.routes),
  ];
}
