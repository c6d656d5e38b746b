/**
 * Seed 003: a source bucket in another account grants read to whoever copies from it (the
 * assumed destination-writer role, or the function's role when it copies itself), and refuses
 * plain HTTP.
 */
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { accessOf, type Actor } from '../cloudformation/access.ts';
import { SOURCE_READ_ACTIONS } from '../cloudformation/iam.ts';
import { distinctActors, granteeOf } from './principals.ts';
import { withRouteSids, type RouteStatements } from './route-sids.ts';
import type { PolicyFile, PolicyStatementJson, SnippetContext } from './types.ts';

export function sourceReadGrants(routes: CompiledRoute[], context: SnippetContext): PolicyFile[] {
  const byBucket = new Map<string, RouteStatements[]>();
  for (const route of routes) {
    const access = accessOf(route);
    const { bucket, prefixes } = access.source;
    // Assumed writer roles always need the grant; the function's role only when the bucket is in another account.
    const readers: Actor[] = access.writes.map((w) => w.writer).filter((a) => a.kind === 'role' || access.source.account !== undefined);
    if (access.source.account !== undefined && access.source.reader.kind === 'function') readers.push(access.source.reader);
    const grantees = distinctActors(readers);
    if (grantees.length === 0 || prefixes.length === 0) continue;
    // List as well as read: without s3:ListBucket S3 answers a read of a deleted object 403 instead of
    // 404, so the copier could not tell a deleted source from a refused one.
    const statements = (stem: string): PolicyStatementJson[] => grantees.flatMap((actor, index): PolicyStatementJson[] => {
      const grantee = granteeOf(actor, context, route.name);
      const condition = grantee.condition !== undefined ? { Condition: grantee.condition } : {};
      return [
        {
          Sid: `Switchyard${stem}Read${index + 1}`,
          Effect: 'Allow',
          Principal: grantee.principal,
          Action: SOURCE_READ_ACTIONS,
          Resource: prefixes.map((p) => `arn:${context.partition}:s3:::${bucket}/${p}*`),
          ...condition,
        },
        { Sid: `Switchyard${stem}List${index + 1}`, Effect: 'Allow', Principal: grantee.principal, Action: 's3:ListBucket', Resource: [`arn:${context.partition}:s3:::${bucket}`], ...condition },
      ];
    });
    byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), { route: route.name, statements }]);
  }
  return [...byBucket.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([bucket, statements]) => ({
      path: `policies/source-${bucket}.json`,
      description: `Bucket policy for source bucket ${bucket}: read access for the roles that copy from it`,
      apply: `aws s3api put-bucket-policy --bucket ${bucket} --policy file://policies/source-${bucket}.json   # merge with an existing policy`,
      document: {
        Version: '2012-10-17',
        Statement: [
          ...withRouteSids(statements),
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [`arn:${context.partition}:s3:::${bucket}`, `arn:${context.partition}:s3:::${bucket}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    }));
}
