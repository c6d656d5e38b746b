/**
 * Seed 000: each account that owns destination buckets lets the function's role write into
 * them, and read what is there where skip-existing asks (HeadObject needs s3:GetObject, and in
 * another account the bucket policy must allow it too).
 *
 * One policy per bucket — or per allow-list pattern (`archive-*`), which the apply instruction
 * turns into each matching bucket's own by putting its name in place of the pattern — holding
 * only that bucket's ARNs: S3 refuses a bucket policy whose Resource names another
 * bucket ("MalformedPolicy: Policy has invalid resource"), so one document per account covering
 * several buckets could be applied to none of them.
 */
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { accessOf, type WriteTarget } from '../cloudformation/access.ts';
import { granteeOf } from './principals.ts';
import { withRouteSids, type RouteStatements } from './route-sids.ts';
import type { PolicyFile, PolicyStatementJson, SnippetContext } from './types.ts';

/** A destination of another account: a bucket name or an allow-list `*` pattern. */
interface Destination {
  account: string;
  bucket: string;
  statements: RouteStatements[];
}

export function destinationBucketPolicies(routes: CompiledRoute[], context: SnippetContext): PolicyFile[] {
  const destinations = new Map<string, Destination>();
  for (const route of routes) {
    const direct = accessOf(route).writes.filter((w) => w.writer.kind === 'function' && w.account !== undefined);
    for (const target of distinctBuckets(direct)) {
      const key = `${target.account}\n${target.bucket}`;
      const destination = destinations.get(key) ?? { account: target.account, bucket: target.bucket, statements: [] };
      const checksExisting = direct.some((w) => w.bucket === target.bucket && w.account === target.account && w.checksExisting);
      destination.statements.push({ route: route.name, statements: (stem) => routeStatements(route.name, stem, target.bucket, checksExisting, context) });
      destinations.set(key, destination);
    }
  }
  return [...destinations.values()]
    .sort((a, b) => a.account.localeCompare(b.account) || a.bucket.localeCompare(b.bucket))
    .map((destination) => policyFile(destination));
}

/** The path of a destination's policy; `*` (never in a bucket name) becomes `_` (never in one either). */
export function destinationPolicyPath(account: string, bucket: string): string {
  return `policies/${account}/${bucket.replace(/\*/g, '_')}.json`;
}

function distinctBuckets(writes: WriteTarget[]): Array<{ account: string; bucket: string }> {
  const seen = new Map(writes.map((w) => [`${w.account ?? ''}\n${w.bucket}`, { account: w.account ?? '', bucket: w.bucket }]));
  return [...seen.values()];
}

function routeStatements(route: string, stem: string, bucket: string, checksExisting: boolean, context: SnippetContext): PolicyStatementJson[] {
  const { principal } = granteeOf({ kind: 'function' }, context, route);
  const objects = `arn:${context.partition}:s3:::${bucket}/*`;
  return [
    { Sid: `Switchyard${stem}Write`, Effect: 'Allow', Principal: principal, Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:PutObjectTagging'], Resource: [objects] },
    { Sid: `Switchyard${stem}List`, Effect: 'Allow', Principal: principal, Action: 's3:ListBucket', Resource: [`arn:${context.partition}:s3:::${bucket}`] },
    ...(checksExisting ? [{ Sid: `Switchyard${stem}CheckExisting`, Effect: 'Allow' as const, Principal: principal, Action: 's3:GetObject', Resource: [objects] }] : []),
  ];
}

function policyFile({ account, bucket, statements }: Destination): PolicyFile {
  const path = destinationPolicyPath(account, bucket);
  const pattern = bucket.includes('*');
  return {
    path,
    description: pattern
      ? `Bucket policy for each bucket of account ${account} matching ${bucket}: lets the Switchyard function write into it`
      : `Bucket policy for bucket ${bucket} of account ${account}: lets the Switchyard function write into it`,
    apply: pattern
      ? `sed 's/:::${bucket.replace(/[.*]/g, '\\$&')}/:::BUCKET/g' ${path} > BUCKET.json && aws s3api put-bucket-policy --bucket BUCKET --policy file://BUCKET.json   # BUCKET: each bucket of account ${account} whose name matches ${bucket}, one at a time (S3 takes only the bucket's own name in Resource; merge with its existing policy)`
      : `aws s3api put-bucket-policy --bucket ${bucket} --policy file://${path}   # in account ${account} (merge with an existing policy)`,
    document: { Version: '2012-10-17', Statement: withRouteSids(statements) },
  };
}
