/**
 * A manual invocation that came through a route's API (`api: true`, seed 002's API Gateway):
 * `{ "switchyard": "api", "route", "request" }`, where `request` is what the caller posted, a
 * direct invocation `{sourceBucket, sourceKey, destinationBuckets?}`. API Gateway's request
 * template wraps it so, naming the route whose API was called: the pipeline runs that route alone,
 * where a plain direct invocation runs every route that takes the object.
 */
import { isDirectInvocation } from '../events/direct-invocation.ts';
import { isJsonObject } from '../events/shape.ts';

export const API_MARK = 'api';

export interface ApiRequest {
  switchyard: typeof API_MARK;
  route: string;
  request: unknown;
}

export function isApiRequest(input: unknown): boolean {
  return typeof input === 'object' && input !== null && (input as { switchyard?: unknown }).switchyard === API_MARK;
}

/** What is wrong with an API request's envelope, or an empty list: a route's name, and a request shaped as a direct invocation (whose fields normalising checks). */
export function apiRequestProblems(input: unknown): string[] {
  const value = input as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof value.route !== 'string' || value.route === '') problems.push('route must be a route name');
  if (!isJsonObject(value.request) || !isDirectInvocation(value.request)) problems.push('post {"sourceBucket", "sourceKey", "destinationBuckets"?}, a direct invocation');
  return problems;
}

/** The API Gateway request template that builds an ApiRequest from the posted body (VTL). */
export function apiRequestTemplate(route: string): string {
  // `request` first: even a parser that let a later duplicate key win would keep the route's own fields.
  return `{"request": $input.json('$'), "switchyard": "${API_MARK}", "route": "${route}"}`;
}
