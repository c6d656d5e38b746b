/**
 * AWS quotas a generated stack must stay within, and how close a template is to each. The
 * generator measures every template it writes and places routes so that none is over.
 */
import type { CfnResource, CfnTemplate, CfnValue } from './cloudformation/types.ts';

export const QUOTAS = {
  /** CloudFormation, per stack. */
  resources: 500,
  outputs: 200,
  parameters: 200,
  /** A template passed by TemplateURL (deploy uploads every template over 51,200 bytes). */
  templateBytes: 1_000_000,
  inlineTemplateBytes: 51_200,
  /** IAM, per role: managed policies attached, characters of each (whitespace not counted), inline characters in all. */
  managedPolicies: 10,
  managedPolicyChars: 6_144,
  inlinePolicyChars: 10_240,
  /** Lambda: environment variables, keys and values together. */
  environmentBytes: 4_096,
  /** EventBridge, per bus, across every stack; pattern length. */
  rules: 300,
  wildcardRules: 30,
  patternChars: 2_048,
  /** Lambda: a function's resource-based policy (one statement per AWS::Lambda::Permission). */
  functionPolicyBytes: 20_480,
  /** SQS: a queue's access policy. */
  queuePolicyBytes: 8_192,
  /** S3: lifecycle rules a bucket (the state bucket). */
  lifecycleRules: 1_000,
  /** CloudWatch: widgets and metrics a dashboard; characters a Logs Insights query. */
  dashboardWidgets: 500,
  dashboardMetrics: 2_500,
  logsQueryChars: 10_000,
  /** Lambda, per account and region: concurrency no function's reservation may take (ReservedConcurrentExecutions fails below it). */
  unreservedConcurrencyMinimum: 100,
  /** Lambda: an SQS event source's ScalingConfig.MaximumConcurrency. */
  eventSourceConcurrency: { min: 2, max: 1_000 },
} as const;

/** A deployed `${X.Arn}` is longer than its text: count each at this length, pseudo parameters at their longest. */
const SUBSTITUTION_ALLOWANCE = 128;
const PSEUDO_PARAMETER_CHARS: Record<string, number> = { '${AWS::Partition}': 10, '${AWS::Region}': 14, '${AWS::AccountId}': 12 };

export interface StackMeasure {
  resources: number;
  outputs: number;
  parameters: number;
  bytes: number;
  managedPolicies: number;
  largestPolicyChars: number;
  inlinePolicyChars: number;
  environmentBytes: number;
  rules: number;
  wildcardRules: number;
  largestPatternChars: number;
  /** The function's resource-based policy as Lambda stores it, one statement per permission (see functionPolicyBytes). */
  functionPolicyBytes: number;
  /** The largest AWS::SQS::QueuePolicy document, with each ARN it names at its longest. */
  largestQueuePolicyBytes: number;
  /** SQS event sources of the function (intake queues and queues routes read). */
  sqsEventSources: number;
  /** The function's reserved concurrency; 0 when it reserves none. */
  reservedConcurrency: number;
  /** The largest dashboard's widgets and metric entries, its longest Logs Insights query, and the routes with a widget of their own. */
  dashboardWidgets: number;
  dashboardMetrics: number;
  longestQueryChars: number;
  dashboardRoutes: number;
}

export interface QuotaBreach {
  /** What is over, in the operator's words, e.g. `500 resources a stack`. */
  quota: string;
  limit: number;
  actual: number;
}

export function measureStack(template: CfnTemplate, body: string): StackMeasure {
  const resources = Object.values(template.Resources);
  const policies = resources.filter((r) => r.Type === 'AWS::IAM::ManagedPolicy');
  const functionRole = template.Resources.RouterFunctionRole;
  // Schedules (batch.schedule) are rules on the default bus too: they count toward its 300.
  const rules = resources.filter((r) => r.Type === 'AWS::Events::Rule');
  const patterns = rules.filter((r) => r.Properties?.EventPattern !== undefined).map((r) => JSON.stringify(r.Properties?.EventPattern));
  const functions = resources.filter((r) => r.Type === 'AWS::Lambda::Function');
  const environments = functions.map((r) => environmentBytes((r.Properties?.Environment as { Variables?: Record<string, CfnValue> } | undefined)?.Variables ?? {}));
  return {
    resources: resources.length,
    outputs: Object.keys(template.Outputs).length,
    parameters: Object.keys(template.Parameters).length,
    bytes: Buffer.byteLength(body),
    managedPolicies: ((functionRole?.Properties?.ManagedPolicyArns as CfnValue[] | undefined) ?? []).length,
    largestPolicyChars: Math.max(0, ...policies.map((p) => iamChars(p.Properties?.PolicyDocument ?? {}))),
    inlinePolicyChars: ((functionRole?.Properties?.Policies as Array<{ PolicyDocument: CfnValue }> | undefined) ?? []).reduce((n, p) => n + iamChars(p.PolicyDocument), 0),
    environmentBytes: Math.max(0, ...environments),
    rules: rules.length,
    wildcardRules: patterns.filter((p) => p.includes('"wildcard"')).length,
    largestPatternChars: Math.max(0, ...patterns.map((p) => p.length)),
    functionPolicyBytes: functionPolicyBytes(resources.filter((r) => r.Type === 'AWS::Lambda::Permission')),
    largestQueuePolicyBytes: Math.max(0, ...resources.filter((r) => r.Type === 'AWS::SQS::QueuePolicy').map((r) => deployedChars(r.Properties?.PolicyDocument ?? {}))),
    sqsEventSources: resources.filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping').length,
    reservedConcurrency: Math.max(0, ...functions.map((r) => Number(r.Properties?.ReservedConcurrentExecutions ?? 0))),
    ...dashboardMeasure(resources.filter((r) => r.Type === 'AWS::CloudWatch::Dashboard')),
  };
}

