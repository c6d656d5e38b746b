/**
 * One SigV4-signed HTTPS request to an AWS service this package has no SDK client for (Lambda's
 * account settings, CloudWatch metrics). Credentials and region come from the other SDK clients,
 * so the same profile, role and endpoint apply.
 */
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
}

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
  const response = await fetch(url, { method: request.method, headers: signed.headers, ...(request.body !== undefined ? { body: request.body } : {}) });
  return { status: response.status, ok: response.ok, headers: response.headers, text: await response.text() };
}
