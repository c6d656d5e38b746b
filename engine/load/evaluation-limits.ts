/**
 * Guard rails for every evaluation (jsonata's D1011/D1012): an expression with a runaway loop
 * or recursion fails that event instead of hanging the function. The timeout includes the
 * lookups the expression awaits (SSM, S3), so it is generous. A module of its own so the
 * function can name the limits without importing JSONata at cold start.
 */
export const EVALUATION_LIMITS = { timeout: 10_000, stack: 250 };
