import type { ObjectEvent } from './object-event.ts';
import { objectEventId } from './event-id.ts';

export type ObjectEventFacts = Omit<ObjectEvent, 'id'>;

/** An ObjectEvent with its id, leaving out optional fields the input did not have. */
export function buildObjectEvent(facts: ObjectEventFacts, id: string = objectEventId(facts)): ObjectEvent {
  const event: ObjectEvent = {
    id,
    origin: facts.origin,
    kind: facts.kind,
    eventName: facts.eventName,
    bucket: facts.bucket,
    key: facts.key,
    eventTime: facts.eventTime,
  };
  if (facts.size !== undefined) event.size = facts.size;
  if (facts.eTag !== undefined) event.eTag = facts.eTag;
  if (facts.versionId !== undefined) event.versionId = facts.versionId;
  if (facts.sequencer !== undefined) event.sequencer = facts.sequencer;
  if (facts.region !== undefined) event.region = facts.region;
  if (facts.destinationBuckets !== undefined) event.destinationBuckets = facts.destinationBuckets;
  return event;
}
