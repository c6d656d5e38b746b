/**
 * A deployment: the stacks a set of routes is placed into, each with its template and the
 * deterministic JSON text that is uploaded and compared. `generate` and `deploy` both work
 * from this; the same routes (and the same deployed templates, `deployedTemplates`, which keep
 * the logical ids a stack already has: docs/sharding.md, "Logical ids") give byte-identical
 * bodies.
 *
 * A core stack (`<deployment>-core`) holds what every shard shares: the state bucket, the
 * alarms topic, the notification topics. Each shard (`<deployment>-shard-<bits>`) holds the
 * function, triggers, queues and state machines of the source buckets placed in it (see
 * placement.ts) and reaches the core's resources by their physical names: no Export/ImportValue
 * ties a shard to the core, so either can be updated alone. See docs/sharding.md.
 */
import type { CompiledRoute } from '../engine/load/compiled-route.ts';
import { contextFor } from './cloudformation/defaults.ts';
import { GeneratorError } from './cloudformation/errors.ts';
import { PolicyTooLargeError } from './cloudformation/role.ts';
import { lifecycleRules } from './cloudformation/state.ts';
import { stackTemplate } from './cloudformation/template.ts';
import { eventRules } from './cloudformation/triggers.ts';
import type { CfnTemplate, GenerateOptions, GeneratorContext, PatternDetail, TemplatePart } from './cloudformation/types.ts';
import { placeRoutes, shardSuffix, type Shard } from './placement.ts';
import { measureStack, QUOTAS, stackBreach, stackWarnings, type QuotaBreach, type StackMeasure } from './quotas.ts';

export interface StackTemplate {
  /** CloudFormation stack name, e.g. `<deployment>-core`, `<deployment>-shard-01`. */
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
  /** How close the template is to each AWS quota. */
  measure: StackMeasure;
  /** What the stack deploys with but may not run well with (quotas.ts stackWarnings), for generate to print. */
  warnings: string[];
}

export interface Deployment {
  name: string;
  stacks: StackTemplate[];
  /** EventBridge rules across every stack (a bus takes 300). */
  rules: number;
  /** How much of the routes' key filters the patterns carry: coarser than `keys` only when finer patterns would need more rules than a bus takes. */
  patternDetail: PatternDetail;
}

export interface DeploymentOptions extends GenerateOptions {
  /** More template parts for the core stack (e.g. a dashboard). */
  extraParts?: readonly TemplatePart[];
}

/** 2-space JSON with a trailing newline: the text of every generated file. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function coreStackName(deploymentName: string): string {
  return `${deploymentName}-core`;
}

export function shardStackName(deploymentName: string, bits: string): string {
  return `${deploymentName}-shard-${shardSuffix(bits)}`;
}

export function generateDeployment(routes: CompiledRoute[], options: DeploymentOptions = {}): Deployment {
  const base = contextFor(routes, options);
  const core = coreStack(base, options.extraParts ?? []);
  const placed = shardStacks(base);
  oneStackPerOperatorQueue(routes, placed.stacks);
  const rules = countRules(placed.stacks);
  if (rules <= QUOTAS.rules) return { name: base.deploymentName, stacks: [core, ...placed.stacks], rules, patternDetail: 'keys' };
  // Coarser patterns need fewer rules and resources and leave IAM as it is, so the same placement still fits.
  const coarser = COARSER.map((detail) => ({ detail, rules: placed.contexts.reduce((n, c) => n + ruleCount({ ...c, patternDetail: detail }), 0) }));
  const chosen = coarser.find((c) => c.rules <= QUOTAS.rules);
  if (chosen === undefined) {
    throw new GeneratorError(
      'TooManyRules',
      `the deployment needs ${coarser[coarser.length - 1]?.rules} EventBridge rules even with patterns that name buckets only; a bus takes ${QUOTAS.rules}: move some sources to trigger: s3-notification, or deploy the routes as two deployments (--stack)`,
    );
  }
  const stacks = placed.contexts.map((c) => {
    const stack = stackOf({ ...c, patternDetail: chosen.detail }, 'shard', [coreStackName(base.deploymentName)]);
    const breach = stackBreach(stack.measure);
    if (breach !== undefined) throw new GeneratorError('TemplateTooLarge', `stack ${stack.name} is over AWS's ${breach.quota} (${breach.actual}) with coarser EventBridge patterns: report this with the routes`);
    return stack;
  });
  return { name: base.deploymentName, stacks: [core, ...stacks], rules: chosen.rules, patternDetail: chosen.detail };
}

const COARSER: PatternDetail[] = ['shared-prefix', 'buckets'];

/**
 * Routes that read one operator queue (`trigger: sqs`, same `queueArn`) must share a stack. Each
 * stack maps the queue to its own function, SQS hands a message to either one, and a function
 * without the message's bucket would delete it unrouted. Placement goes by source bucket, so
 * routes of several buckets reading one queue can land apart: refused here, not lost there.
 */
