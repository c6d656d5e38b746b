/** Generator options with their defaults. Placeholders stay visible in the snippets for other accounts. */
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { deployedIdStemsByStack } from './deployed-ids.ts';
import type { FunctionSettings, GenerateOptions, GeneratorContext } from './types.ts';

export const DEFAULT_STACK_NAME = 'switchyard';
export const DEPLOY_ACCOUNT_PLACEHOLDER = 'DEPLOY-ACCOUNT-ID';
export const REGION_PLACEHOLDER = 'DEPLOY-REGION';

export const DEFAULT_FUNCTION: FunctionSettings = {
  memorySize: 1024,
  timeoutSeconds: 300,
  reservedConcurrency: 50,
  logRetentionDays: 30,
};

export function contextFor(routes: CompiledRoute[], options: GenerateOptions = {}): GeneratorContext {
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  return {
    routes: [...routes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    stackName,
    deploymentName: stackName,
    layout: 'standalone',
    deployAccount: options.deployAccount ?? DEPLOY_ACCOUNT_PLACEHOLDER,
    region: options.region ?? REGION_PLACEHOLDER,
    partition: options.partition ?? 'aws',
    function: { ...DEFAULT_FUNCTION, ...options.function },
    ...(options.deployedTemplates !== undefined ? { deployed: deployedIdStemsByStack(options.deployedTemplates) } : {}),
  };
}
