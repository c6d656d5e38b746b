import { RejectedInput } from './outcome.ts';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/;

/**
 * The provider's event time as ISO-8601, or the normaliser's clock when the input has none.
 * Times without a zone (moto writes `2026-11-23T15:15:40.915987`) are UTC, as AWS's own are;
 * a number is epoch seconds (older moto EventBridge events).
 */
export function eventTimeOf(value: unknown, now: () => Date, where: string): string {
  if (value === undefined || value === null) return now().toISOString();
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000).toISOString();
  if (typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(zoned(value)))) {
    return HAS_ZONE.test(value) ? value : new Date(zoned(value)).toISOString();
  }
  throw new RejectedInput(`${where} is not an ISO-8601 time: ${JSON.stringify(value)}`);
}

function zoned(value: string): string {
  return HAS_ZONE.test(value) ? value : `${value}Z`;
}
