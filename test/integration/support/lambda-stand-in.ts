/**
 * A stand-in for Lambda's Invoke API on a loopback port: moto 5.2.1 cannot run function code
 * without Docker. It answers `POST /2015-03-31/functions/{name}/invocations` as Lambda does: the
 * function's result as the payload, or, when the function throws, HTTP 200 with
 * `X-Amz-Function-Error: Unhandled` and `{errorType, errorMessage}`. The function itself is
 * whatever the test runs for that name (the router's pipeline against moto).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Invocation {
  functionName: string;
  invocationType: string | undefined;
  /** The SigV4 credential scope's service: must be `lambda`. */
  signedFor: string | undefined;
  payload: unknown;
}

export interface LambdaStandIn {
  endpoint: string;
  invocations: Invocation[];
  stop(): Promise<void>;
}

export type StandInFunction = (functionName: string, payload: unknown) => Promise<unknown>;

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export async function startLambdaStandIn(run: StandInFunction): Promise<LambdaStandIn> {
  const invocations: Invocation[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const match = INVOKE_PATH.exec(request.url ?? '');
      if (request.method !== 'POST' || !match?.[1]) {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ Type: 'User', message: `no such route ${request.method} ${request.url}` }));
        return;
      }
      const functionName = decodeURIComponent(match[1]);
      const payload = JSON.parse(await bodyOf(request)) as unknown;
      invocations.push({ functionName, invocationType: header(request, 'x-amz-invocation-type'), signedFor: signingService(header(request, 'authorization')), payload });
      try {
        const result = await run(functionName, payload);
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result ?? null));
      } catch (error) {
        const thrown = error instanceof Error ? error : new Error(String(error));
        response.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' }).end(JSON.stringify({ errorType: thrown.name, errorMessage: thrown.message }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    invocations,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/lambda/aws4_request, …` → `lambda`. */
function signingService(authorization: string | undefined): string | undefined {
  return /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization ?? '')?.[1];
}
