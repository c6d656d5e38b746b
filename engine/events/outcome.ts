import type { InputRecord, ObjectEvent } from './object-event.ts';
import { InputError } from '../errors.ts';

/** What one piece of input normalised into; an InputRecord without its id. */
export type Outcome =
  | { status: 'events'; events: ObjectEvent[] }
  | { status: 'ignored'; reason: string }
  | { status: 'rejected'; reason: string };

export const REJECTED_INPUT = 'SY-EVENT-REJECTED';

/** Thrown inside the per-shape readers; caught at the record boundary and turned into `rejected`. */
export class RejectedInput extends InputError {
  constructor(reason: string) {
    super(REJECTED_INPUT, reason);
  }
}

export function eventsOutcome(events: ObjectEvent[]): Outcome {
  return { status: 'events', events };
}

export function ignoredOutcome(reason: string): Outcome {
  return { status: 'ignored', reason };
}

export function rejectedOutcome(reason: string): Outcome {
  return { status: 'rejected', reason };
}

/** Runs one reader so that nothing it throws escapes: a malformed record never sinks the batch. */
export function outcomeOf(read: () => Outcome): Outcome {
  try {
    return read();
  } catch (error) {
    if (error instanceof RejectedInput) return rejectedOutcome(error.message);
    const message = error instanceof Error ? error.message : String(error);
    return rejectedOutcome(`could not be normalised: ${message}`);
  }
}

/**
 * Several records that succeed or fail together (one SQS body holding several S3 records):
 * any rejection rejects the whole; otherwise the events, or, if every part was ignored, the reasons.
 */
export function combineOutcomes(outcomes: Outcome[]): Outcome {
  const rejections = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
  if (rejections.length > 0) return rejectedOutcome(rejections.join('; '));
  const events = outcomes.flatMap((o) => (o.status === 'events' ? o.events : []));
  if (events.length > 0) return eventsOutcome(events);
  const reasons = outcomes.flatMap((o) => (o.status === 'ignored' ? [o.reason] : []));
  return ignoredOutcome(reasons.join('; '));
}

export function toInputRecord(recordId: string, outcome: Outcome): InputRecord {
  return { recordId, ...outcome };
}

/** Prefixes a reason with where it happened, e.g. `SQS message 7f3…: S3 record 2 has no s3.object.key`. */
export function within(where: string, outcome: Outcome): Outcome {
  if (outcome.status === 'events') return outcome;
  return { status: outcome.status, reason: `${where}: ${outcome.reason}` };
}
