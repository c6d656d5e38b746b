/** The bucket policy an account owning destination buckets applies: write, list, and read where skip-existing checks. */
import { describe, expect, it } from 'vitest';
import { destinationBucketPolicies } from '../../../generators/policies/destination-bucket-policy.ts';
import type { PolicyStatementJson } from '../../../generators/policies/types.ts';
import { compileRoutes } from '../pipeline/fake-world.ts';

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
});
