import { describe, expect, it } from 'vitest';
import { CLOUDFORMATION_ATTEMPTS, deployClients } from '../../../deploy/clients.ts';

describe('deployClients', () => {
  it('CloudFormation calls retry throttling longer than the SDK default, since many stacks are polled at once', async () => {
    const clients = deployClients({ region: 'eu-west-1' });
    expect(CLOUDFORMATION_ATTEMPTS).toBeGreaterThan(3);
    expect(await clients.cloudformation.config.maxAttempts()).toBe(CLOUDFORMATION_ATTEMPTS);
  });

  it('with an endpoint, every client points at it and S3 uses path-style addressing', async () => {
    const clients = deployClients({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:5000' });
    for (const client of [clients.cloudformation, clients.s3, clients.sts]) {
      expect((await client.config.endpoint?.())?.hostname).toBe('127.0.0.1');
    }
    expect(clients.s3.config.forcePathStyle).toBe(true);
  });
});
