/**
 * `switchyard generate`: the template and every snippet for other accounts, written as
 * 2-space JSON with a trailing newline. A template over CloudFormation's limits fails here,
 * with the numbers, rather than at deploy time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CompiledRoute } from '../engine/load/compiled-route.ts';
import { GeneratorError } from './cloudformation/errors.ts';
import type { CfnTemplate } from './cloudformation/types.ts';
import { generateDeployment, toJson, type DeploymentOptions } from './deployment.ts';
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
    throw new GeneratorError('TemplateTooLarge', `the template has ${resources} resources, over CloudFormation's ${MAX_RESOURCES}: split the routes into several stacks (nested stacks are not generated yet)`);
  }
  if (bytes > MAX_TEMPLATE_BYTES) {
    throw new GeneratorError('TemplateTooLarge', `the template is ${bytes} bytes, over CloudFormation's ${MAX_TEMPLATE_BYTES}: split the routes into several stacks (nested stacks are not generated yet)`);
  }
}

export function writeGenerated(routes: CompiledRoute[], outDir: string, options: WriteOptions = {}): WrittenFile[] {
  const deployment = generateDeployment(routes, options);
  for (const stack of deployment.stacks) checkLimits(stack.template, Buffer.byteLength(stack.body));
  const files: Array<PolicyFile | { path: string; description: string; text: string }> = [
    ...deployment.stacks.map((stack) => ({
      path: `${stack.name}.json`,
      description: `CloudFormation template of stack ${stack.name} (${Object.keys(stack.template.Resources).length} resources)`,
      text: stack.body,
    })),
    ...generatePolicyFiles(routes, options),
  ];
  const written: WrittenFile[] = [];
  for (const file of files) {
    const target = path.join(outDir, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, 'text' in file ? file.text : toJson(file.document));
    written.push({ path: file.path, description: file.description, ...('apply' in file ? { apply: file.apply } : {}) });
  }
  return written;
}
