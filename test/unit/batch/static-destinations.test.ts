/** Which routes a re-run may answer from the destination listing alone, without evaluating them per object. */
import { describe, expect, it } from 'vitest';
import { staticDestinations } from '../../../engine/batch/static-destinations.ts';
import { compileRoutes } from '../pipeline/fake-world.ts';

const route = (body: string, source = '{ bucket: src, prefix: data/, trigger: manual }') =>
  compileRoutes({ 'routes/r.yaml': `name: rr\nsource: ${source}\nallow: { buckets: [{ bucket: "dst-*", kmsKey: "arn:aws:kms:us-east-1:111111111111:key/k" }, plain] }\n${body}` })[0];

const cases: Array<{ proves: string; body: string; source?: string; expected: unknown }> = [
  {
    proves: 'fixed buckets keeping the key, with a fixed role: static, KMS from the allow-list',
    body: 'actions:\n  - copy: { to: [dst-a, plain], key: $key, skipExisting: true, assumeRole: { arn: "arn:aws:iam::222222222222:role/w", externalId: x } }\n',
    expected: [
      { bucket: 'dst-a', access: { roleArn: 'arn:aws:iam::222222222222:role/w', externalId: 'x' }, kms: true, confirmByChecksum: false },
      { bucket: 'plain', access: { roleArn: 'arn:aws:iam::222222222222:role/w', externalId: 'x' }, kms: false, confirmByChecksum: false },
    ],
  },
  {
    proves: 'skipExisting: checksum stays static, and says that size and time alone do not settle it',
    body: 'actions:\n  - copy: { to: dst-a, key: $key, skipExisting: checksum }\n',
    expected: [{ bucket: 'dst-a', kms: true, confirmByChecksum: true }],
  },
  {
    proves: 'an SSE-KMS source makes every copy KMS for the comparison: its ETags are not the plain copies\' either',
    body: 'actions:\n  - copy: { to: plain, key: $key, skipExisting: true }\n',
    source: '{ bucket: src, prefix: data/, trigger: manual, kmsKey: "arn:aws:kms:us-east-1:111111111111:key/s" }',
    expected: [{ bucket: 'plain', kms: true, confirmByChecksum: false }],
  },
  { proves: 'a key that changes: not static', body: "actions:\n  - copy: { to: plain, key: \"='archive/' & $key\", skipExisting: true }\n", expected: undefined },
  { proves: 'a destination from an expression: not static', body: 'actions:\n  - copy: { to: "=$key", key: $key, skipExisting: true }\n', expected: undefined },
  { proves: 'a tag condition decides per object: not static', body: 'match: { tags: { team: { exists: true } } }\nactions:\n  - copy: { to: plain, key: $key, skipExisting: true }\n', expected: undefined },
  { proves: 'without skipExisting there is nothing to skip', body: 'actions:\n  - copy: { to: plain, key: $key }\n', expected: undefined },
];

describe('staticDestinations', () => {
  for (const c of cases) {
    it(c.proves, () => {
      const compiled = route(c.body, c.source);
      expect(compiled).toBeDefined();
      expect(staticDestinations(compiled!)).toEqual(c.expected);
    });
  }
});
