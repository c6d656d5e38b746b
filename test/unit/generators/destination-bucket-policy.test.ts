/** The bucket policy an account owning destination buckets applies: write, list, and read where skip-existing checks. */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { destinationBucketPolicies } from '../../../generators/policies/destination-bucket-policy.ts';
import type { PolicyStatementJson } from '../../../generators/policies/types.ts';
import { writeGenerated } from '../../../generators/write.ts';
import { compileRoutes } from '../pipeline/fake-world.ts';
import { loadRouteSet } from './load-fixture-routes.ts';

const context = { partition: 'aws', deployAccount: '999999999999', region: 'eu-west-1', stackName: 'switchyard' };
const routeWith = (copy: string) =>
  compileRoutes({
    'routes/ledger.yaml': `
name: ledger
source: { bucket: src, prefix: data/, trigger: manual }
allow: { buckets: [{ bucket: ledger-archive, account: "222222222222" }] }
actions:
  - copy: { to: ledger-archive, key: $key${copy} }
`,
  });

function statementsOf(copy: string): unknown[] {
  const document = destinationBucketPolicies(routeWith(copy), context)[0]?.document as { Statement: PolicyStatementJson[] } | undefined;
  return (document?.Statement ?? []).map((s) => [s.Sid, s.Action, s.Resource]);
}

/** The bucket an S3 ARN names (`arn:aws:s3:::b/…` → `b`). */
const bucketOf = (arn: string): string => arn.slice('arn:aws:s3:::'.length).split('/')[0] ?? '';

describe('destinationBucketPolicies', () => {
  it('without skip-existing: write and list only', () => {
    expect(statementsOf('')).toEqual([
      ['SwitchyardLedgerWrite', ['s3:PutObject', 's3:PutObjectAcl', 's3:PutObjectTagging'], ['arn:aws:s3:::ledger-archive/*']],
      ['SwitchyardLedgerList', 's3:ListBucket', ['arn:aws:s3:::ledger-archive']],
    ]);
  });

  for (const mode of ['true', 'checksum']) {
    it(`skipExisting: ${mode} also lets the function read the objects (HeadObject)`, () => {
      expect(statementsOf(`, skipExisting: ${mode}`)).toContainEqual(['SwitchyardLedgerCheckExisting', 's3:GetObject', ['arn:aws:s3:::ledger-archive/*']]);
    });
  }

  describe('an account owning several destinations (seed 000: archive-* and long-term-storage in 444444444444)', () => {
    const files = destinationBucketPolicies(loadRouteSet('routes'), context).filter((f) => f.path.startsWith('policies/444444444444/'));

    it('gets one document per bucket or pattern, each naming only its own bucket (S3 refuses any other: "Policy has invalid resource")', () => {
      expect(files.map((f) => f.path)).toEqual(['policies/444444444444/archive-_.json', 'policies/444444444444/long-term-storage.json']);
      for (const file of files) {
        const resources = (file.document as { Statement: PolicyStatementJson[] }).Statement.flatMap((s) => [s.Resource].flat());
        expect(new Set(resources.map(bucketOf)).size, file.path).toBe(1);
      }
    });

    it("says which bucket each is applied to: a name as it is, a pattern with each matching bucket's name in its place", () => {
      const [pattern, named] = files;
      expect(named?.apply).toBe('aws s3api put-bucket-policy --bucket long-term-storage --policy file://policies/444444444444/long-term-storage.json   # in account 444444444444 (merge with an existing policy)');
      expect(pattern?.apply).toMatch(/^sed 's\/:::archive-\\\*\/:::BUCKET\/g' policies\/444444444444\/archive-_\.json > BUCKET\.json && aws s3api put-bucket-policy --bucket BUCKET --policy file:\/\/BUCKET\.json {3}# BUCKET: each bucket of account 444444444444 whose name matches archive-\*, one at a time/);
      expect(pattern?.description).toBe('Bucket policy for each bucket of account 444444444444 matching archive-*: lets the Switchyard function write into it');
    });
  });

  it("generate removes an earlier generate's per-account policy, which could be applied to none of its buckets, and says so", () => {
    const out = mkdtempSync(path.join(tmpdir(), 'sy-policies-'));
    mkdirSync(path.join(out, 'policies'));
    writeFileSync(path.join(out, 'policies/444444444444.json'), '{}\n');
    const written = writeGenerated(loadRouteSet('routes'), out, { deployAccount: '999999999999' });
    expect(existsSync(path.join(out, 'policies/444444444444.json'))).toBe(false);
    expect(written).toContainEqual({ path: 'policies/444444444444.json', description: expect.stringMatching(/^removed: .*S3 refuses; apply the per-bucket files under policies\/444444444444\/ instead$/) });
  });
});
