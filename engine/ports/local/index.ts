/**
 * Local mode (`switchyard run --local DIR`): every side effect lands in files under DIR,
 * laid out as described in layout.ts. Parameters come from `fixtures.ssm` and `DIR/_ssm.json`
 * (the fixtures win where both name a parameter); contact lists from `fixtures.contacts`.
 * `fixtures.objects` is not used: local objects are the files themselves.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ActionError } from '../../errors.ts';
import { contactsFrom, emptyFixtures, type Fixtures } from '../fixtures.ts';
import type { Ports } from '../types.ts';
import { NOTIFICATIONS_DIR, OUTBOX_DIR, QUEUES_DIR, SSM_FILE, channelPath } from './layout.ts';
import { writeNumbered } from './numbered-files.ts';
import { createLocalStorage } from './storage.ts';

export { SIDECAR_DIR, SSM_FILE, QUEUES_DIR, OUTBOX_DIR, NOTIFICATIONS_DIR } from './layout.ts';

export function createLocalPorts(dir: string, fixtures: Fixtures = emptyFixtures()): Ports {
  const messageId = (path: string): string => `local-${basename(path, '.json')}`;

  return {
    storage: createLocalStorage(dir),
    parameters: {
      async getParameters(names) {
        const known = { ...(await readSsmFile(join(dir, SSM_FILE))), ...fixtures.ssm };
        const values = new Map<string, string>();
        for (const name of names) {
          const value = known[name];
          if (value !== undefined) values.set(name, value);
        }
        return values;
      },
    },
    queues: {
      async send(message) {
        const { queue, body, groupId, deduplicationId, attributes, access } = message;
        const path = await writeNumbered(channelPath(dir, QUEUES_DIR, queue), {
          queue,
          body,
          ...(groupId !== undefined && { groupId }),
          ...(deduplicationId !== undefined && { deduplicationId }),
          ...(attributes !== undefined && { attributes }),
          ...(access !== undefined && { access }),
        });
        return { messageId: messageId(path) };
      },
    },
    email: {
      async listContacts(contactList, topic) {
        return contactsFrom(fixtures, contactList, topic);
      },
      async send(message) {
        const { from, to, subject, html, text, topic, contactList, access } = message;
        const path = await writeNumbered(join(dir, OUTBOX_DIR), {
          from,
          to,
          subject,
          ...(html !== undefined && { html }),
          ...(text !== undefined && { text }),
          ...(topic !== undefined && { topic }),
          ...(contactList !== undefined && { contactList }),
          ...(access !== undefined && { access }),
        });
        return { messageId: messageId(path) };
      },
    },
    notifications: {
      async publish(topic, subject, message) {
        const path = await writeNumbered(channelPath(dir, NOTIFICATIONS_DIR, topic), { topic, subject, message });
        return { messageId: messageId(path) };
      },
    },
    clock: {
      now: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    },
  };
}

/** `DIR/_ssm.json`: `{ "name": "value" | ["a", "b"] }`, a list standing for a StringList. Absent means empty. */
async function readSsmFile(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const invalid = (why: string, cause?: unknown): ActionError =>
    new ActionError('InvalidParameterFile', `${path}: ${why}`, 'config', {}, cause === undefined ? undefined : { cause });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid(`not valid JSON (${(error as Error).message})`, error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid('expected an object of parameter name → value');
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string') values[name] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) values[name] = value.join(',');
    else throw invalid(`parameter "${name}" must be a string or a list of strings`);
  }
  return values;
}
