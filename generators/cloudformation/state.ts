/**
 * The state bucket: de-duplication markers, tracking records, failed events, batch manifests. Private,
 * encrypted, versioned, TLS-only, and every prefix expires on its own schedule.
 */
import { trackingOf } from '../../engine/report/tracking.ts';
import { parseDuration } from '../../engine/units.ts';
import { pascal, STATE_BUCKET_ID, uniqueIdStems } from './names.ts';
import { stateBucketNameText } from './shared-names.ts';
import type { CfnValue, GeneratorContext, PartOutput } from './types.ts';

export const MARKER_DAYS = 30;
export const MANIFEST_DAYS = 90;
/** Failed events wait under failures/ to be replayed after a fix: long enough to notice, fix and replay. */
export const FAILURE_DAYS = 90;
const NONCURRENT_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

function expiry(id: string, prefix: string, days: number): CfnValue {
  return {
    Id: id,
    Status: 'Enabled',
    Prefix: prefix,
    ExpirationInDays: days,
    NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_DAYS },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
  };
}

/**
 * S3 takes a rule id once a bucket: routes whose names differ only in what ids drop (`a1b`,
 * `a-1b`) get distinct ones (names.ts uniqueIdStems). A rule id is no resource, so which of the
 * two keeps the plain one may change with the routes.
 */
export function lifecycleRules(context: GeneratorContext): CfnValue[] {
  const rules: CfnValue[] = [expiry('ExpireMarkers', 'markers/', MARKER_DAYS)];
  const retained = context.routes.flatMap((route) => {
    const tracking = trackingOf(route.definition);
    return tracking ? [{ route: route.name, retention: tracking.retention }] : [];
  });
  const stems = uniqueIdStems(retained.map((r) => r.route));
  for (const { route, retention } of retained) {
    const days = Math.max(1, Math.ceil(parseDuration(retention) / DAY_MS));
    rules.push(expiry(`ExpireTracking${stems.get(route) ?? pascal(route)}`, `tracking/${route}/`, days));
  }
  rules.push(expiry('ExpireManifests', 'manifests/', MANIFEST_DAYS));
  rules.push(expiry('ExpireFailures', 'failures/', FAILURE_DAYS));
  return rules;
}

export function statePart(context: GeneratorContext): PartOutput {
  return {
    resources: {
      [STATE_BUCKET_ID]: {
        Type: 'AWS::S3::Bucket',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          ...(context.layout === 'core' ? { BucketName: { 'Fn::Sub': stateBucketNameText(context.deploymentName) } } : {}),
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }] },
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          VersioningConfiguration: { Status: 'Enabled' },
          LifecycleConfiguration: { Rules: lifecycleRules(context) },
        },
      },
      StateBucketPolicy: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: { Ref: STATE_BUCKET_ID },
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'DenyInsecureTransport',
                Effect: 'Deny',
                Principal: '*',
                Action: 's3:*',
                Resource: [{ 'Fn::GetAtt': [STATE_BUCKET_ID, 'Arn'] }, { 'Fn::Sub': `\${${STATE_BUCKET_ID}.Arn}/*` }],
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ],
          },
        },
      },
    },
    outputs: {
      StateBucketName: { Description: 'State bucket (markers, tracking records, manifests)', Value: { Ref: STATE_BUCKET_ID } },
    },
    statements: [],
  };
}
