/**
 * One SigV4-signed HTTPS request to an AWS service this package has no SDK client for (Lambda's
 * account settings, CloudWatch metrics). Credentials and region come from the other SDK clients,
 * so the same profile, role and endpoint apply.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';
import { NodeSha256 } from '../engine/ports/aws/node-sha256.ts';

export interface SignedServiceOptions {
  region: Provider<string>;
  credentials: Provider<AwsCredentialIdentity>;
  /** A custom endpoint (a stand-in such as moto), else the service's regional one. */
  endpoint?: string;
}

export interface SignedRequest {
  /** Signing name and host prefix: `lambda`, `monitoring`. */
  service: string;
  method: 'GET' | 'POST';
  /** A custom endpoint for this request alone (`AWS_ENDPOINT_URL_<SERVICE>`), before the options' one. */
  endpoint?: string;
  /** The path; the endpoint's own path when absent. */
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  /** How long the connection may stay silent (an idle timeout, not a total); default 60 s. A Lambda invocation may take 15 minutes. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** The service's answer: status, headers and text. */
export async function signedRequest(options: SignedServiceOptions, request: SignedRequest): Promise<{ status: number; ok: boolean; headers: Headers; text: string }> {
  const region = await options.region();
  const base = new URL(request.endpoint ?? options.endpoint ?? `https://${request.service}.${region}.amazonaws.com`);
  const url = request.path !== undefined ? new URL(request.path, base) : base;
  const signer = new SignatureV4({ service: request.service, region, credentials: options.credentials, sha256: NodeSha256 });
  const signed = await signer.sign({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname || '/',
    query: {},
    headers: { host: url.host, ...request.headers },
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  return send(url, request.method, signed.headers, request.body, request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

/**
 * node:http(s) rather than fetch: fetch stops waiting for an answer's headers after 300 s, which
 * a RequestResponse invocation of a function with a longer timeout exceeds; and its errors read
 * "fetch failed" without the cause.
 */
function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<{ status: number; ok: boolean; headers: Headers; text: string }> {
  return new Promise((resolve, reject) => {
    const requester = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const sized = body !== undefined ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers;
    const outgoing = requester(url, { method, headers: sized, timeout: timeoutMs }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', (error: NodeJS.ErrnoException) => reject(new Error(`${method} ${url.host}${url.pathname}: the answer broke off: ${error.code ? `${error.code} ` : ''}${error.message}`, { cause: error })));
      incoming.on('end', () => {
        const answerHeaders = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (value !== undefined) answerHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const status = incoming.statusCode ?? 0;
        resolve({ status, ok: status >= 200 && status < 300, headers: answerHeaders, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${url.host} sent nothing for ${Math.round(timeoutMs / 1000)} s`)));
    outgoing.on('error', (error: NodeJS.ErrnoException) => reject(new Error(`${method} ${url.host}${url.pathname}: ${error.code ? `${error.code} ` : ''}${error.message}`, { cause: error })));
    if (body !== undefined) outgoing.write(body);
    outgoing.end();
  });
}
