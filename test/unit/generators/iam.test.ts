import { describe, expect, it } from 'vitest';
import { GeneratorError } from '../../../generators/cloudformation/errors.ts';
import { routeStatements } from '../../../generators/cloudformation/iam.ts';
import { loadRouteSet, routeNamed } from './load-fixture-routes.ts';

const P = 'arn:${AWS::Partition}';
const HERE = '${AWS::Region}:${AWS::AccountId}';
const READ = ['s3:GetObject', 's3:GetObjectTagging', 's3:GetObjectVersion', 's3:GetObjectVersionTagging'];
const WRITE = ['s3:AbortMultipartUpload', 's3:PutObject', 's3:PutObjectTagging'];
const WRITE_CROSS_ACCOUNT = ['s3:AbortMultipartUpload', 's3:PutObject', 's3:PutObjectAcl', 's3:PutObjectTagging'];

type Expected = Record<string, { Action: string[]; Resource: string[]; Condition?: unknown }>;

const seeds = loadRouteSet('routes');
const mixed = loadRouteSet('test/fixtures/generators/mixed');
const shared = loadRouteSet('test/fixtures/generators/shared-notifications');

const cases: Array<{ name: string; routes: typeof seeds; route: string; expected: Expected }> = [
  {
    name: 'seed 000 reads its bucket, writes the four cross-account patterns with ACLs, reads /pipeline/destination/*',
    routes: seeds,
    route: 'one-to-many',
    expected: {
      OneToManyWriteFailures: { Action: ['s3:GetObject', 's3:PutObject'], Resource: ['${StateBucket.Arn}/failures/one-to-many/*'] },
      OneToManyReadSource: { Action: READ, Resource: [`${P}:s3:::my-ingestion-bucket/*`] },
      OneToManyListSource: { Action: ['s3:ListBucket'], Resource: [`${P}:s3:::my-ingestion-bucket`] },
      OneToManyWriteCrossAccountDestinations: {
        Action: WRITE_CROSS_ACCOUNT,
        Resource: [`${P}:s3:::archive-*/*`, `${P}:s3:::intel-*/*`, `${P}:s3:::long-term-storage/*`, `${P}:s3:::ops-*/*`],
      },
      OneToManyReadParameters: { Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: [`${P}:ssm:${HERE}:parameter/pipeline/destination/*`] },
      OneToManyPublishNotifications: { Action: ['sns:Publish'], Resource: [`${P}:sns:${HERE}:one-to-many-failures`] },
    },
  },
  {
    name: 'seed 001 writes only *-export buckets and reads only its config object',
    routes: seeds,
    route: 'artifacts-export',
    expected: {
      ArtifactsExportWriteFailures: { Action: ['s3:GetObject', 's3:PutObject'], Resource: ['${StateBucket.Arn}/failures/artifacts-export/*'] },
      ArtifactsExportReadSource: { Action: READ, Resource: [`${P}:s3:::artifacts-source/*`] },
      ArtifactsExportListSource: { Action: ['s3:ListBucket'], Resource: [`${P}:s3:::artifacts-source`] },
      ArtifactsExportWriteDestinations: { Action: WRITE, Resource: [`${P}:s3:::*-export/*`] },
      ArtifactsExportReadConfigObjects: { Action: ['s3:GetObject'], Resource: [`${P}:s3:::artifacts-config/export-config.json`] },
    },
  },
  {
    name: 'seed 002 writes the two regional buckets, its tracking prefix, and publishes failures',
    routes: seeds,
    route: 'global-builds',
    expected: {
      GlobalBuildsWriteFailures: { Action: ['s3:GetObject', 's3:PutObject'], Resource: ['${StateBucket.Arn}/failures/global-builds/*'] },
      GlobalBuildsReadSource: { Action: READ, Resource: [`${P}:s3:::global-builds/*`] },
      GlobalBuildsListSource: { Action: ['s3:ListBucket'], Resource: [`${P}:s3:::global-builds`] },
      GlobalBuildsWriteDestinations: { Action: WRITE, Resource: [`${P}:s3:::region-a-builds/*`, `${P}:s3:::region-b-builds/*`] },
      GlobalBuildsPublishNotifications: { Action: ['sns:Publish'], Resource: [`${P}:sns:${HERE}:file-copy-failures`] },
      GlobalBuildsWriteTracking: { Action: ['s3:GetObject', 's3:PutObject'], Resource: ['${StateBucket.Arn}/tracking/global-builds/*'] },
    },
  },
  {
    name: 'seed 003 touches no bucket or key itself: it only assumes the two declared roles',
    routes: seeds,
    route: 'cross-account-batch',
    expected: {
      CrossAccountBatchWriteFailures: { Action: ['s3:GetObject', 's3:PutObject'], Resource: ['${StateBucket.Arn}/failures/cross-account-batch/*'] },
      CrossAccountBatchAssumeRoles: {
        Action: ['sts:AssumeRole'],
        Resource: ['arn:aws:iam::111111111111:role/switchyard-transfer-source-reader', 'arn:aws:iam::222222222222:role/switchyard-transfer-destination-writer'],
      },
      CrossAccountBatchPublishNotifications: { Action: ['sns:Publish'], Resource: [`${P}:sns:${HERE}:transfer-notifications`] },
      CrossAccountBatchWriteManifests: {
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: ['${StateBucket.Arn}/manifests/cross-account-batch/*', `${P}:s3:::transfer-manifests/cross-account-batch/*`],
      },
    },
  },
  {
    name: 'seed 004 reads customers/, archives under archive/, sends to its queues, and sends email only through the allowed SES roles',
    routes: seeds,
    route: 'change-notifications',
    expected: {
      ChangeNotificationsWriteFailures: { Action: ['s3:GetObject', 's3:PutObject'], Resource: ['${StateBucket.Arn}/failures/change-notifications/*'] },
      ChangeNotificationsReadSource: { Action: READ, Resource: [`${P}:s3:::metadata-trigger-bucket/customers/*`] },
      ChangeNotificationsListSource: { Action: ['s3:ListBucket'], Resource: [`${P}:s3:::metadata-trigger-bucket`] },
      ChangeNotificationsWriteDestinations: { Action: WRITE, Resource: [`${P}:s3:::metadata-trigger-bucket/archive/*`] },
      ChangeNotificationsReadConfigObjects: { Action: ['s3:GetObject'], Resource: [`${P}:s3:::change-config/customers.json`] },
      ChangeNotificationsSendMessages: {
        Action: ['sqs:GetQueueUrl', 'sqs:SendMessage'],
        Resource: ['${ChangeNotificationsHtsQueue.Arn}', '${ChangeNotificationsHtsnonprodQueue.Arn}', `${P}:sqs:${HERE}:change-notifications-*`],
      },
      ChangeNotificationsAssumeRoles: { Action: ['sts:AssumeRole'], Resource: ['arn:aws:iam::*:role/switchyard-ses-sender'] },
      ChangeNotificationsPublishNotifications: { Action: ['sns:Publish'], Resource: [`${P}:sns:${HERE}:change-notification-failures`] },
    },
  },
  {
    name: 'a direct SSE-KMS copy that skips existing objects may check the destination and use only its key; an ARN topic is used as is; notify email sends as its sender',
    routes: mixed,
    route: 'invoices',
    expected: {
      InvoicesWriteFailures: { Action: ['s3:GetObject', 's3:PutObject'], Resource: ['${StateBucket.Arn}/failures/invoices/*'] },
      InvoicesReadSource: { Action: READ, Resource: [`${P}:s3:::finance-inbox/invoices/*`] },
      InvoicesListSource: { Action: ['s3:ListBucket'], Resource: [`${P}:s3:::finance-inbox`] },
      InvoicesWriteDestinations: { Action: WRITE, Resource: [`${P}:s3:::ledger-*/incoming/*`] },
      InvoicesCheckDestinations: { Action: ['s3:GetObject'], Resource: [`${P}:s3:::ledger-*/incoming/*`] },
      InvoicesListDestinations: { Action: ['s3:ListBucket'], Resource: [`${P}:s3:::ledger-*`] },
      InvoicesEncryptDestinations: {
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: ['arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555'],
      },
      InvoicesReadParameters: { Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: [`${P}:ssm:${HERE}:parameter/switchyard/invoices/routing`] },
      InvoicesSendEmail: { Action: ['ses:SendEmail'], Resource: [`${P}:ses:${HERE}:identity/alerts@example.com`, `${P}:ses:${HERE}:identity/example.com`] },
      InvoicesPublishNotifications: { Action: ['sns:Publish'], Resource: ['arn:aws:sns:eu-west-1:123456789012:existing-failures'] },
    },
  },
  {
    name: 'email without an assumed role gets SendEmail and ListContacts on its identity and contact list only',
    routes: mixed,
    route: 'scans',
    expected: {
      ScansWriteFailures: { Action: ['s3:GetObject', 's3:PutObject'], Resource: ['${StateBucket.Arn}/failures/scans/*'] },
      ScansReadSource: { Action: READ, Resource: [`${P}:s3:::scanner-drop/*`] },
      ScansListSource: { Action: ['s3:ListBucket'], Resource: [`${P}:s3:::scanner-drop`] },
      ScansReadParameters: { Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: [`${P}:ssm:${HERE}:parameter/switchyard/scans/owner`] },
      ScansSendEmail: {
        Action: ['ses:SendEmail'],
        Resource: [`${P}:ses:${HERE}:contact-list/scan-readers`, `${P}:ses:${HERE}:identity/example.com`, `${P}:ses:${HERE}:identity/scans@example.com`],
      },
      ScansListContacts: { Action: ['ses:ListContacts'], Resource: [`${P}:ses:${HERE}:contact-list/scan-readers`] },
    },
  },
  {
    name: 'a batch route read by the function lists its whole bucket (a GET carries no s3:prefix, so a prefix condition would turn a deleted object into 403)',
    routes: mixed,
    route: 'queued',
    expected: {
      QueuedWriteFailures: { Action: ['s3:GetObject', 's3:PutObject'], Resource: ['${StateBucket.Arn}/failures/queued/*'] },
      QueuedReadSource: { Action: READ, Resource: [`${P}:s3:::legacy-bucket/data/*`, `${P}:s3:::legacy-bucket/logs/*`] },
      QueuedListSource: { Action: ['s3:ListBucket'], Resource: [`${P}:s3:::legacy-bucket`] },
      QueuedWriteDestinations: { Action: WRITE, Resource: [`${P}:s3:::legacy-archive/*`] },
      QueuedWriteManifests: { Action: ['s3:GetObject', 's3:PutObject'], Resource: ['${StateBucket.Arn}/manifests/queued/*', `${P}:s3:::legacy-manifests/queued/queued/*`] },
    },
  },
  {
    name: 'a copy through a role from an expression gets AssumeRole on allow.roles and no write of its own',
    routes: shared,
    route: 'customers-b',
    expected: {
      CustomersBWriteFailures: { Action: ['s3:GetObject', 's3:PutObject'], Resource: ['${StateBucket.Arn}/failures/customers-b/*'] },
      CustomersBReadSource: { Action: READ, Resource: [`${P}:s3:::shared-drop/customers/b/*`] },
      CustomersBListSource: { Action: ['s3:ListBucket'], Resource: [`${P}:s3:::shared-drop`] },
      CustomersBAssumeRoles: { Action: ['sts:AssumeRole'], Resource: ['arn:aws:iam::666666666666:role/partner-*'] },
      CustomersBPublishNotifications: { Action: ['sns:Publish'], Resource: [`${P}:sns:${HERE}:customers-failures`] },
    },
  },
];

describe('routeStatements', () => {
  it.each(cases)('$name', ({ routes, route, expected }) => {
    const statements = routeStatements(routeNamed(routes, route));
    const actual = Object.fromEntries(
      statements.map((s) => [s.Sid, { Action: s.Action, Resource: s.Resource, ...(s.Condition !== undefined ? { Condition: s.Condition } : {}) }]),
    );
    expect(actual).toEqual(expected);
    for (const s of statements) expect(s.Effect).toBe('Allow');
  });

  it('refuses a lookup whose parameter name has no literal start (IAM could not be scoped)', () => {
    const seed = routeNamed(seeds, 'one-to-many');
    const route = { ...seed, definition: { ...seed.definition, let: { where: '$ssm($tags.Where)' } } };
    expect(() => routeStatements(route)).toThrow(GeneratorError);
    expect(() => routeStatements(route)).toThrow(/no literal start/);
  });
});
