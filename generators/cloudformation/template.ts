/**
 * A stack's template for a set of routes: every part's resources and outputs merged, then the
 * role built from every part's statements. Same routes, same template, byte for byte: parts are
 * deterministic and keys are sorted.
 */
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { alarmsPart } from './alarms.ts';
import { contextFor } from './defaults.ts';
import { dashboardResource, DASHBOARD_ID } from './dashboard.ts';
import { GeneratorError } from './errors.ts';
import { mergeInto } from './id-owners.ts';
import { CODE_PARAMETERS, functionPart } from './function.ts';
import { routeStatements, sharedStatements } from './iam.ts';
import { invocationApiPart } from './invocation-api.ts';
import { notificationsPart } from './notifications.ts';
import { LOG_GROUP_ID } from './names.ts';
import { roleOutputs, withExports } from './outputs.ts';
import { queuesPart } from './queues.ts';
import { roleResources } from './role.ts';
import { stateMachinePart } from './state-machine.ts';
import { statePart } from './state.ts';
import { stateBucketArnText } from './shared-names.ts';
import { triggersPart } from './triggers.ts';
import type { CfnResource, CfnTemplate, CfnValue, GenerateOptions, GeneratorContext, PartOutput, PolicyStatement, SourceBucketsMetadata, TemplatePart } from './types.ts';

/** The parts of a standalone stack (the state machine part adds nothing without batch routes); more can be passed in `extraParts`. */
export const TEMPLATE_PARTS: readonly TemplatePart[] = [functionPart, statePart, triggersPart, queuesPart, notificationsPart, stateMachinePart, invocationApiPart];
/** What the core stack of a sharded deployment holds for every shard. */
const CORE_PARTS: readonly TemplatePart[] = [statePart, notificationsPart];
/** What a shard holds for its own source buckets. */
const SHARD_PARTS: readonly TemplatePart[] = [functionPart, triggersPart, queuesPart, stateMachinePart, invocationApiPart];

/** Everything in one stack: the layout before sharding, and what small tests look at. */
export function generateTemplate(routes: CompiledRoute[], options: GenerateOptions = {}, extraParts: readonly TemplatePart[] = []): CfnTemplate {
  return stackTemplate(contextFor(routes, options), extraParts);
}

/** The template of one stack, by its layout: standalone, core or shard. */
export function stackTemplate(context: GeneratorContext, extraParts: readonly TemplatePart[] = []): CfnTemplate {
  const parts = context.layout === 'core' ? CORE_PARTS : context.layout === 'shard' ? SHARD_PARTS : TEMPLATE_PARTS;
  const merged = mergeParts([...parts, ...extraParts].map((part) => part(context)));
  const alarms = alarmsPart(context, deadLetterQueueIds(merged.resources));
  const pieces = [merged, alarms];
  if (context.layout !== 'core') {
    pieces.push({ resources: roleResources(context.stackName, roleStatements(context, merged.statements)), outputs: roleOutputs(), statements: [] });
    const dashboard = dashboardResource({ deployment: context.stackName, routes: context.routes.map((r) => r.name), deadLetterQueueIds: deadLetterQueueIds(merged.resources), logGroupId: LOG_GROUP_ID });
    pieces.push({ resources: { [DASHBOARD_ID]: dashboard }, outputs: {}, statements: [] });
  }
  const all = mergeParts(pieces);
  // Only the core's outputs are imported elsewhere; a shard's are read with DescribeStacks.
  const outputs = context.layout === 'shard' ? all.outputs : withExports(all.outputs);
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: description(context),
    ...(context.layout === 'core' ? {} : { Metadata: { Switchyard: sourceBucketsOf(context) } }),
    Parameters: context.layout === 'core' ? {} : CODE_PARAMETERS,
    Resources: sortedKeys(all.resources),
    Outputs: sortedKeys(outputs),
  };
}

/** Every statement the function's role is given, before compaction: shared ones, the parts' (`partStatements`), each route's. */
export function roleStatements(context: GeneratorContext, partStatements: PolicyStatement[]): PolicyStatement[] {
  const stateBucketArn = stateBucketArnText(context);
  return [...sharedStatements(context.stackName, context.routes, stateBucketArn), ...partStatements, ...context.routes.flatMap((r) => routeStatements(r, stateBucketArn))];
}

/** The parts' own statements for the function's role (trigger queues it reads, its async dead-letter queue …). */
export function partStatements(context: GeneratorContext): PolicyStatement[] {
  const parts = context.layout === 'shard' ? SHARD_PARTS : TEMPLATE_PARTS;
  return parts.flatMap((part) => part(context).statements);
}

function sourceBucketsOf(context: GeneratorContext): SourceBucketsMetadata {
  const sorted = (buckets: Iterable<string>): string[] => [...new Set(buckets)].sort();
  const sources = context.routes.map((r) => r.definition.source);
  return { sourceBuckets: sorted(sources.map((s) => s.bucket)), notifiedBuckets: sorted(sources.filter((s) => s.trigger === 's3-notification').map((s) => s.bucket)) };
}

function description(context: GeneratorContext): string {
  if (context.layout === 'core') return `Switchyard ${context.deploymentName}: what every shard shares (state bucket, alarms topic, notification topics)`;
  return `Switchyard ${context.stackName}: routes ${listed(context.routes.map((r) => r.name), 600)}`;
}

/** `a, b, c` cut to about `max` characters, saying how many more there are (descriptions take 1,024). */
function listed(names: string[], max: number): string {
  let text = '';
  let shown = 0;
  for (const name of names) {
    if (shown > 0 && text.length + name.length + 2 > max) break;
    text += `${shown > 0 ? ', ' : ''}${name}`;
    shown++;
  }
  return shown < names.length ? `${text} and ${names.length - shown} more` : text;
}

/** The parts as one, every logical id checked (id-owners.ts) and every role statement's Sid unique. */
export function mergeParts(parts: PartOutput[]): PartOutput {
  const merged: PartOutput = { resources: {}, outputs: {}, statements: [] };
  for (const part of parts) mergeInto(merged, part);
  const sids = new Set<string>();
  for (const s of merged.statements) {
    if (sids.has(s.Sid)) throw new GeneratorError('DuplicateLogicalId', `two statements of the function's role have the Sid ${s.Sid}: rename one of the routes they come from so their letters and digits differ`);
    sids.add(s.Sid);
  }
  return merged;
}

/** Queues something dead-letters into: a RedrivePolicy target, a DeadLetterConfig or an OnFailure destination. */
function deadLetterQueueIds(resources: Record<string, CfnResource>): string[] {
  const ids: string[] = [];
  const visit = (value: CfnValue | undefined, key: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v) => visit(v, key));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const att = value['Fn::GetAtt'];
    if (['deadLetterTargetArn', 'DeadLetterConfig', 'OnFailure'].includes(key) && Array.isArray(att) && typeof att[0] === 'string') {
      ids.push(att[0]);
      return;
    }
    for (const [childKey, child] of Object.entries(value)) visit(child, ['Arn', 'Destination'].includes(childKey) ? key : childKey);
  };
  for (const resource of Object.values(resources)) visit(resource.Properties ?? {}, '');
  return ids.filter((id) => resources[id]?.Type === 'AWS::SQS::Queue');
}

function sortedKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
