/** NotificationPort over SNS; a bare topic name is taken to be in the caller's own account and region. */
import type { NotificationPort } from '../types.ts';
import { toActionError } from './classify.ts';
import type { AccessResolver } from './credentials.ts';
import { loadSdk } from './sdk.ts';

/** SNS subjects: one line, under 100 characters. */
const MAX_SUBJECT = 99;

export class SnsNotifications implements NotificationPort {
  /** Per-container cache: `arn:<partition>:sns:<region>:<account>:` of the caller. */
  #arnPrefix?: Promise<string>;

  constructor(private readonly access: AccessResolver) {}

  async publish(topic: string, subject: string, message: string): Promise<{ messageId: string }> {
    const topicArn = topic.startsWith('arn:') ? topic : (await this.arnPrefix()) + topic;
    const { PublishCommand } = await loadSdk('sns');
    const { sns } = await this.access.clientsFor();
    try {
      const answer = await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: oneLine(subject), Message: message }));
      return { messageId: answer.MessageId ?? '' };
    } catch (error) {
      throw toActionError(error, { operation: 'sns:Publish', destination: topicArn });
    }
  }

  private arnPrefix(): Promise<string> {
    if (this.#arnPrefix !== undefined) return this.#arnPrefix;
    const lookup = this.lookUpArnPrefix();
    this.#arnPrefix = lookup;
    lookup.catch(() => {
      if (this.#arnPrefix === lookup) this.#arnPrefix = undefined;
    });
    return lookup;
  }

  private async lookUpArnPrefix(): Promise<string> {
    const [{ GetCallerIdentityCommand }] = await Promise.all([loadSdk('sts'), loadSdk('sns')]);
    const { sts, sns } = await this.access.clientsFor();
    try {
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      const partition = identity.Arn?.split(':')[1] ?? 'aws';
      const region = await sns.config.region();
      return `arn:${partition}:sns:${region}:${identity.Account ?? ''}:`;
    } catch (error) {
      throw toActionError(error, { operation: 'sts:GetCallerIdentity' });
    }
  }
}

function oneLine(subject: string): string {
  return subject.replace(/[\r\n]+/g, ' ').slice(0, MAX_SUBJECT);
}
