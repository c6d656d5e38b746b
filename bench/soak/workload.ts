/**
 * The soak's events: objects spread over the four event-driven seed routes, each with what must
 * come of it (copies with their bytes, tags and metadata; one message and one email per change).
 * Generated from a seed, so a run can be repeated.
 */
import { fromMillis } from './time.ts';
import { CUSTOMER, EXPORT_ORGS, MAPPINGS, REGIONAL_BUCKETS } from './world.ts';

export interface ExpectedCopy {
  bucket: string;
  key: string;
}

export interface SoakObject {
  index: number;
  route: 'one-to-many' | 'artifacts-export' | 'global-builds' | 'change-notifications';
  bucket: string;
  key: string;
  body: Buffer;
  contentType: string;
  metadata: Record<string, string>;
  tags: Record<string, string>;
  /** Delivered twice by the trigger (SQS duplicate or EventBridge retry of a success). */
  deliverTwice: boolean;
  /** Copies that must exist; archive copies are dated by the event, so they are filled in after the put. */
  copies: ExpectedCopy[];
  /** change-notifications: the token in the message and the email that identifies this event. */
  changeId?: string;
  /** change-notifications: whether an email is due (submitted / approved / completed). */
  emailTopic?: string;
}

const ROUTES: SoakObject['route'][] = ['one-to-many', 'artifacts-export', 'global-builds', 'change-notifications'];

export function soakObjects(count: number, random: () => number, runId: string): SoakObject[] {
  const objects: SoakObject[] = [];
  for (let index = 0; index < count; index++) {
    const route = ROUTES[index % ROUTES.length] ?? 'global-builds';
    const size = 64 + Math.floor(random() * 4096);
    const body = Buffer.from(Array.from({ length: size }, () => Math.floor(random() * 256)));
    const deliverTwice = random() < 0.1;
    const base = { index, route, body, deliverTwice, metadata: { soak: runId, seq: String(index) } };
    if (route === 'one-to-many') {
      const keys = random() < 0.5 ? ['intel-distribution', 'ops-distribution'] : [random() < 0.5 ? 'intel-distribution' : 'ops-distribution'];
      const key = `incoming/${runId}/batch ${index % 7}/file-${index}.bin`;
      objects.push({ ...base, bucket: 'my-ingestion-bucket', key, contentType: 'application/octet-stream', tags: { DestinationMappingKey: keys.join(' '), run: runId }, copies: keys.flatMap((k) => MAPPINGS[k] ?? []).map((b) => ({ bucket: b, key })) });
    } else if (route === 'artifacts-export') {
      const orgs = Object.keys(EXPORT_ORGS);
      const org = orgs[index % orgs.length] ?? 'acme';
      const key = `${org}/${runId}/drawing-${index}.pdf`;
      objects.push({ ...base, bucket: 'artifacts-source', key, contentType: 'application/pdf', tags: { org }, copies: [{ bucket: EXPORT_ORGS[org] ?? '', key }] });
    } else if (route === 'global-builds') {
      const key = `builds/${runId}/${index}/app+${index}.zip`;
      objects.push({ ...base, bucket: 'global-builds', key, contentType: 'application/zip', tags: { build: String(index) }, copies: REGIONAL_BUCKETS.map((b) => ({ bucket: b, key })) });
    } else {
      const changeId = `chg-${runId}-${index}`;
      const status = ['submitted', 'approved', 'cancelled'][index % 3] ?? 'submitted';
      const document = {
        changeId,
        version: 1,
        status,
        changeMetadata: { title: `Soak change ${changeId}` },
        emailNotification: { subject: `Change ${changeId}` },
      };
      objects.push({
        ...base,
        body: Buffer.from(JSON.stringify(document)),
        bucket: 'metadata-trigger-bucket',
        key: `customers/${CUSTOMER}/${changeId}-v1.json`,
        contentType: 'application/json',
        tags: { customer: CUSTOMER },
        copies: [],
        changeId,
        ...(status === 'submitted' ? { emailTopic: 'aws-approval' } : status === 'approved' ? { emailTopic: 'aws-announce' } : {}),
      });
    }
  }
  return objects;
}

/** change-notifications archives under archive/YYYY/MM/DD/ of the event time. */
export function archiveCopy(object: SoakObject, eventTime: Date): ExpectedCopy {
  return { bucket: 'metadata-trigger-bucket', key: `archive/${fromMillis(eventTime)}/${object.changeId ?? ''}-v1.json` };
}
