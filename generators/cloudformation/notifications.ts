/**
 * SNS topics the routes name for failure and batch notifications (a name the stack creates, an
 * ARN it does not), encrypted with the AWS-managed SNS key.
 */
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { topicsOf } from './iam.ts';
import { addOutput, addResource } from './id-owners.ts';
import { logicalId } from './names.ts';
import type { GeneratorContext, PartOutput } from './types.ts';

export function topicId(name: string): string {
  return logicalId(name, 'Topic');
}

/** Topic names the stack creates, each with the routes that publish to it. */
export function ownedTopics(routes: CompiledRoute[]): Map<string, string[]> {
  const topics = new Map<string, string[]>();
  for (const route of routes) {
    for (const topic of new Set(topicsOf(route))) {
      if (!topic.startsWith('arn:')) topics.set(topic, [...(topics.get(topic) ?? []), route.name]);
    }
  }
  return new Map([...topics.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export function notificationsPart(context: GeneratorContext): PartOutput {
  const part: PartOutput = { resources: {}, outputs: {}, statements: [] };
  for (const [name, routes] of ownedTopics(context.routes)) {
    addResource(part, topicId(name), {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: name, DisplayName: `Switchyard: ${routes.join(', ')}`.slice(0, 100), KmsMasterKeyId: 'alias/aws/sns' },
    }, `topic ${name}`);
    addOutput(part, topicId(name), { Description: `Notifications of routes ${routes.join(', ')}`, Value: { Ref: topicId(name) } }, `the ARN of topic ${name}`);
  }
  return part;
}
