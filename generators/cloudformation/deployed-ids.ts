/**
 * The logical-id stems a stack's deployed template gave its source buckets' intake queues and
 * the queues its routes read, so that generating the stack again keeps them (names.ts
 * uniqueIdStems). Read from the resources themselves, not from Metadata, so a template written
 * before this existed counts as well.
 */
import { INTAKE_QUEUE_KIND, QUEUE_MAPPING_KIND } from './sources.ts';

export interface DeployedIdStems {
  /** Intake queue name (its QueueName) → the stem of its `<stem>NotificationQueue`. */
  intakeQueues: ReadonlyMap<string, string>;
  /** ARN of a queue a route reads (trigger: sqs) → the stem of its `<stem>QueueMapping`. */
  sourceQueues: ReadonlyMap<string, string>;
}

const NO_DEPLOYED_IDS: DeployedIdStems = { intakeQueues: new Map(), sourceQueues: new Map() };

const STEM = /^[A-Za-z][A-Za-z0-9]*$/;

/** What `body` (a deployed template's JSON text) says; nothing for text that is not a template. */
export function deployedIdStems(body: string): DeployedIdStems {
  let resources: Record<string, { Type?: unknown; Properties?: Record<string, unknown> }>;
  try {
    resources = (JSON.parse(body) as { Resources?: typeof resources }).Resources ?? {};
  } catch {
    return NO_DEPLOYED_IDS;
  }
  const intakeQueues = new Map<string, string>();
  const sourceQueues = new Map<string, string>();
  for (const [id, resource] of Object.entries(resources)) {
    const name = resource.Type === 'AWS::SQS::Queue' ? resource.Properties?.QueueName : undefined;
    const stem = stemOf(id, INTAKE_QUEUE_KIND);
    if (typeof name === 'string' && stem !== undefined) intakeQueues.set(name, stem);
    const arn = resource.Type === 'AWS::Lambda::EventSourceMapping' ? resource.Properties?.EventSourceArn : undefined;
    const mappingStem = stemOf(id, QUEUE_MAPPING_KIND);
    if (typeof arn === 'string' && mappingStem !== undefined) sourceQueues.set(arn, mappingStem);
  }
  return { intakeQueues, sourceQueues };
}

/** Every deployed template's stems, by stack name. */
export function deployedIdStemsByStack(templates: ReadonlyMap<string, string>): Map<string, DeployedIdStems> {
  return new Map([...templates].map(([stack, body]) => [stack, deployedIdStems(body)]));
}

function stemOf(id: string, kind: string): string | undefined {
  const stem = id.endsWith(kind) ? id.slice(0, -kind.length) : undefined;
  return stem !== undefined && STEM.test(stem) ? stem : undefined;
}
