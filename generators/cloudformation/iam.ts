/**
 * Least privilege for the function's role, computed from the routes: each route gets the
 * statements for exactly the buckets, prefixes, parameters, queues, topics, keys and roles it
 * declares. No `*` action; the only `Resource: "*"` is X-Ray's, which has no resource-level
 * permissions (see `sharedStatements`).
 */
import { trackingOf } from '../../engine/report/tracking.ts';
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { accessOf, rolesOf, type RouteAccess, type WriteTarget } from './access.ts';
import { getAtt, HERE, logGroupArn, PARTITION, s3BucketArn, s3ObjectArn, s3ObjectsArn, snsTopicArn, sqsQueueArn, ssmParameterArn } from './arn.ts';
import { lookupsOf } from './lookups.ts';
import { functionName, pascal, STATE_BUCKET_ID } from './names.ts';
import { ownedQueueIds } from './queues.ts';
import type { PolicyStatement } from './types.ts';

export const SOURCE_READ_ACTIONS = ['s3:GetObject', 's3:GetObjectTagging', 's3:GetObjectVersion', 's3:GetObjectVersionTagging'];
export const DESTINATION_WRITE_ACTIONS = ['s3:AbortMultipartUpload', 's3:PutObject', 's3:PutObjectTagging'];
export const KMS_WRITE_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'];

/** Every statement route `route` needs on the function's own role; `stateBucketArn` is `Fn::Sub` text. */
export function routeStatements(route: CompiledRoute, stateBucketArn: string = getAtt(STATE_BUCKET_ID, 'Arn')): PolicyStatement[] {
  const access = accessOf(route);
  const def = route.definition;
  const sid = (purpose: string): string => `${pascal(route.name)}${purpose}`;
  const statements: PolicyStatement[] = [];
  const add = (purpose: string, action: string[], resource: string[], condition?: PolicyStatement['Condition']): void => {
    if (resource.length === 0) return;
    statements.push({ Sid: sid(purpose), Effect: 'Allow', Action: [...action].sort(), Resource: uniqueSorted(resource), ...(condition ? { Condition: condition } : {}) });
  };

  const direct = access.writes.filter((w) => w.writer.kind === 'function');
  // The writer of a server-side copy reads the source too, so a direct copy needs source read.
  const readsSource = access.source.reader.kind === 'function' || direct.length > 0;
  const { bucket, prefixes } = access.source;
  if (readsSource) add('ReadSource', SOURCE_READ_ACTIONS, prefixes.map((p) => s3ObjectsArn(bucket, p)));
  if (readsSource || (access.source.lists && access.source.reader.kind === 'function')) {
    // Listing for a backfill, and: without s3:ListBucket S3 answers a read of a missing key with
    // 403, not 404, so an object deleted before its event is handled would fail as AccessDenied
    // instead of being skipped as deleted. A prefix condition would not do for the second: a GET
    // carries no s3:prefix, so only the whole bucket counts.
    add('ListSource', ['s3:ListBucket'], [s3BucketArn(bucket)]);
  }
  if (readsSource && access.source.kmsKey !== undefined) add('DecryptSource', ['kms:Decrypt'], [access.source.kmsKey]);

  const crossAccount = direct.filter((w) => w.account !== undefined);
  const sameAccount = direct.filter((w) => w.account === undefined);
  add('WriteDestinations', DESTINATION_WRITE_ACTIONS, sameAccount.map(writeArn));
  // Objects in another account's bucket are written with bucket-owner-full-control.
  add('WriteCrossAccountDestinations', [...DESTINATION_WRITE_ACTIONS, 's3:PutObjectAcl'], crossAccount.map(writeArn));
  const checked = direct.filter((w) => w.checksExisting);
  add('CheckDestinations', ['s3:GetObject'], checked.map(writeArn));
  add('ListDestinations', ['s3:ListBucket'], checked.map((w) => s3BucketArn(w.bucket)));
  add('EncryptDestinations', KMS_WRITE_ACTIONS, direct.flatMap((w) => (w.kmsKey !== undefined ? [w.kmsKey] : [])));

  const lookups = lookupsOf(def);
  add('ReadParameters', ['ssm:GetParameter', 'ssm:GetParameters'], lookups.ssm.map((t) => ssmParameterArn(t.name, t.wildcard)));
  add('ReadConfigObjects', ['s3:GetObject'], lookups.s3json.map((t) => s3UriArn(t.name, t.wildcard)));

  const sentQueues = access.queues.filter((q) => q.sender.kind === 'function');
  add('SendMessages', ['sqs:GetQueueUrl', 'sqs:SendMessage'], sentQueues.map((q) => (q.owned ? getAtt(ownedQueueIds(q.queue).queueId, 'Arn') : sqsQueueArn(q.queue))));

  addEmail(access, def.notify?.onFailure?.email?.from, add);

  const roles = [
    ...rolesOf(access.source.reader),
    ...access.writes.flatMap((w) => rolesOf(w.writer)),
    ...access.queues.flatMap((q) => rolesOf(q.sender)),
    ...access.emails.flatMap((e) => rolesOf(e.sender)),
  ];
  add('AssumeRoles', ['sts:AssumeRole'], roles);

  add('PublishNotifications', ['sns:Publish'], topicsOf(route).map(topicArn));

  if (trackingOf(def)) {
    add('WriteTracking', ['s3:GetObject', 's3:PutObject'], [`${stateBucketArn}/tracking/${route.name}/*`]);
  }
  // The runtime keeps each failed destination under failures/<route>/ so it can be replayed after a fix;
  // it reads a record back to add up attempts and to mark it resolved once delivered.
  add('WriteFailures', ['s3:GetObject', 's3:PutObject'], [`${stateBucketArn}/failures/${route.name}/*`]);
  if (def.batch !== undefined) {
    add('WriteManifests', ['s3:GetObject', 's3:PutObject'], [s3UriArn(runsUri(def.batch.manifests, route.name), true), `${stateBucketArn}/manifests/${route.name}/*`]);
  }
  return statements;
}