/** Executions the template's functions reserve together (Lambda takes them from the account's unreserved pool). */
export function reservedExecutions(template: Pick<CfnTemplate, 'Resources'>): number {
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .reduce((n, r) => n + (typeof r.Properties?.ReservedConcurrentExecutions === 'number' ? r.Properties.ReservedConcurrentExecutions : 0), 0);
}

interface DashboardWidget {
  properties?: { metrics?: unknown[][]; query?: string };
}

type DashboardMeasure = Pick<StackMeasure, 'dashboardWidgets' | 'dashboardMetrics' | 'longestQueryChars' | 'dashboardRoutes'>;

/** Read from each dashboard's body (JSON inside its Fn::Sub; the `${…}` left in strings keep it JSON). */
function dashboardMeasure(dashboards: CfnResource[]): DashboardMeasure {
  const bodies = dashboards.map((d) => {
    const body = d.Properties?.DashboardBody;
    const text = typeof body === 'string' ? body : body !== null && typeof body === 'object' && !Array.isArray(body) && typeof body['Fn::Sub'] === 'string' ? body['Fn::Sub'] : '{}';
    return (JSON.parse(text) as { widgets?: DashboardWidget[] }).widgets ?? [];
  });
  const metrics = (widgets: DashboardWidget[]): unknown[][] => widgets.flatMap((w) => w.properties?.metrics ?? []);
  return {
    dashboardWidgets: Math.max(0, ...bodies.map((widgets) => widgets.length)),
    dashboardMetrics: Math.max(0, ...bodies.map((widgets) => metrics(widgets).length)),
    longestQueryChars: Math.max(0, ...bodies.flatMap((widgets) => widgets.map((w) => w.properties?.query?.length ?? 0))),
    dashboardRoutes: Math.max(0, ...bodies.map((widgets) => new Set(metrics(widgets).flatMap((m) => (m[2] === 'Route' ? [m[3]] : []))).size)),
  };
}

/** The first per-stack quota the measure is over, if any. */
export function stackBreach(m: StackMeasure): QuotaBreach | undefined {
  const checks: Array<[string, number, number]> = [
    [`${QUOTAS.resources} resources a stack`, QUOTAS.resources, m.resources],
    [`${QUOTAS.outputs} outputs a stack`, QUOTAS.outputs, m.outputs],
    [`${QUOTAS.parameters} parameters a stack`, QUOTAS.parameters, m.parameters],
    [`${QUOTAS.templateBytes} bytes a template`, QUOTAS.templateBytes, m.bytes],
    [`${QUOTAS.managedPolicies} managed policies a role`, QUOTAS.managedPolicies, m.managedPolicies],
    [`${QUOTAS.managedPolicyChars} characters a managed policy`, QUOTAS.managedPolicyChars, m.largestPolicyChars],
    [`${QUOTAS.inlinePolicyChars} inline policy characters a role`, QUOTAS.inlinePolicyChars, m.inlinePolicyChars],
    [`${QUOTAS.environmentBytes} bytes of Lambda environment`, QUOTAS.environmentBytes, m.environmentBytes],
    [`${QUOTAS.patternChars} characters an EventBridge pattern`, QUOTAS.patternChars, m.largestPatternChars],
    [`${QUOTAS.functionPolicyBytes} bytes of a function's resource-based policy`, QUOTAS.functionPolicyBytes, m.functionPolicyBytes],
    [`${QUOTAS.queuePolicyBytes} bytes a queue policy`, QUOTAS.queuePolicyBytes, m.largestQueuePolicyBytes],
    [`${QUOTAS.dashboardWidgets} widgets a dashboard`, QUOTAS.dashboardWidgets, m.dashboardWidgets],
    [`${QUOTAS.dashboardMetrics} metrics a dashboard`, QUOTAS.dashboardMetrics, m.dashboardMetrics],
    [`${QUOTAS.logsQueryChars} characters a Logs Insights query`, QUOTAS.logsQueryChars, m.longestQueryChars],
  ];
  const over = checks.find(([, limit, actual]) => actual > limit);
  return over === undefined ? undefined : { quota: over[0], limit: over[1], actual: over[2] };
}

