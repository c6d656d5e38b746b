/**
 * A stateful stand-in for CloudFormation in the unit tests of deploy/rollout.ts, where several
 * stacks are worked on at once and a scripted answer queue cannot know which stack asks.
 * It keeps stacks, change sets and events; a change set lists Add/Modify/Remove by comparing
 * the templates' Resources; an execution stays in progress for a few polls (so overlapping
 * executions can be counted) and then completes, or fails and rolls back for the stacks
 * named in `failing`.
 */
import type { CloudFormationClient, StackEvent } from '@aws-sdk/client-cloudformation';
import { serviceError } from './fake-cloudformation.ts';

interface Stack {
  name: string;
  id: string;
  status: string;
  template: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  description?: string;
  events: StackEvent[];
  /** Polls left before an operation in progress ends. */
  pollsLeft: number;
  pending?: { kind: 'CREATE' | 'UPDATE' | 'DELETE'; template?: string; parameters?: Record<string, string> };
}

interface ChangeSet {
  id: string;
  stackId: string;
  type: 'CREATE' | 'UPDATE';
  template: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  changes: Array<{ Action: string; LogicalResourceId: string; ResourceType: string }>;
}

type Input = Record<string, unknown>;

export class FakeStacks {
  readonly stacks = new Map<string, Stack>();
  readonly changeSets = new Map<string, ChangeSet>();
  /** Stack name → the reason its next execution fails with. */
  readonly failing = new Map<string, string>();
  readonly calls: Array<{ command: string; stack: string }> = [];
  /** The most stack operations (executions, deletions) in progress at one time. */
  maxInProgress = 0;
  /** The fake clock (ms): SQS's queue-name cooldown is counted on it; a rollout's clock advances it. */
  now = 0;
  /** Queue name → when a stack's update or deletion deleted it. */
  readonly #deletedQueues = new Map<string, number>();
  #sequence = 0;

