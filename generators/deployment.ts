/**
 * A deployment: the stacks a set of routes is placed into, each with its template and the
 * deterministic JSON text that is uploaded and compared. `deploy` and `generate` both work
 * from this; the same routes give byte-identical bodies.
 */
import type { CompiledRoute } from '../engine/load/compiled-route.ts';
import { contextFor } from './cloudformation/defaults.ts';
import { generateTemplate } from './cloudformation/template.ts';
import type { CfnTemplate, GenerateOptions, TemplatePart } from './cloudformation/types.ts';

export interface StackTemplate {
  /** CloudFormation stack name, e.g. `<deployment>-core`, `<deployment>-<shard id>`. */
  name: string;
  kind: 'core' | 'shard';
  /** Names of the routes whose function lives in this stack (the bundle embeds only these). */
  routes: string[];
  /** Source buckets this stack's triggers cover. */
  buckets: string[];
  template: CfnTemplate;
  /** Deterministic JSON text (what is uploaded and compared). */
  body: string;
  /** Stacks that must be deployed before this one (e.g. core), by name. */
  dependsOn: string[];
}

export interface Deployment {
  name: string;
  stacks: StackTemplate[];
}

export interface DeploymentOptions extends GenerateOptions {
  /** More template parts (e.g. a state machine for batch routes). */
  extraParts?: readonly TemplatePart[];
}

/** 2-space JSON with a trailing newline: the text of every generated file. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function generateDeployment(routes: CompiledRoute[], options: DeploymentOptions = {}): Deployment {
  const context = contextFor(routes, options);
  const template = generateTemplate(routes, options, options.extraParts);
  return {
    name: context.stackName,
    stacks: [
      {
        name: context.stackName,
        kind: 'core',
        routes: context.routes.map((r) => r.name),
        buckets: [...new Set(context.routes.map((r) => r.definition.source.bucket))].sort(),
        template,
        body: toJson(template),
        dependsOn: [],
      },
    ],
  };
}
