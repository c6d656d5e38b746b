/**
 * What a function's answer says was still not delivered (engine/lambda-answer.ts): destinations
 * that failed where the route let the record pass (`failWhen: all`), or none of the routes the
 * item is for having run (the deployed routes no longer match it). Undefined when all went through.
 */
export function notDeliveredBy(functionName: string, payload: unknown, routes: readonly string[]): string | undefined {
  const summary = (typeof payload === 'object' && payload !== null ? payload : {}) as { undelivered?: unknown; records?: unknown };
  if (Array.isArray(summary.undelivered) && summary.undelivered.length > 0) return `${functionName} ran it, but did not deliver: ${summary.undelivered.map(String).join('; ')}`;
  const ran = new Set(Array.isArray(summary.records) ? summary.records.flatMap((r: { routes?: unknown }) => (Array.isArray(r.routes) ? r.routes.map(String) : [])) : []);
  if (!routes.some((route) => ran.has(route))) {
    return `${functionName} answered without running ${routes.join(', ')} for it: its deployed routes no longer match it (compare them with yours: switchyard status)`;
  }
  return undefined;
}
