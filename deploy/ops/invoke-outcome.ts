/**
 * What a function's answer says was still not delivered (engine/lambda-answer.ts): destinations
 * that failed where the route let the record pass (`failWhen: all`), or none of the routes the
 * item is for having run (the deployed routes no longer match it). Undefined when all went through.
 */
export function notDeliveredBy(functionName: string, payload: unknown, routes: readonly string[]): string | undefined {
  const summary = (typeof payload === 'object' && payload !== null ? payload : {}) as { undelivered?: unknown; records?: unknown };
  const records: Array<{ routes?: unknown }> = Array.isArray(summary.records) ? (summary.records as Array<{ routes?: unknown }>) : [];
  // Only the routes this item is for: a dead letter re-driven for --route R is not failed by another route.
  const undelivered = Array.isArray(summary.undelivered) ? summary.undelivered.map(String).filter((reason) => !namesRoute(reason) || routes.some((route) => reason.startsWith(`${route}:`) || reason.startsWith(`${route} →`))) : [];
  if (undelivered.length > 0) return `${functionName} ran it, but did not deliver: ${undelivered.join('; ')}`;
  // A function deployed before answers named their routes says only that nothing failed.
  if (!records.some((r) => Array.isArray(r.routes))) return undefined;
  const reached = new Set(records.flatMap((r) => (Array.isArray(r.routes) ? r.routes.map(String) : [])));
  if (!routes.some((route) => reached.has(route))) {
    return `${functionName} answered without running ${routes.join(', ')} for it: its deployed routes no longer match it (compare them with yours: switchyard status)`;
  }
  return undefined;
}

/** Reasons from undeliveredReasons start with the route's name (`R: …`, `R → …`); a rejected record's do not. */
function namesRoute(reason: string): boolean {
  return /^[a-z][a-z0-9-]*(: | → )/.test(reason);
}