/**
 * What a stack deploys with but may not run or show well, in the operator's words: each SQS
 * event source polls with at least 2 executions (AWS's floor), so with more sources than half
 * the reserved concurrency they can together poll for more than the function may run, and
 * throttled receives push good messages toward the dead-letter queues; and a dashboard without
 * a widget for every route of the stack.
 */
export function stackWarnings(m: StackMeasure, routes: number): string[] {
  const floor = QUOTAS.eventSourceConcurrency.min;
  const warnings: string[] = [];
  if (m.reservedConcurrency > 0 && m.sqsEventSources * floor > m.reservedConcurrency) {
    warnings.push(
      `${m.sqsEventSources} SQS event sources share a reserved concurrency of ${m.reservedConcurrency}: each polls with at least ${floor}, so together up to ${m.sqsEventSources * floor}, and throttled receives count toward the dead-letter queue; raise --reserved-concurrency to ${m.sqsEventSources * floor} or more, or pass 0 to reserve none`,
    );
  }
  if (m.dashboardWidgets > 0 && m.dashboardRoutes < routes) {
    warnings.push(`the dashboard has a widget for ${m.dashboardRoutes} of the stack's ${routes} routes (CloudWatch takes ${QUOTAS.dashboardWidgets} widgets and ${QUOTAS.dashboardMetrics} metrics a dashboard); one widget shows all routes together`);
  }
  return warnings;
}

/** Lambda names each permission's statement after the resource's physical id: at most this long. */
const STATEMENT_ID_CHARS = 100;
/** `{"Version":"2012-10-17","Id":"default","Statement":[…]}` around the statements. */
const FUNCTION_POLICY_WRAPPER = JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: [] }).length;

/**
 * The function's policy as Lambda stores it: one statement per permission, naming the function's
 * ARN and each permission's SourceArn (ArnLike) and SourceAccount, intrinsics at their allowance.
 */
function functionPolicyBytes(permissions: CfnResource[]): number {
  if (permissions.length === 0) return 0;
  const statements = permissions.map((p) => {
    const properties = p.Properties ?? {};
    const condition = {
      ...(properties.SourceArn !== undefined ? { ArnLike: { 'AWS:SourceArn': properties.SourceArn } } : {}),
      ...(properties.SourceAccount !== undefined ? { StringEquals: { 'AWS:SourceAccount': properties.SourceAccount } } : {}),
    };
    const statement = {
      Sid: 'x'.repeat(STATEMENT_ID_CHARS),
      Effect: 'Allow',
      Principal: { Service: properties.Principal ?? '' },
      Action: properties.Action ?? '',
      Resource: properties.FunctionName ?? '',
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    };
    return deployedChars(statement as CfnValue);
  });
  return FUNCTION_POLICY_WRAPPER + statements.reduce((a, b) => a + b, 0) + statements.length - 1;
}

/** Characters of a document once deployed: compact JSON, every Ref, GetAtt and Fn::Sub substitution at its allowance. */
function deployedChars(document: CfnValue): number {
  const text = JSON.stringify(document, (_key, value: CfnValue) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    if (typeof value['Fn::Sub'] === 'string') return value['Fn::Sub'];
    if ('Fn::GetAtt' in value || 'Ref' in value) return '${Intrinsic}';
    return value;
  });
  return expanded(text);
}

/** Characters IAM counts: the policy as compact JSON, each `Fn::Sub` as its text with substitutions at their allowance. */
export function iamChars(document: CfnValue): number {
  const text = JSON.stringify(document, (_key, value: CfnValue) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value['Fn::Sub'] === 'string') return value['Fn::Sub'];
    return value;
  });
  return expanded(text);
}

function environmentBytes(variables: Record<string, CfnValue>): number {
  return Object.entries(variables).reduce((n, [key, value]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return n + key.length + expanded(text);
  }, 0);
}

function expanded(text: string): number {
  const substitutions = text.match(/\$\{[^}]+\}/g) ?? [];
  return text.length + substitutions.reduce((sum, s) => sum + (PSEUDO_PARAMETER_CHARS[s] ?? SUBSTITUTION_ALLOWANCE) - s.length, 0);
}