  readonly client = { send: (command: { constructor: { name: string }; input: Input }) => this.#send(command.constructor.name.replace(/Command$/, ''), command.input) } as unknown as CloudFormationClient;

  /** A stack as a previous deploy left it. */
  addStack(name: string, template: string, parameters: Record<string, string>, tags: Record<string, string>, status = 'CREATE_COMPLETE', description?: string): Stack {
    const stack: Stack = { name, id: `arn:aws:cloudformation:eu-west-1:111122223333:stack/${name}/${++this.#sequence}`, status, template, parameters, tags, events: [], pollsLeft: 0, ...(description ? { description } : {}) };
    this.stacks.set(stack.id, stack);
    return stack;
  }

  byName(name: string): Stack | undefined {
    return [...this.stacks.values()].find((s) => s.name === name && s.status !== 'DELETE_COMPLETE');
  }

  commands(command: string): string[] {
    return this.calls.filter((c) => c.command === command).map((c) => c.stack);
  }

  async #send(command: string, input: Input): Promise<unknown> {
    await Promise.resolve();
    const name = String(input.StackName ?? '');
    this.calls.push({ command, stack: this.#find(name)?.name ?? name });
    switch (command) {
      case 'DescribeStacks':
        return this.#describeStacks(name);
      case 'GetTemplate':
        return { TemplateBody: this.#required(name).template };
      case 'CreateChangeSet':
        return this.#createChangeSet(input);
      case 'DescribeChangeSet': {
        const cs = this.#changeSet(input);
        return { Status: 'CREATE_COMPLETE', ChangeSetId: cs.id, Changes: cs.changes.map((c) => ({ Type: 'Resource', ResourceChange: c })) };
      }
      case 'DeleteChangeSet':
        this.changeSets.delete(this.#changeSet(input).id);
        return {};
      case 'ExecuteChangeSet':
        return this.#execute(this.#changeSet(input));
      case 'DescribeStackEvents':
        return { StackEvents: [...this.#required(name).events].reverse() };
      case 'ListStackResources':
        return { StackResourceSummaries: Object.keys(resourcesOf(this.#required(name).template)).map((id) => ({ LogicalResourceId: id })) };
      case 'DeleteStack': {
        const stack = this.#required(name);
        // The empty stack a CREATE change set made has nothing to delete.
        if (stack.status === 'REVIEW_IN_PROGRESS') stack.status = 'DELETE_COMPLETE';
        else this.#start(stack, 'DELETE_IN_PROGRESS', { kind: 'DELETE' });
        return {};
      }
      default:
        throw new Error(`FakeStacks does not answer ${command}`);
    }
  }

  #describeStacks(name: string): unknown {
    if (name === '') return { Stacks: [...this.stacks.values()].filter((s) => s.status !== 'DELETE_COMPLETE').map(described) };
    const stack = this.#find(name);
    if (!stack) throw serviceError('ValidationError', `Stack with id ${name} does not exist`);
    this.#advance(stack);
    return { Stacks: [described(stack)] };
  }

  #createChangeSet(input: Input): unknown {
    const name = String(input.StackName);
    const type = input.ChangeSetType as 'CREATE' | 'UPDATE';
    let stack = this.byName(name);
    if (type === 'CREATE' && !stack) stack = this.addStack(name, '{}', {}, {}, 'REVIEW_IN_PROGRESS');
    if (!stack) throw serviceError('ValidationError', `Stack [${name}] does not exist`);
    const template = String(input.TemplateBody ?? `{"Resources":{"FromUrl":{"Type":"AWS::SQS::Queue"}}}`);
    const parameters = Object.fromEntries((input.Parameters as Array<{ ParameterKey: string; ParameterValue: string }>).map((p) => [p.ParameterKey, p.ParameterValue]));
    const tags = Object.fromEntries(((input.Tags ?? []) as Array<{ Key: string; Value: string }>).map((t) => [t.Key, t.Value]));
    const id = `arn:aws:cloudformation:eu-west-1:111122223333:changeSet/${String(input.ChangeSetName)}/${++this.#sequence}`;
    this.changeSets.set(id, { id, stackId: stack.id, type, template, parameters, tags, changes: diffResources(stack.template, template) });
    return { Id: id, StackId: stack.id };
  }

  #execute(cs: ChangeSet): unknown {
    const stack = this.stacks.get(cs.stackId);
    if (!stack) throw new Error('change set of an unknown stack');
    this.changeSets.delete(cs.id);
    stack.tags = { ...stack.tags, ...cs.tags };
    this.#start(stack, `${cs.type}_IN_PROGRESS`, { kind: cs.type, template: cs.template, parameters: cs.parameters });
    return {};
  }

  #start(stack: Stack, status: string, pending: NonNullable<Stack['pending']>): void {
    stack.status = status;
    stack.pending = pending;
    stack.pollsLeft = 2;
    this.#event(stack, stack.name, status, 'User Initiated');
    const inProgress = [...this.stacks.values()].filter((s) => s.status.endsWith('_IN_PROGRESS') && s.pending).length;
    this.maxInProgress = Math.max(this.maxInProgress, inProgress);
  }

  #advance(stack: Stack): void {
    // Every poll takes a second of the fake clock, so a wait measured from a stack's end is measured honestly.
    this.now += 1000;
    const pending = stack.pending;
    if (!pending || --stack.pollsLeft > 0) return;
    stack.pending = undefined;
    const reason = this.failing.get(stack.name) ?? (pending.template !== undefined ? this.#queueNameTaken(stack, pending.template) : undefined);
    if (pending.kind === 'DELETE') {
      for (const name of queueNamesOf(stack.template)) this.#deletedQueues.set(name, this.now);
      stack.status = 'DELETE_COMPLETE';
    } else if (reason !== undefined) {
      this.#event(stack, 'Broken', `${pending.kind}_FAILED`, reason);
      this.#event(stack, 'Other', `${pending.kind}_FAILED`, 'Resource creation cancelled');
      stack.status = pending.kind === 'CREATE' ? 'ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE';
    } else {
      const kept = queueNamesOf(pending.template ?? stack.template);
      for (const name of queueNamesOf(stack.template)) if (!kept.includes(name)) this.#deletedQueues.set(name, this.now);
      stack.template = pending.template ?? stack.template;
      stack.parameters = pending.parameters ?? stack.parameters;
      stack.status = `${pending.kind}_COMPLETE`;
    }
    this.#event(stack, stack.name, stack.status);
  }

  /**
   * As CloudFormation refuses to create a queue whose name another stack's queue has, or whose
   * name a deleted queue had less than 60 s ago (SQS's QueueDeletedRecently).
   */
  #queueNameTaken(stack: Stack, template: string): string | undefined {
    const wanted = queueNamesOf(template);
    for (const other of this.stacks.values()) {
      if (other === stack || other.status === 'DELETE_COMPLETE') continue;
      const taken = queueNamesOf(other.template).find((n) => wanted.includes(n));
      if (taken) return `${taken} already exists in stack ${other.id}`;
    }
    const had = queueNamesOf(stack.template);
    const recent = wanted.find((n) => !had.includes(n) && this.now - (this.#deletedQueues.get(n) ?? -Infinity) < 60_000);
    if (recent) return `${recent}: QueueDeletedRecently: You must wait 60 seconds after deleting a queue before you can create another with the same name.`;
    return undefined;
  }

  #event(stack: Stack, logicalId: string, status: string, reason?: string): void {
    stack.events.push({
      EventId: `e${++this.#sequence}`,
      StackName: stack.name,
      LogicalResourceId: logicalId,
      ResourceType: logicalId === stack.name ? 'AWS::CloudFormation::Stack' : 'AWS::SQS::Queue',
      ResourceStatus: status,
      Timestamp: new Date(Date.UTC(2026, 2, 4, 10, 0, this.#sequence % 60)),
      ...(reason ? { ResourceStatusReason: reason } : {}),
    } as StackEvent);
  }

  #find(nameOrId: string): Stack | undefined {
    return this.stacks.get(nameOrId) ?? this.byName(nameOrId);
  }

  #required(nameOrId: string): Stack {
    const stack = this.#find(nameOrId);
    if (!stack) throw serviceError('ValidationError', `Stack with id ${nameOrId} does not exist`);
    return stack;
  }

  #changeSet(input: Input): ChangeSet {
    const cs = this.changeSets.get(String(input.ChangeSetName));
    if (!cs) throw serviceError('ChangeSetNotFound', `ChangeSet [${String(input.ChangeSetName)}] does not exist`);
    return cs;
  }
}

function queueNamesOf(body: string): string[] {
  return Object.values(resourcesOf(body))
    .map((r) => (r as { Properties?: { QueueName?: string } }).Properties?.QueueName ?? '')
    .filter(Boolean);
}

function described(stack: Stack): unknown {
  return {
    StackName: stack.name,
    StackId: stack.id,
    StackStatus: stack.status,
    ...(stack.description ? { Description: stack.description } : {}),
    Parameters: Object.entries(stack.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    Tags: Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

function resourcesOf(template: string): Record<string, { Type?: string }> {
  return (JSON.parse(template) as { Resources?: Record<string, { Type?: string }> }).Resources ?? {};
}

function diffResources(before: string, after: string): ChangeSet['changes'] {
  const old = resourcesOf(before);
  const now = resourcesOf(after);
  const ids = [...new Set([...Object.keys(old), ...Object.keys(now)])].sort();
  return ids.flatMap((id) => {
    const type = now[id]?.Type ?? old[id]?.Type ?? '?';
    if (!(id in old)) return [{ Action: 'Add', LogicalResourceId: id, ResourceType: type }];
    if (!(id in now)) return [{ Action: 'Remove', LogicalResourceId: id, ResourceType: type }];
    return JSON.stringify(old[id]) === JSON.stringify(now[id]) ? [] : [{ Action: 'Modify', LogicalResourceId: id, ResourceType: type }];
  });
}
