/**
 * What the soak finds in moto afterwards, held against what each event should have produced:
 * every copy with its bytes, tags and metadata; one message and one email per change, except
 * where the response to that very send was lost; every missing delivery covered by a
 * dead-lettered event or a failure record. Anything else is `lost`.
 */
import { GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { receiveDeadLetters } from '../../deploy/ops/dead-letters.ts';
import { eventDeadLetterQueues, type DeployedStack } from '../../deploy/ops/deployment.ts';
import { readFailureRecords } from '../../deploy/ops/failure-records.ts';
import { mapLimit } from '../../engine/limiter.ts';
import type { StoragePort } from '../../engine/ports/types.ts';
import { loadRoutes } from '../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../engine/load/route-set.ts';
import type { ExpectedCopy, SoakObject } from './workload.ts';

/** Source buckets of the seed routes the soak deploys. */
const WATCHED_BUCKETS = new Set(loadRoutes(routeSetFromDisk(['routes'])).routes.map((r) => r.definition.source.bucket));

export interface SentEmailSubject {
  subject: string;
}

export interface LostSend {
  kind: 'sqs' | 'email';
  body: string;
}

export interface CheckInput {
  s3: S3Client;
  sqs: SQSClient;
  /** The router's storage port on moto, to read the failure records as replay does. */
  storage: StoragePort;
  stack: DeployedStack;
  objects: SoakObject[];
  /** Expected copies per object index, archive copies included. */
  copies: Map<number, ExpectedCopy[]>;
  customerQueueUrl: string;
  emails: SentEmailSubject[];
  lostSends: LostSend[];
}

export interface CheckResult {
  copiesExpected: number;
  copiesFound: number;
  lost: number;
  duplicates: number;
  duplicatesExplained: number;
  deadLettered: number;
  failureRecords: number;
  /** Unresolved records whose destination has what it should after all. */
  staleFailureRecords: number;
  /** `route s3://object → destination (first failed …; stale or still missing)` of each unresolved failure record. */
  failureRecordList: string[];
  /** Deliveries missing but covered by a dead-lettered event or a failure record. */
  covered: number;
  problems: string[];
}

const READ_CONCURRENCY = 16;

export async function checkOutcome(input: CheckInput): Promise<CheckResult> {
  const problems: string[] = [];
  const deadLetters = [];
  for (const queue of eventDeadLetterQueues(input.stack)) deadLetters.push(...(await receiveDeadLetters(input.sqs, queue, { hideSeconds: 120 })));
  const deadLetteredObjects = new Set(deadLetters.flatMap((d) => d.events.map((e) => `${e.bucket}/${e.key}`)));
  const { records, strays } = input.stack.stateBucket ? await readFailureRecords(input.storage, input.stack.stateBucket) : { records: [], strays: [] };
  problems.push(...strays.map((s) => `not a failure record: ${s}`));
  const recorded = new Set(records.map((r) => `${r.record.object.bucket}/${r.record.object.key}|${r.record.destination.kind}|${r.record.destination.bucket ?? r.record.destination.id}`));
  const isCovered = (object: SoakObject, kind: string, destination: string): boolean =>
    deadLetteredObjects.has(`${object.bucket}/${object.key}`) || recorded.has(`${object.bucket}/${object.key}|${kind}|${destination}`);

  let lost = 0;
  let covered = 0;
  let copiesExpected = 0;
  let copiesFound = 0;
  const checks = input.objects.flatMap((object) => (input.copies.get(object.index) ?? []).map((copy) => ({ object, copy })));
  const verdicts = await mapLimit(checks, READ_CONCURRENCY, async ({ object, copy }) => ({ object, copy, problem: await copyProblem(input.s3, object, copy) }));
  for (const { object, copy, problem } of verdicts) {
    copiesExpected++;
    if (problem === undefined) {
      copiesFound++;
      continue;
    }
    if (problem === 'missing' && isCovered(object, 's3', copy.bucket)) {
      covered++;
      continue;
    }
    lost++;
    problems.push(`s3://${copy.bucket}/${copy.key} (from s3://${object.bucket}/${object.key}): ${problem}, and no dead-lettered event or failure record says so`);
  }

  const messages = countByChange((await drain(input.sqs, input.customerQueueUrl)).map((body) => body));
  const emails = countByChange(input.emails.map((e) => e.subject));
  const lostByChange = {
    sqs: countByChange(input.lostSends.filter((l) => l.kind === 'sqs').map((l) => l.body)),
    email: countByChange(input.lostSends.filter((l) => l.kind === 'email').map((l) => l.body)),
  };
  let duplicates = 0;
  let duplicatesExplained = 0;
  for (const object of input.objects.filter((o) => o.changeId !== undefined)) {
    const id = object.changeId ?? '';
    const due = [
      { kind: 'sqs' as const, expected: 1, seen: messages.get(id) ?? 0 },
      { kind: 'email' as const, expected: object.emailTopic ? 1 : 0, seen: emails.get(id) ?? 0 },
    ];
    for (const { kind, expected, seen } of due) {
      if (seen < expected) {
        if (isCovered(object, kind, kind === 'sqs' ? 'change-notifications-hts' : '')) covered++;
        else if (deadLetteredObjects.has(`${object.bucket}/${object.key}`) || records.some((r) => r.record.object.key === object.key && r.record.destination.kind === kind)) covered++;
        else {
          lost++;
          problems.push(`${kind === 'sqs' ? 'message' : 'email'} for ${id} (s3://${object.bucket}/${object.key}) never sent, and no dead-lettered event or failure record says so`);
        }
      }
      const extra = Math.max(0, seen - Math.max(expected, 1));
      if (extra === 0) continue;
      const explained = Math.min(extra, lostByChange[kind].get(id) ?? 0);
      duplicatesExplained += explained;
      duplicates += extra - explained;
      if (extra > explained) problems.push(`${kind === 'sqs' ? 'message' : 'email'} for ${id} sent ${seen} times; ${explained} lost response(s) explain ${explained} of the ${extra} repeat(s)`);
    }
  }
  // A record is stale when its destination got what it should after all (a later delivery that was not a redelivery, e.g. an async retry, did it).
  const copied = new Set(verdicts.filter((v) => v.problem === undefined).map((v) => `s3://${v.copy.bucket}/${v.copy.key}`));
  const changeOf = new Map(input.objects.map((o) => [`${o.bucket}/${o.key}`, o.changeId ?? '']));
  const isStale = ({ record: r }: (typeof records)[number]): boolean => {
    if (r.destination.kind === 's3') return copied.has(r.destination.id);
    const change = changeOf.get(`${r.object.bucket}/${r.object.key}`) ?? '';
    return ((r.destination.kind === 'sqs' ? messages : emails).get(change) ?? 0) > 0;
  };
  const failureRecordList = records.map((entry) => `${entry.record.route} s3://${entry.record.object.bucket}/${entry.record.object.key} → ${entry.record.destination.id} (first failed ${entry.record.firstFailedAt}; ${isStale(entry) ? 'delivered since: stale' : 'still missing'})`);
  return { copiesExpected, copiesFound, lost, duplicates, duplicatesExplained, deadLettered: deadLetters.length, failureRecords: records.length, staleFailureRecords: records.filter(isStale).length, failureRecordList, covered, problems };
}

async function copyProblem(s3: S3Client, object: SoakObject, copy: ExpectedCopy): Promise<string | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: copy.bucket, Key: copy.key }));
    const got = await s3.send(new GetObjectCommand({ Bucket: copy.bucket, Key: copy.key }));
    const body = Buffer.from((await got.Body?.transformToByteArray()) ?? new Uint8Array());
    if (!body.equals(object.body)) return `bytes differ (${body.length} bytes, expected ${object.body.length})`;
    const tagging = await s3.send(new GetObjectTaggingCommand({ Bucket: copy.bucket, Key: copy.key }));
    const tags = Object.fromEntries((tagging.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    if (JSON.stringify(sorted(tags)) !== JSON.stringify(sorted(object.tags))) return `tags ${JSON.stringify(tags)}, expected ${JSON.stringify(object.tags)}`;
    const metadata = head.Metadata ?? {};
    const missing = Object.entries(object.metadata).filter(([k, v]) => metadata[k] !== v);
    if (missing.length > 0) return `metadata ${JSON.stringify(metadata)} lacks ${JSON.stringify(Object.fromEntries(missing))}`;
    // Only a copy into a bucket some seed route watches carries the loop marker; the others are one CopyObject.
    const marker = WATCHED_BUCKETS.has(copy.bucket) ? object.route : undefined;
    if (metadata['switchyard-route'] !== marker) return marker ? `no switchyard-route=${marker} loop marker (metadata ${JSON.stringify(metadata)})` : `a loop marker on a copy no route watches (metadata ${JSON.stringify(metadata)})`;
    if (head.ContentType !== object.contentType) return `content type ${head.ContentType ?? 'none'}, expected ${object.contentType}`;
    return undefined;
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NotFound' || name === 'NoSuchKey') return 'missing';
    return `unreadable: ${name ?? ''} ${(error as Error).message}`;
  }
}

function sorted(record: Record<string, string>): Array<[string, string]> {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}

/** Occurrences of each change id (`chg-<run>-<n>`) in the given texts. */
function countByChange(texts: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    const ids = new Set(text.match(/chg-[a-z0-9]+-\d+/g) ?? []);
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

async function drain(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const answer = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 60 }));
    const messages = answer.Messages ?? [];
    if (messages.length === 0) return bodies;
    bodies.push(...messages.map((m) => m.Body ?? ''));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })) }));
  }
}
