/**
 * Seed 000: each account that owns destination buckets lets the function's role write into
 * them, and read what is there where skip-existing asks (HeadObject needs s3:GetObject, and in
 * another account the bucket policy must allow it too). One policy per account covering its
 * allow-listed buckets (names or `*` patterns); apply it to each of those buckets.
 */
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { accessOf } from '../cloudformation/access.ts';
import { pascal } from '../cloudformation/names.ts';
import { granteeOf } from './principals.ts';
import type { PolicyFile, PolicyStatementJson, SnippetContext } from './types.ts';

export function destinationBucketPolicies(routes: CompiledRoute[], context: SnippetContext): PolicyFile[] {
  const byAccount = new Map<string, { statements: PolicyStatementJson[]; buckets: Set<string> }>();
  for (const route of routes) {
    const direct = accessOf(route).writes.filter((w) => w.writer.kind === 'function' && w.account !== undefined);
    const accounts = [...new Set(direct.map((w) => w.account ?? ''))].sort();
    for (const account of accounts) {
      const buckets = [...new Set(direct.filter((w) => w.account === account).map((w) => w.bucket))].sort();
      const entry = byAccount.get(account) ?? { statements: [], buckets: new Set<string>() };
      const { principal } = granteeOf({ kind: 'function' }, context, route.name);
      entry.statements.push(
        {
          Sid: `Switchyard${pascal(route.name)}Write`,
          Effect: 'Allow',
          Principal: principal,
          Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:PutObjectTagging'],
          Resource: buckets.map((b) => `arn:${context.partition}:s3:::${b}/*`),
        },
        {
          Sid: `Switchyard${pascal(route.name)}List`,
          Effect: 'Allow',
          Principal: principal,
          Action: 's3:ListBucket',
          Resource: buckets.map((b) => `arn:${context.partition}:s3:::${b}`),
        },
      );
      const checked = [...new Set(direct.filter((w) => w.account === account && w.checksExisting).map((w) => w.bucket))].sort();
      if (checked.length > 0) {
        entry.statements.push({
          Sid: `Switchyard${pascal(route.name)}CheckExisting`,
          Effect: 'Allow',
          Principal: principal,
          Action: 's3:GetObject',
          Resource: checked.map((b) => `arn:${context.partition}:s3:::${b}/*`),
        });
      }
      buckets.forEach((b) => entry.buckets.add(b));
      byAccount.set(account, entry);
    }
  }
  return [...byAccount.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([account, { statements, buckets }]) => ({
      path: `policies/${account}.json`,
      description: `Bucket policy for account ${account}: lets the Switchyard function write into ${[...buckets].sort().join(', ')}`,
      apply: `aws s3api put-bucket-policy --bucket BUCKET --policy file://policies/${account}.json   # for each bucket matching ${[...buckets].sort().join(', ')} (merge with an existing policy)`,
      document: { Version: '2012-10-17', Statement: statements },
    }));
}
