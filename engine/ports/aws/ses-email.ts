/** EmailPort over SESv2: contact-list recipients and simple (subject/html/text) mail. */
import type { Contact } from '@aws-sdk/client-sesv2';
import type { Access, EmailMessage, EmailPort } from '../types.ts';
import { toActionError } from './classify.ts';
import type { AccessResolver } from './credentials.ts';
import { loadSdk } from './sdk.ts';

const PAGE_SIZE = 1000;
/** Guards against a service that keeps answering with a token. */
const MAX_PAGES = 1000;

export class SesEmail implements EmailPort {
  constructor(private readonly access: AccessResolver) {}

  async listContacts(contactList: string, topic: string | undefined, access?: Access): Promise<string[]> {
    const { ListContactsCommand } = await loadSdk('sesv2');
    const { sesv2 } = await this.access.clientsFor(access);
    const addresses: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      try {
        const answer = await sesv2.send(
          new ListContactsCommand({
            ContactListName: contactList,
            PageSize: PAGE_SIZE,
            NextToken: token,
            ...(topic !== undefined
              ? { Filter: { FilteredStatus: 'OPT_IN', TopicFilter: { TopicName: topic, UseDefaultIfPreferenceUnavailable: true } } }
              : {}),
          }),
        );
        for (const contact of answer.Contacts ?? []) {
          if (contact.EmailAddress !== undefined && optedIn(contact, topic)) addresses.push(contact.EmailAddress);
        }
        token = answer.NextToken;
      } catch (error) {
        throw toActionError(error, { operation: `sesv2:ListContacts ${contactList}`, destination: contactList });
      }
      if (token === undefined) return addresses;
    }
    return addresses;
  }

  async send(message: EmailMessage): Promise<{ messageId: string }> {
    const { SendEmailCommand } = await loadSdk('sesv2');
    const { sesv2 } = await this.access.clientsFor(message.access);
    try {
      const answer = await sesv2.send(
        new SendEmailCommand({
          FromEmailAddress: message.from,
          Destination: { ToAddresses: message.to },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: {
                ...(message.html !== undefined ? { Html: { Data: message.html, Charset: 'UTF-8' } } : {}),
                ...(message.text !== undefined ? { Text: { Data: message.text, Charset: 'UTF-8' } } : {}),
              },
            },
          },
          ...(message.contactList !== undefined
            ? { ListManagementOptions: { ContactListName: message.contactList, TopicName: message.topic } }
            : {}),
        }),
      );
      return { messageId: answer.MessageId ?? '' };
    } catch (error) {
      throw toActionError(error, { operation: 'sesv2:SendEmail', destination: message.to.join(', ') });
    }
  }
}

/**
 * SES already filters by topic; this re-check keeps the same answer where a stand-in
 * ignores the filter: unsubscribed-from-all and explicit or default opt-outs are dropped.
 */
function optedIn(contact: Contact, topic: string | undefined): boolean {
  if (contact.UnsubscribeAll === true) return false;
  if (topic === undefined) return true;
  const explicit = contact.TopicPreferences?.find((preference) => preference.TopicName === topic);
  if (explicit !== undefined) return explicit.SubscriptionStatus === 'OPT_IN';
  const byDefault = contact.TopicDefaultPreferences?.find((preference) => preference.TopicName === topic);
  return byDefault === undefined || byDefault.SubscriptionStatus === 'OPT_IN';
}
