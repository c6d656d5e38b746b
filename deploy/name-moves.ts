/**
 * Resources whose physical name a route gives (a queue it owns, a topic) keep that name when
 * their source bucket moves to another shard, and one name cannot exist in two stacks at once.
 * So the stack that gives such a name up must be updated (or, when its routes are all gone,
 * deleted) before the stack that takes the name over is deployed. Names derived from the stack's
 * own name (function, role, rules, intake queues) never move and never order anything.
 */

/** `AWS::SQS::Queue QueueName=orders-q` for every resource property named `…Name` with a literal string value. */
export function namedResources(body: string): Set<string> {
  const names = new Set<string>();
  let resources: Record<string, { Type?: unknown; Properties?: Record<string, unknown> }>;
  try {
    resources = (JSON.parse(body) as { Resources?: typeof resources }).Resources ?? {};
  } catch {
    return names;
  }
  for (const resource of Object.values(resources)) {
    for (const [property, value] of Object.entries(resource.Properties ?? {})) {
      if (property.endsWith('Name') && typeof value === 'string') names.add(`${String(resource.Type)} ${property}=${value}`);
    }
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
