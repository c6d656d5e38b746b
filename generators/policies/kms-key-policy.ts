/**
 * Seed 003: key-policy statements for the KMS keys the routes declare. The source key lets
 * whoever reads or copies the source decrypt; a destination key lets the writer encrypt (and
 * decrypt, which multipart uploads need). Both only through S3 in the key's region.
 */
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { accessOf, type Actor } from '../cloudformation/access.ts';
import { distinctActors, granteeOf } from './principals.ts';
import { withRouteSids, type RouteStatements } from './route-sids.ts';
import type { PolicyFile, PolicyStatementJson, SnippetContext } from './types.ts';

interface KeyUse {
  key: string;
  purpose: 'Decrypt' | 'Encrypt';
  actors: Actor[];
  route: string;
}

function keyUses(route: CompiledRoute): KeyUse[] {
  const access = accessOf(route);
  const uses: KeyUse[] = [];
  if (access.source.kmsKey !== undefined) {
    uses.push({ key: access.source.kmsKey, purpose: 'Decrypt', actors: distinctActors([access.source.reader, ...access.writes.map((w) => w.writer)]), route: route.name });
  }
  const keys = [...new Set(access.writes.flatMap((w) => (w.kmsKey !== undefined ? [w.kmsKey] : [])))].sort();
  for (const key of keys) {
    uses.push({ key, purpose: 'Encrypt', actors: distinctActors(access.writes.filter((w) => w.kmsKey === key).map((w) => w.writer)), route: route.name });
  }
  return uses;
}

export function kmsKeyPolicies(routes: CompiledRoute[], context: SnippetContext): PolicyFile[] {
  const byKey = new Map<string, RouteStatements[]>();
  for (const use of routes.flatMap(keyUses)) {
    const region = use.key.split(':')[3];
    const viaS3 = { StringEquals: { 'kms:ViaService': `s3.${region !== undefined && region !== '' ? region : context.region}.amazonaws.com` } };
    const statements = (stem: string): PolicyStatementJson[] =>
      use.actors.map((actor, index) => {
        const grantee = granteeOf(actor, context, use.route);
        return {
          Sid: `Switchyard${stem}${use.purpose}${index + 1}`,
          Effect: 'Allow',
          Principal: grantee.principal,
          Action: use.purpose === 'Decrypt' ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
          Resource: '*',
          Condition: { ...viaS3, ...grantee.condition },
        };
      });
    byKey.set(use.key, [...(byKey.get(use.key) ?? []), { route: use.route, statements }]);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, statements]) => {
      const [, , , , account = 'ACCOUNT', resource = 'key'] = key.split(':');
      const keyId = resource.replace(/^key\//, '').replace(/[^A-Za-z0-9-]/g, '-');
      return {
        path: `policies/kms-${account}-${keyId}.json`,
        description: `Statements to add to the key policy of ${key}`,
        apply: `add the Statement entries to the key policy: aws kms get-key-policy --key-id ${key} --policy-name default, merge, then aws kms put-key-policy --key-id ${key} --policy-name default --policy file://merged.json`,
        document: { Statement: withRouteSids(statements) },
      };
    });
}
