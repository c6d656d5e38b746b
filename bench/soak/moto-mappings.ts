/**
 * The soak is Lambda's SQS event source mapping itself (sqs-trigger.ts), so moto's own must be
 * off. moto runs the stack's AWS::Lambda::EventSourceMapping whenever a message is added to a
 * queue: it receives up to ten visible messages with the queue's visibility timeout (30 min for
 * the seed stack), tries to start the function in Docker, and only then makes them visible
 * again. That steals receives from the soak's poller (messages dead-lettered after fewer real
 * attempts) and, when that hand-back fails (e.g. the soak deleted one of the ten meanwhile), hides
 * a whole batch of consecutive messages for 30 minutes: the "lost" runs the 1,000-event soak saw.
 * In AWS there is one mapping per queue; here it is the soak's, so moto's are disabled.
 * No Lambda SDK client is needed: moto's Lambda REST API takes plain JSON.
 */

interface MotoMapping {
  UUID: string;
  EventSourceArn?: string;
  State?: string;
}

/** A signature moto routes to its Lambda backend (moto does not check it). */
const LAMBDA_AUTHORIZATION = 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0';

/** Disables every event source mapping of the function in moto; returns the queues they read. */
export async function disableMotoEventSourceMappings(endpoint: string, functionName: string): Promise<string[]> {
  const listed = await lambdaApi<{ EventSourceMappings?: MotoMapping[] }>(endpoint, 'GET', `/2015-03-31/event-source-mappings/?FunctionName=${encodeURIComponent(functionName)}`);
  const mappings = listed.EventSourceMappings ?? [];
  for (const mapping of mappings) {
    const updated = await lambdaApi<MotoMapping>(endpoint, 'PUT', `/2015-03-31/event-source-mappings/${mapping.UUID}`, { Enabled: false });
    if (updated.State !== 'Disabled') throw new Error(`moto's event source mapping ${mapping.UUID} (${mapping.EventSourceArn ?? '?'}) is still ${updated.State ?? 'in an unknown state'} after disabling it`);
  }
  return mappings.map((m) => m.EventSourceArn ?? m.UUID);
}

async function lambdaApi<T>(endpoint: string, method: 'GET' | 'PUT', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${endpoint}${path}`, {
    method,
    headers: { authorization: LAMBDA_AUTHORIZATION, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`moto Lambda API ${method} ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}
