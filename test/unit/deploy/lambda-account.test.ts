/** GetAccountSettings, signed here (no Lambda SDK client): against a local HTTP server standing for Lambda. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { lambdaAccount } from '../../../deploy/lambda-account.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

async function answering(status: number, body: string): Promise<{ endpoint: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  server = createServer((request, response) => {
    requests.push(request);
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((listening) => server?.listen(0, '127.0.0.1', listening));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const client = (endpoint: string) => lambdaAccount({ region: async () => 'eu-west-1', credentials: async () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret' }), endpoint });

describe('lambdaAccount().concurrency()', () => {
  it('reads AccountLimit from a signed GET of /2016-08-19/account-settings/', async () => {
    const lambda = await answering(200, JSON.stringify({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 850 }, AccountUsage: {} }));
    expect(await client(lambda.endpoint).concurrency()).toEqual({ limit: 1000, unreserved: 850 });
    expect(lambda.requests[0]?.method).toBe('GET');
    expect(lambda.requests[0]?.url).toBe('/2016-08-19/account-settings/');
    expect(lambda.requests[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-west-1\/lambda\/aws4_request/);
  });

  it('an endpoint that does not implement it (moto answers 404) gives undefined', async () => {
    const lambda = await answering(404, '<!doctype html><title>404 Not Found</title>');
    expect(await client(lambda.endpoint).concurrency()).toBeUndefined();
  });

  it('a refusal names the permission to grant and the way round it', async () => {
    const lambda = await answering(403, JSON.stringify({ Type: 'User', Message: 'not authorized to perform: lambda:GetAccountSettings' }));
    await expect(client(lambda.endpoint).concurrency()).rejects.toMatchObject({
      code: 'AccountSettingsUnavailable',
      message: expect.stringMatching(/HTTP 403 .*allow lambda:GetAccountSettings .*--reserved-concurrency 0/),
    });
  });
});
