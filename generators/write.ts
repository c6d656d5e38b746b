/**
 * `switchyard generate`: every stack's template and every snippet for other accounts, written
 * as 2-space JSON with a trailing newline. Placement keeps each template within CloudFormation's
 * limits; `checkLimits` is the last guard, failing here with the numbers rather than at deploy time.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CompiledRoute } from '../engine/load/compiled-route.ts';
import { GeneratorError } from './cloudformation/errors.ts';
import type { CfnTemplate } from './cloudformation/types.ts';
import { generateDeployment, toJson, type Deployment, type DeploymentOptions } from './deployment.ts';
import { generatePolicyFiles, type PolicyFile } from './policies/index.ts';

/** CloudFormation: 500 resources per stack; 1 MB for a template uploaded to S3 (51,200 bytes inline). */
export const MAX_RESOURCES = 500;
export const MAX_TEMPLATE_BYTES = 1_000_000;

export interface WrittenFile {
  /** Relative to the output directory. */
  path: string;
  description: string;
  /** How to apply it, for the snippets other accounts apply. */
  apply?: string;
}

export type WriteOptions = DeploymentOptions;
export { toJson };

export function checkLimits(template: CfnTemplate, bytes: number): void {
  const resources = Object.keys(template.Resources).length;
  if (resources > MAX_RESOURCES) {
    throw new GeneratorError('TemplateTooLarge', `the template has ${resources} resources, over CloudFormation's ${MAX_RESOURCES}: placement should have split this stack; report it with the routes that cause it`);
  }
  if (bytes > MAX_TEMPLATE_BYTES) {
    throw new GeneratorError('TemplateTooLarge', `the template is ${bytes} bytes, over CloudFormation's ${MAX_TEMPLATE_BYTES}: placement should have split this stack; report it with the routes that cause it`);
  }
}

/** Which stack runs each route. */
export function stackOfRoute(deployment: Deployment): (route: string) => string {
  const stacks = new Map(deployment.stacks.flatMap((s) => s.routes.map((r) => [r, s.name] as const)));
  return (route) => stacks.get(route) ?? deployment.name;
}

export function writeGenerated(routes: CompiledRoute[], outDir: string, options: WriteOptions = {}): WrittenFile[] {
  return writeDeployment(generateDeployment(routes, options), routes, outDir, options);
}

/**
 * Each stack's template as `<stack name>.json` at the top of `outDir` (with the snippets under
 * policies/ and bucket-config/). Templates of this deployment's stacks that a previous run
 * wrote and this placement no longer has are removed, so the directory is exactly one deployment.
 */
export function writeDeployment(deployment: Deployment, routes: CompiledRoute[], outDir: string, options: WriteOptions = {}): WrittenFile[] {
  for (const stack of deployment.stacks) checkLimits(stack.template, Buffer.byteLength(stack.body));
  const files: Array<PolicyFile | { path: string; description: string; text: string }> = [
    ...deployment.stacks.map((stack) => ({
      path: `${stack.name}.json`,
      description: stack.kind === 'core'
        ? `CloudFormation template of stack ${stack.name} (${stack.measure.resources} resources): state bucket, alarms topic, notification topics`
        : `CloudFormation template of stack ${stack.name} (${stack.measure.resources} resources, ${stack.measure.bytes} bytes): ${stack.routes.length} routes of ${stack.buckets.length} buckets`,
      text: stack.body,
    })),
    ...generatePolicyFiles(routes, options, stackOfRoute(deployment)),
  ];
  mkdirSync(outDir, { recursive: true });
  const stale = staleTemplates(deployment, outDir);
  const staleAccounts = staleAccountPolicies(outDir);
  for (const file of [...stale, ...staleAccounts]) rmSync(path.join(outDir, file));
  const written: WrittenFile[] = [
    ...stale.map((file) => ({ path: file, description: 'removed: a stack this placement no longer has (deploy deletes it once its routes are gone)' })),
    ...staleAccounts.map((file) => ({ path: file, description: `removed: an earlier generate's policy for several buckets of one account, which S3 refuses; apply the per-bucket files under ${file.replace(/\.json$/, '/')} instead` })),
  ];
  for (const file of files) {
    const target = path.join(outDir, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, 'text' in file ? file.text : toJson(file.document));
    written.push({ path: file.path, description: file.description, ...('apply' in file ? { apply: file.apply } : {}) });
  }
  return written;
}

/** Earlier versions wrote one bucket policy per account (`policies/<account>.json`); each bucket now has its own under `policies/<account>/`. */
function staleAccountPolicies(outDir: string): string[] {
  const dir = path.join(outDir, 'policies');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((file) => /^\d{12}\.json$/.test(file)).sort().map((file) => `policies/${file}`);
}

function staleTemplates(deployment: Deployment, outDir: string): string[] {
  const current = new Set(deployment.stacks.map((s) => `${s.name}.json`));
  const ours = (file: string): boolean => file === 'template.json' || isStackTemplateFile(deployment.name, file);
  return readdirSync(outDir).filter((file) => ours(file) && !current.has(file)).sort();
}

/** A template file of one of the deployment's stacks, named after it: `<name>.json` (one stack, before sharding), `<name>-core.json`, `<name>-shard-….json`. */
export function isStackTemplateFile(deployment: string, file: string): boolean {
  return file === `${deployment}.json` || file === `${deployment}-core.json` || (file.startsWith(`${deployment}-shard-`) && file.endsWith('.json'));
}
