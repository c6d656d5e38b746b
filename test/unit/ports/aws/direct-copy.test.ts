import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { DirectCopier, directCopyTarget } from '../../../../engine/ports/aws/direct-copy.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const input = { bucket: 'reports.example.com', key: 'a b/c.txt', copySource: 'src/a%20b/c.txt' };

describe('directCopyTarget', () => {
  it.each([
    { proves: 'a custom endpoint is addressed path-style', addressing: { endpoint: new URL('http://127.0.0.1:5000'), region: 'us-east-1' }, bucket: 'dst', key: 'in/a b+c.txt', url: 'http://127.0.0.1:5000/dst/in/a%20b%2Bc.txt' },
    { proves: 'a custom endpoint with a path keeps it', addressing: { endpoint: new URL('https://gw.example.net/s3/'), region: 'eu-west-1' }, bucket: 'dst', key: 'k', url: 'https://gw.example.net/s3/dst/k' },
    { proves: 'AWS is addressed virtual-hosted in the region', addressing: { region: 'eu-west-1' }, bucket: 'my-bucket', key: 'café/ü.txt', url: 'https://my-bucket.s3.eu-west-1.amazonaws.com/caf%C3%A9/%C3%BC.txt' },
    { proves: 'a dotted bucket on AWS is left to the SDK', addressing: { region: 'eu-west-1' }, bucket: 'reports.example.com', key: 'k', url: undefined },
    { proves: 'an upper-case (legacy) bucket on AWS is left to the SDK', addressing: { region: 'us-east-1' }, bucket: 'Legacy_Bucket', key: 'k', url: undefined },
    { proves: '`..` segments are part of the key, never resolved', addressing: { endpoint: new URL('http://127.0.0.1:5000'), region: 'us-east-1' }, bucket: 'dst', key: 'data/a/../b', url: 'http://127.0.0.1:5000/dst/data/a/../b' },
    { proves: '`.` segments too, on AWS', addressing: { region: 'eu-west-1' }, bucket: 'my-bucket', key: 'x/./y/..', url: 'https://my-bucket.s3.eu-west-1.amazonaws.com/x/./y/..' },
  ])('$proves', ({ addressing, bucket, key, url }) => {
    const target = directCopyTarget(addressing, bucket, key);
    expect(target && `${target.protocol}//${target.host}${target.path}`).toBe(url);
  });
});

describe('DirectCopier leaves to the SDK what it cannot address exactly like it', () => {
  it.each([
    { proves: 'another partition (China)', config: { region: 'cn-north-1' } },
    { proves: 'GovCloud', config: { region: 'us-gov-west-1' } },
    { proves: 'FIPS endpoints', config: { region: 'us-east-1', useFipsEndpoint: true } },
    { proves: 'dual-stack endpoints', config: { region: 'us-east-1', useDualstackEndpoint: true } },
    { proves: 'transfer acceleration', config: { region: 'us-east-1', useAccelerateEndpoint: true } },
  ])('$proves: copy answers undefined without sending anything', async ({ config }) => {
    const copier = new DirectCopier(new S3Client({ ...config, credentials }), undefined);
    try {
      await expect(copier.copy({ ...input, bucket: 'plain-bucket' })).resolves.toBeUndefined();
    } finally {
      copier.destroy();
    }
  });

  it('a dotted bucket in the aws partition', async () => {
    const copier = new DirectCopier(new S3Client({ region: 'us-east-1', credentials }), undefined);
    try {
      await expect(copier.copy(input)).resolves.toBeUndefined();
    } finally {
      copier.destroy();
    }
  });

  it('an endpoint configured in the environment (AWS_ENDPOINT_URL_S3), which only the SDK reads', async () => {
    const before = process.env.AWS_ENDPOINT_URL_S3;
    process.env.AWS_ENDPOINT_URL_S3 = 'http://127.0.0.1:9';
    const copier = new DirectCopier(new S3Client({ region: 'us-east-1', credentials }), undefined);
    try {
      await expect(copier.copy({ ...input, bucket: 'plain-bucket' })).resolves.toBeUndefined();
    } finally {
      copier.destroy();
      if (before === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
      else process.env.AWS_ENDPOINT_URL_S3 = before;
    }
  });
});
