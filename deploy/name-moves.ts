/**
 * Resources whose physical name a route gives (a queue it owns, a topic) keep that name when
 * their source bucket moves to another shard, and one name cannot exist in two stacks at once.
 * So the stack that gives such a name up must be updated (or, when its routes are all gone,
 * deleted) before the stack that takes the name over is deployed. Names derived from the stack's
 * own name (function, role, rules, intake queues) never move and never order anything.
 */

/**
 * The property that sets a resource type's physical name, for every type the generator emits
 * (grep `Type: 'AWS::` in generators/cloudformation) that has one. Explicit, because other
 * `…Name` properties are not names of anything the stack owns: an alarm's `MetricName` is
 * `Errors` in every shard.
 */
const PHYSICAL_NAME_PROPERTY: ReadonlyMap<string, string> = new Map([
  ['AWS::SQS::Queue', 'QueueName'],
  ['AWS::SNS::Topic', 'TopicName'],
  ['AWS::StepFunctions::StateMachine', 'StateMachineName'],
  ['AWS::Logs::LogGroup', 'LogGroupName'],
  ['AWS::IAM::Role', 'RoleName'],
  ['AWS::IAM::ManagedPolicy', 'ManagedPolicyName'],
  ['AWS::Lambda::Function', 'FunctionName'],
  ['AWS::S3::Bucket', 'BucketName'],
  ['AWS::CloudWatch::Alarm', 'AlarmName'],
  ['AWS::CloudWatch::Dashboard', 'DashboardName'],
  ['AWS::Events::Rule', 'Name'],
]);

/** `AWS::SQS::Queue QueueName=orders-q` for every resource whose physical name is a literal string. */
export function namedResources(body: string): Set<string> {
  const names = new Set<string>();
  let resources: Record<string, { Type?: unknown; Properties?: Record<string, unknown> }>;
  try {
    resources = (JSON.parse(body) as { Resources?: typeof resources }).Resources ?? {};
  } catch {
    return names;
  }
  for (const resource of Object.values(resources)) {
    const property = typeof resource.Type === 'string' ? PHYSICAL_NAME_PROPERTY.get(resource.Type) : undefined;
    const value = property === undefined ? undefined : resource.Properties?.[property];
    if (typeof value === 'string') names.add(`${String(resource.Type)} ${property}=${value}`);
  }
  return names;
}

/**
 * For each stack about to be deployed, the stacks that hold one of its names today and must
 * release it first (with the names, for the messages).
 */
export function nameReleases(desired: ReadonlyArray<{ name: string; body: string }>, deployed: ReadonlyMap<string, string>): Map<string, Map<string, string[]>> {
  const holders = new Map<string, string>();
  for (const [stack, body] of deployed) for (const name of namedResources(body)) holders.set(name, stack);
  const releases = new Map<string, Map<string, string[]>>();
  for (const stack of desired) {
    for (const name of namedResources(stack.body)) {
      const holder = holders.get(name);
      if (holder === undefined || holder === stack.name) continue;
      const byHolder = releases.get(stack.name) ?? new Map<string, string[]>();
      byHolder.set(holder, [...(byHolder.get(holder) ?? []), name]);
      releases.set(stack.name, byHolder);
    }
  }
  return releases;
}

/**
 * SQS refuses a queue name for a while after the queue that had it was deleted
 * (`QueueDeletedRecently`: "you must wait 60 seconds"). The deletion itself can take part of that
 * minute to settle, so the wait is a little longer; Terraform's provider retries for 70 s too.
 */
export const QUEUE_NAME_COOLDOWN_MS = 70_000;

const QUEUE_NAME = 'AWS::SQS::Queue QueueName=';

/** The queue names among names as namedResources gives them (`AWS::SQS::Queue QueueName=…`). */
export function queueNames(names: Iterable<string>): string[] {
  return [...names].filter((n) => n.startsWith(QUEUE_NAME)).map((n) => n.slice(QUEUE_NAME.length));
}

/** The queue names a template declares (Switchyard writes them as literals). */
export function queuesDeclared(body: string | undefined): string[] {
  return body === undefined ? [] : queueNames(namedResources(body));
}