type Add = (purpose: string, action: string[], resource: string[]) => void;

function addEmail(access: RouteAccess, notifyFrom: string | undefined, add: Add): void {
  const direct = access.emails.filter((e) => e.sender.kind === 'function');
  const senders = [...direct.map((e) => e.from), ...(notifyFrom !== undefined ? [notifyFrom] : [])];
  if (senders.length === 0 && notifyFrom === undefined) return;
  const identities = senders.flatMap((from) => identityArns(from));
  const lists = direct.flatMap((e) => (e.contactList !== undefined ? [sesArn(`contact-list/${e.contactList}`)] : []));
  add('SendEmail', ['ses:SendEmail'], [...identities, ...lists]);
  add('ListContacts', ['ses:ListContacts'], lists);
}

/** SES authorises a send against the address identity or its domain's identity, whichever is verified. */
function identityArns(from: string | undefined): string[] {
  if (from === undefined || from.startsWith('$') || from.startsWith('=')) return [sesArn('identity/*')];
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
  const domain = address.split('@')[1];
  return [sesArn(`identity/${address}`), ...(domain !== undefined ? [sesArn(`identity/${domain}`)] : [])];
}

function sesArn(resource: string): string {
  return `arn:${PARTITION}:ses:${HERE}:${resource}`;
}

function writeArn(target: WriteTarget): string {
  return s3ObjectsArn(target.bucket, target.keyPrefix);
}

/** `s3://bucket/key` → the object's ARN (`…/key*` for a prefix). */
/** Where the runs of a batch route go: `<manifests>/<route>/` (engine/batch/location.ts writes there). */
function runsUri(manifests: string, route: string): string {
  return `${manifests.endsWith('/') ? manifests : `${manifests}/`}${route}/`;
}

function s3UriArn(uri: string, wildcard: boolean): string {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  const bucket = match?.[1] ?? uri;
  const key = match?.[2] ?? '';
  return wildcard || key === '' ? s3ObjectsArn(bucket, key) : s3ObjectArn(bucket, key);
}

/** SNS topics the route publishes to: names (created by the stack) or ARNs. */
export function topicsOf(route: CompiledRoute): string[] {
  const def = route.definition;
  return [def.notify?.onFailure?.sns, def.batch?.notify?.sns].filter((t): t is string => t !== undefined);
}

function topicArn(topic: string): string {
  return topic.startsWith('arn:') ? topic : snsTopicArn(topic);
}

/** Statements every deployment needs, whatever the routes. */
export function sharedStatements(stackName: string, routes: CompiledRoute[], stateBucketArn: string = getAtt(STATE_BUCKET_ID, 'Arn')): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    {
      Sid: 'WriteLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [logGroupArn(`/aws/lambda/${functionName(stackName)}`)],
    },
    {
      // X-Ray has no resource-level permissions: PutTraceSegments/PutTelemetryRecords only take "*".
      Sid: 'WriteTraces',
      Effect: 'Allow',
      Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      Resource: ['*'],
    },
    {
      // Loop and de-duplication markers (If-None-Match writes and reads).
      Sid: 'WriteMarkers',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: [`${stateBucketArn}/markers/*`],
    },
    {
      // Failure records, tracking records and markers are read where they may not exist yet; without
      // s3:ListBucket S3 answers those reads 403 instead of 404, and the first failure record of a
      // destination could never be written (its read fails as AccessDenied).
      Sid: 'ListStateBucket',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [stateBucketArn],
    },
  ];
  if (routes.some((r) => topicsOf(r).some((t) => !t.startsWith('arn:')))) {
    // Topics the stack creates are encrypted with alias/aws/sns: publishers need the data key, through SNS only.
    statements.push({
      Sid: 'PublishToEncryptedTopics',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [`arn:${PARTITION}:kms:${HERE}:key/*`],
      Condition: { StringEquals: { 'kms:ViaService': 'sns.${AWS::Region}.amazonaws.com' } },
    });
  }
  return statements;
}

function uniqueSorted(values: string[]): string[] {
  return [...new Set(values)].sort();
}
