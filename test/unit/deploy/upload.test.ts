import { describe, expect, it } from 'vitest';
import { bundleKey, defaultCodeBucketName, templateUrl } from '../../../deploy/upload.ts';

describe('code bucket names and keys', () => {
  it('the default code bucket is one per account and region', () => {
    expect(defaultCodeBucketName('111122223333', 'eu-west-1')).toBe('switchyard-code-111122223333-eu-west-1');
  });
  it('the bundle key is named by the content hash', () => {
    expect(bundleKey({ sha256: 'ab'.repeat(32) })).toBe(`switchyard/${'ab'.repeat(32)}.zip`);
  });
  const urls: Array<{ name: string; region: string; key: string; expected: string }> = [
    { name: 'path-style regional URL', region: 'eu-west-1', key: 'switchyard/templates/x.json', expected: 'https://s3.eu-west-1.amazonaws.com/b/switchyard/templates/x.json' },
    { name: 'China regions use amazonaws.com.cn', region: 'cn-north-1', key: 't.json', expected: 'https://s3.cn-north-1.amazonaws.com.cn/b/t.json' },
    { name: 'key segments are URL-encoded, slashes kept', region: 'us-east-1', key: 'a b/c+d.json', expected: 'https://s3.us-east-1.amazonaws.com/b/a%20b/c%2Bd.json' },
  ];
  for (const u of urls) it(`template URL: ${u.name}`, () => expect(templateUrl({ name: 'b', region: u.region }, u.key)).toBe(u.expected));
});
