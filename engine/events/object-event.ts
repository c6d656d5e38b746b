/** The one shape every supported input is normalised into (see engine/events/normalise.ts). */
export type EventKind = 'created' | 'deleted';

export type EventOrigin = 's3-notification' | 'eventbridge' | 'direct' | 'batch';

export interface ObjectEvent {
  /** Stable id of this object event, used in logs and for de-duplication. */
  id: string;
  origin: EventOrigin;
  kind: EventKind;
  /** The provider's own name, e.g. `ObjectCreated:Put` or `Object Created`. */
  eventName: string;
  bucket: string;
  /** Fully decoded key (form-URL-decoding happens once, in the normaliser). */
  key: string;
  size?: number;
  /** ETag without surrounding quotes. */
  eTag?: string;
  versionId?: string;
  sequencer?: string;
  /** ISO-8601 time the provider reported; the normaliser's clock when the input has none. */
  eventTime: string;
  region?: string;
  /** Direct invocation (seed 002) may name its own destination buckets. */
  destinationBuckets?: string[];
  /**
   * The SQS queue the event was read from (the Lambda SQS record's `eventSourceARN`); absent when
   * it did not come through SQS. Matching uses it to tell an operator's queue (`trigger: sqs`)
   * from the intake queue Switchyard owns, as both may carry the same bucket's events.
   */
  queueArn?: string;
}

/** One unit of input that succeeds or fails as a whole (an SQS message, an EventBridge event, a direct call). */
export type InputRecord =
  | {
      recordId: string;
      status: 'events';
      events: ObjectEvent[];
      /** Delivered before (SQS ApproximateReceiveCount > 1): failure records of earlier deliveries may be resolved now. */
      redelivered?: true;
    }
  | { recordId: string; status: 'ignored'; reason: string }
  | { recordId: string; status: 'rejected'; reason: string };

export interface NormalisedInput {
  /** Whether the invocation came through SQS, so the handler must answer with batchItemFailures. */
  viaSqs: boolean;
  records: InputRecord[];
}