function oneStackPerOperatorQueue(routes: CompiledRoute[], stacks: StackTemplate[]): void {
  const stackOfRoute = new Map(stacks.flatMap((stack) => stack.routes.map((route) => [route, stack.name] as const)));
  const readers = new Map<string, CompiledRoute[]>();
  for (const route of routes) {
    const { trigger, queueArn } = route.definition.source;
    if (trigger === 'sqs' && queueArn !== undefined) readers.set(queueArn, [...(readers.get(queueArn) ?? []), route]);
  }
  for (const [queue, readingRoutes] of readers) {
    const placedIn = [...new Set(readingRoutes.map((r) => stackOfRoute.get(r.name) ?? ''))];
    if (placedIn.length < 2) continue;
    throw new GeneratorError(
      'OperatorQueueSplit',
      `${readingRoutes.length} routes read queue ${queue} (${named(readingRoutes.map((r) => `${r.name} on ${r.definition.source.bucket}`))}), but their buckets are placed in different stacks (${placedIn.join(', ')}): each stack's function would take some of the queue's messages and drop those of buckets it does not hold. Give each bucket its own queue, or read the queue from routes of one bucket`,
    );
  }
}

/** The first few of a long list, and how many more. */
function named(items: string[], shown = 5): string {
  return items.length <= shown ? items.join(', ') : `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`;
}

function countRules(stacks: StackTemplate[]): number {
  return stacks.reduce((n, s) => n + s.measure.rules, 0);
}

/** Rules a shard would have: its EventBridge rules at the context's detail, and its schedules. */
function ruleCount(context: GeneratorContext): number {
  return eventRules(context).length + context.routes.filter((r) => r.definition.batch?.schedule !== undefined).length;
}

function coreStack(base: GeneratorContext, extraParts: readonly TemplatePart[]): StackTemplate {
  const context: GeneratorContext = { ...base, layout: 'core', stackName: coreStackName(base.deploymentName) };
  const stack = stackOf(context, 'core', [], extraParts);
  const rules = lifecycleRules(context).length;
  if (rules > QUOTAS.lifecycleRules) {
    throw new GeneratorError(
      'TemplateTooLarge',
      `the state bucket needs ${rules} lifecycle rules (one per route with tracking.retention), over S3's ${QUOTAS.lifecycleRules}: give routes the same retention by leaving tracking.retention unset on some of them`,
    );
  }
  const breach = stackBreach(stack.measure);
  if (breach !== undefined) {
    throw new GeneratorError('TemplateTooLarge', `the core stack ${stack.name} (state bucket, alarms topic and the routes' notification topics) is over AWS's ${breach.quota}: ${breach.actual}. Share notification topics between routes`);
  }
  return stack;
}

function shardStacks(base: GeneratorContext): { stacks: StackTemplate[]; contexts: GeneratorContext[] } {
  const built = new Map<string, StackTemplate>();
  const contextOf = (routes: CompiledRoute[], bits: string): GeneratorContext => ({
    ...base,
    routes,
    layout: 'shard',
    stackName: shardStackName(base.deploymentName, bits),
  });
  const fits = (routes: CompiledRoute[], bits: string): QuotaBreach | undefined => {
    const obvious = obviouslyOver(routes);
    if (obvious !== undefined) return obvious;
    let stack: StackTemplate;
    try {
      stack = stackOf(contextOf(routes, bits), 'shard', [coreStackName(base.deploymentName)]);
    } catch (error) {
      if (error instanceof PolicyTooLargeError) return { quota: `${QUOTAS.managedPolicies} managed policies a role`, limit: QUOTAS.managedPolicies, actual: error.needed };
      throw error;
    }
    const breach = stackBreach(stack.measure);
    if (breach === undefined) built.set(bits, stack);
    return breach;
  };
  const shards = placeRoutes(base.routes, fits);
  return { stacks: shards.map((shard: Shard) => built.get(shard.bits) as StackTemplate), contexts: shards.map((shard) => contextOf(shard.routes, shard.bits)) };
}

/**
 * A quota the routes are over whatever else the stack holds, counted without building the
 * template (placement starts from one shard of everything: this skips building the big ones).
 * Each owned queue is a queue, a dead-letter queue and three outputs; each S3-notification
 * bucket an intake queue, its dead-letter queue, a queue policy and a mapping, and two outputs.
 */
function obviouslyOver(routes: CompiledRoute[]): QuotaBreach | undefined {
  const queues = routes.reduce((n, r) => n + (r.definition.queues?.length ?? 0), 0);
  const notified = new Set(routes.filter((r) => r.definition.source.trigger === 's3-notification').map((r) => r.definition.source.bucket)).size;
  const resources = 2 * queues + 4 * notified;
  if (resources > QUOTAS.resources) return { quota: `${QUOTAS.resources} resources a stack`, limit: QUOTAS.resources, actual: resources };
  const outputs = 3 * queues + 2 * notified;
  if (outputs > QUOTAS.outputs) return { quota: `${QUOTAS.outputs} outputs a stack`, limit: QUOTAS.outputs, actual: outputs };
  return undefined;
}

function stackOf(context: GeneratorContext, kind: 'core' | 'shard', dependsOn: string[], extraParts: readonly TemplatePart[] = []): StackTemplate {
  const template = stackTemplate(context, extraParts);
  const body = toJson(template);
  const measure = measureStack(template, body);
  return {
    name: context.stackName,
    kind,
    routes: kind === 'core' ? [] : context.routes.map((r) => r.name),
    buckets: kind === 'core' ? [] : [...new Set(context.routes.map((r) => r.definition.source.bucket))].sort(),
    template,
    body,
    dependsOn,
    measure,
    warnings: stackWarnings(measure, kind === 'core' ? 0 : context.routes.length),
  };
}
