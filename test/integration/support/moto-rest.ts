/**
 * GETs a moto REST API the SDK has no client for here (API Gateway, Lambda's configuration).
 * moto picks the service from the credential scope of the Authorization header and checks no
 * signature, so a header naming the service is enough.
 */
import { TEST_REGION } from './aws-env.ts';

export function serviceHeaders(service: string): Record<string, string> {
  const date = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  return { Authorization: `AWS4-HMAC-SHA256 Credential=testing/${date}/${TEST_REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0` };
}

export async function motoGet<T>(endpoint: string, service: string, path: string): Promise<T> {
  const response = await fetch(`${endpoint}${path}`, { headers: serviceHeaders(service) });
  if (!response.ok) throw new Error(`GET ${path} (${service}) answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}
