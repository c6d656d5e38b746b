/**
 * Runs one input through a deployed router function and waits for its answer (Lambda Invoke,
 * RequestResponse). `replay --through-function` uses it so that a re-drive acts with the
 * function's role, which the destinations' bucket policies and other accounts' roles grant,
 * rather than with the operator's credentials.
 *
 * `AWS_ENDPOINT_URL_LAMBDA` (the AWS SDKs' service-specific endpoint setting) is honoured before
 * the general endpoint, so Lambda can be pointed elsewhere than the other services.
 */
import { signedRequest, type SignedServiceOptions } from '../signed-request.ts';

/** Lambda's longest function timeout, and a minute for the answer to arrive. */
const INVOKE_TIMEOUT_MS = 16 * 60 * 1000;

export type InvokeAnswer = { delivered: true; payload: unknown } | { delivered: false; reason: string };

export type FunctionInvoker = (functionName: string, input: unknown) => Promise<InvokeAnswer>;

export function functionInvoker(options: SignedServiceOptions, env: NodeJS.ProcessEnv = process.env): FunctionInvoker {
  const endpoint = env.AWS_ENDPOINT_URL_LAMBDA;
  return async (functionName, input) => {
    const response = await signedRequest(options, {
      service: 'lambda',
      method: 'POST',
      path: `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
      headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
      body: JSON.stringify(input),
      // A function may run up to 15 minutes; the answer comes when it ends.
      timeoutMs: INVOKE_TIMEOUT_MS,
      ...(endpoint ? { endpoint } : {}),
    });
    if (!response.ok) return { delivered: false, reason: `Lambda refused to invoke ${functionName} (HTTP ${response.status}): ${serviceError(response.text)}` };
    // A function that threw answers 200 with X-Amz-Function-Error and the error as the payload.
    const functionError = response.headers.get('x-amz-function-error');
    const payload = parsed(response.text);
    if (functionError !== null) return { delivered: false, reason: `${functionName} failed (${functionError}): ${errorText(payload, response.text)}` };
    return { delivered: true, payload };
  };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `{errorType, errorMessage}` as Lambda reports a thrown error. */
function errorText(payload: unknown, raw: string): string {
  if (typeof payload === 'object' && payload !== null) {
    const { errorType, errorMessage } = payload as { errorType?: unknown; errorMessage?: unknown };
    if (typeof errorMessage === 'string') return typeof errorType === 'string' ? `${errorType}: ${errorMessage}` : errorMessage;
  }
  return raw.slice(0, 2000);
}

/** Lambda's own errors come as JSON `{Type, Message}` / `{message}`. */
function serviceError(text: string): string {
  const body = parsed(text);
  if (typeof body === 'object' && body !== null) {
    const { Message, message } = body as { Message?: unknown; message?: unknown };
    if (typeof Message === 'string') return Message;
    if (typeof message === 'string') return message;
  }
  return text.slice(0, 500);
}
