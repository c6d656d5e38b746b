/** How EventBridge S3 events spell their keys; see eventbridge.ts for why the default is encoded. */
export type EventBridgeKeyEncoding = 'form-url-encoded' | 'raw';

export interface NormaliseOptions {
  /** Default `form-url-encoded` (real AWS); `raw` for moto 5.2.1, which puts the plain key in EventBridge events. */
  eventBridgeKeys?: EventBridgeKeyEncoding;
}

/** What every shape reader needs besides the input itself. */
export interface NormaliseContext {
  now: () => Date;
  eventBridgeKeys: EventBridgeKeyEncoding;
  /** The Lambda request id, the same for Lambda's retries of one asynchronous invocation. */
  requestId?: string;
}
