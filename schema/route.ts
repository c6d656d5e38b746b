/* Generated from schema/route.schema.json by `npm run schema:types`. Do not edit by hand. */

/**
 * A 12-digit AWS account id.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "AccountId".
 */
export type AccountId = string;
/**
 * A literal, or a JSONata expression when it starts with `$` (e.g. `$key`) or with `=` (the rest is the expression, e.g. `='archive/' & $key`).
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "Value".
 */
export type Value = string;
/**
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "StringOrList".
 */
export type StringOrList = string | [string, ...string[]];
/**
 * A JSONata expression (https://docs.jsonata.org). Variables: `$bucket`, `$key`, `$size`, `$etag`, `$versionId`, `$eventTime`, `$eventName`, `$event`, `$route`, `$tags`, `$destinationBuckets`, every `let` value and every table.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "Expression".
 */
export type Expression = string;
/**
 * A duration: a number followed by ms, s, m, h or d.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "Duration".
 */
export type Duration = string;
/**
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "AllowedBucket".
 */
export type AllowedBucket =
  | string
  | {
      /**
       * Bucket name or `*` pattern.
       */
      bucket: string;
      account?: AccountId;
      /**
       * KMS key the destination bucket encrypts with; copies use SSE-KMS with it and the owner grants the key.
       */
      kmsKey?: string;
    };
/**
 * A size in bytes: a number, optionally followed by B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024).
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "Size".
 */
export type Size = string;
/**
 * An IAM role ARN.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "RoleArn".
 */
export type RoleArn = string;

/**
 * One Switchyard route: where objects arrive, which of them it takes, where they go, and what happens when that fails. One route per file under routes/.
 */
export interface Route {
  /**
   * Unique route name across all route files; used in logs, metrics, resource names and `switchyard backfill --route`.
   */
  name: string;
  /**
   * What the route is for, in one or two sentences, for the people reading logs and pull requests.
   */
  description?: string;
  source: Source;
  match?: Match;
  /**
   * Named lookup tables, bound as JSONata variables (`$<name>`) for `let`, `when` and action fields. Loaded only when an expression of the route refers to them, and cached per container for `cacheTtl`.
   */
  tables?: {
    [k: string]: Table;
  };
  /**
   * Derived values, each a JSONata expression evaluated in order (a later one may use an earlier one as `$<name>`). Lookups are available as functions: `$ssm(name)`, `$ssmList(name)`, `$s3json(uri)`, `$objectJson()`, `$objectText()`, plus `$tags` (the object's tags).
   */
  let?: {
    [k: string]: Expression;
  };
  allow?: Allow;
  /**
   * What to do with each matched object. Actions run in parallel under `concurrency`; each may have its own `when`, `retry` and `concurrency`.
   *
   * @minItems 1
   */
  actions: [Action, ...Action[]];
  retry?: Retry;
  /**
   * Most destinations (copies, messages, emails) worked on at once for one object.
   */
  concurrency?: number;
  /**
   * When the event counts as failed: `any` — any planned destination failed; `all` — no destination succeeded (seed 000's success threshold). A failed event is retried by its trigger and ends in the dead-letter queue; the failure notification is sent.
   */
  failWhen?: 'any' | 'all';
  /**
   * Also take manual invocations over HTTPS (seed 002's API Gateway): a regional API Gateway REST API for the route, IAM (SigV4) auth only, whose `POST /invocations` with `{"sourceBucket", "sourceKey", "destinationBuckets"?}` runs this route alone for that object, asynchronously (202; a failure goes to the function's asynchronous dead-letter queue, as a direct invocation's does). The object must be one the route takes (its bucket, prefix and suffix). Callers need `execute-api:Invoke` on it; the stack's outputs give its URL.
   */
  api?: boolean;
  notify?: Notify;
  tracking?: Tracking;
  /**
   * SQS queues this route owns: created by the generated stack together with a dead-letter queue each. An `sqs` action may then name them by `name`.
   */
  queues?: OwnedQueue[];
  batch?: Batch;
}
/**
 * Where objects arrive and how the route hears about them.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "Source".
 */
export interface Source {
  /**
   * The source bucket name.
   */
  bucket: string;
  /**
   * Only keys under this prefix trigger the route; used for the trigger's filter (EventBridge pattern or S3 notification), and matched again at run time.
   */
  prefix?: string;
  /**
   * Only keys ending with this trigger the route (S3 notifications take one suffix per filter: use `match.suffix` for lists).
   */
  suffix?: string;
  /**
   * How events reach the runtime: `eventbridge` (S3 → EventBridge rule → function, with retry policy and DLQ), `s3-notification` (S3 → SQS queue → function, with partial batch responses and a DLQ), `sqs` (an existing queue that already receives S3 notifications, see `queueArn`), `manual` (direct invocation or `switchyard backfill` only).
   */
  trigger: 'eventbridge' | 's3-notification' | 'sqs' | 'manual';
  /**
   * With `trigger: sqs`: the existing queue the function reads. What is read from this queue reaches only the `sqs` routes that name it, and what is read from Switchyard's own intake queue never reaches them, so one bucket may notify both queues without a route running twice.
   */
  queueArn?: string;
  /**
   * Which object events the route takes.
   *
   * @minItems 1
   */
  events?: ['created' | 'deleted', ...('created' | 'deleted')[]];
  account?: AccountId;
  assumeRole?: AssumeRole;
  /**
   * ARN of the KMS key the source objects are encrypted with (the function, or the assumed role, needs kms:Decrypt on it).
   */
  kmsKey?: string;
  /**
   * Expiry rules for the source bucket (seed 004: `customers/` after 30 days). Emitted as a lifecycle configuration for the bucket owner to apply (the stack does not own source buckets).
   */
  lifecycle?: {
    /**
     * Key prefix the rule applies to.
     */
    prefix: string;
    /**
     * Days after creation when objects are deleted.
     */
    expireAfterDays: number;
  }[];
}
/**
 * A role to assume for the calls of one side (source reads, destination writes, email sending). `arn` may be an expression (e.g. from a customer table) — the generator then needs `allow.roles` to scope `sts:AssumeRole`.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "AssumeRole".
 */
export interface AssumeRole {
  arn: Value;
  externalId?: Value;
  /**
   * Session name shown in CloudTrail.
   */
  sessionName?: string;
}
/**
 * Which objects the route takes. Structural rules (prefix, suffix, excludePrefix) are indexed; tag and `when` conditions are evaluated only for routes the index leaves. All given conditions must hold.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "Match".
 */
export interface Match {
  prefix?: StringOrList;
  suffix?: StringOrList;
  /**
   * Compare suffixes case-insensitively (`.PDF` matches `.pdf`).
   */
  ignoreCase?: boolean;
  excludePrefix?: StringOrList;
  /**
   * Conditions on the object's tags (read with GetObjectTagging).
   */
  tags?: {
    [k: string]: TagCondition;
  };
  when?: Expression;
}
/**
 * One condition on a tag: `exists`, `equals` or `anyOf`.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "TagCondition".
 */
export interface TagCondition {
  /**
   * true: the tag must be present; false: it must be absent.
   */
  exists?: boolean;
  /**
   * The tag must have exactly this value.
   */
  equals?: string;
  /**
   * The tag must have one of these values.
   *
   * @minItems 1
   */
  anyOf?: [string, ...string[]];
}
/**
 * A lookup table: exactly one of `static`, `s3json`, `ssm`.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "Table".
 */
export interface Table {
  /**
   * Data written right here in the route file.
   */
  static?: {} | unknown[];
  /**
   * A JSON object in S3, e.g. `s3://artifacts-config/export-config.json`.
   */
  s3json?: string;
  /**
   * An SSM parameter holding JSON.
   */
  ssm?: string;
  cacheTtl?: Duration;
}
/**
 * The allow-list for destinations resolved at run time. A destination outside it is refused and reported, never written; the generator scopes IAM to the same lists. Required when a destination is an expression.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "Allow".
 */
export interface Allow {
  /**
   * Destination buckets: names or `*` wildcards, or objects naming the account that owns them (the generator then writes that account's bucket policy, and copies set `bucket-owner-full-control`).
   */
  buckets?: AllowedBucket[];
  /**
   * Destination queues: names, ARNs or URLs, with `*` wildcards.
   */
  queues?: string[];
  /**
   * Role ARNs (with `*` wildcards) that expressions may resolve to for `assumeRole`.
   */
  roles?: string[];
}
/**
 * Exactly one of `copy`, `sqs`, `email`.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "Action".
 */
export interface Action {
  copy?: CopyAction;
  sqs?: SqsAction;
  email?: EmailAction;
}
/**
 * Server-side copy of the object to one or more buckets (CopyObject below `multipartThreshold`, parallel UploadPartCopy above it); metadata, content type and tags are carried across.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "CopyAction".
 */
export interface CopyAction {
  /**
   * Name of the action in logs, metrics and de-duplication markers (default: type and position, e.g. `copy-1`).
   */
  id?: string;
  when?: Expression;
  retry?: Retry;
  /**
   * Most of this action's destinations worked on at once.
   */
  concurrency?: number;
  /**
   * Destination bucket(s): a literal bucket name, a list of them, or a Value expression yielding a name or a list of names (nested lists are flattened).
   */
  to: Value | [string, ...string[]];
  key?: Value;
  assumeRole?: AssumeRole;
  /**
   * SSE-KMS key for the copies (overrides the allow-list entry's key).
   */
  kmsKey?: string;
  multipartThreshold?: Size;
  partSize?: Size;
  /**
   * UploadPartCopy calls in flight for one object.
   */
  partConcurrency?: number;
  /**
   * Skip a destination that already holds the object, so batch re-runs copy nothing. `true`: the same size and ETag, or the source ETag recorded on the copy; where ETags cannot match (an SSE-KMS destination, multipart ETags), the same size written after the source last changed, as rclone checks by default. `checksum`: a skip that only size and write time found is confirmed first, by the destination's HeadObject (its recorded source ETag) and then the two objects' checksums (HeadObject with ChecksumMode; an SSE-KMS object needs kms:Decrypt): equal full-object checksums, or equal composite ones, skip; different full-object checksums copy; where they cannot tell, size and time stand. For an event, the event's time stands in for the source's last change (it is never earlier).
   */
  skipExisting?: false | true | 'checksum';
}
/**
 * Retry policy for one action (or, at route level, the default for all). Delay before retry n is min(maxDelay, delay × backoff^n), or a random fraction of it with full jitter.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "Retry".
 */
export interface Retry {
  /**
   * Retries after the first attempt: a number, or a Value expression (seed 001 reads it from its config table); an expression that yields nothing (the config has no such key) means the default, 3.
   */
  retries?: number | Value;
  delay?: Duration;
  maxDelay?: Duration;
  /**
   * Multiplier between consecutive delays.
   */
  backoff?: number;
  /**
   * `full`: sleep a random time up to the delay (avoids thundering herds); `none`: exact delays.
   */
  jitter?: 'full' | 'none';
  /**
   * Which failures are retried. AccessDenied, missing buckets/keys and validation errors are never worth retrying.
   */
  on?: ('throttling' | 'network' | '5xx' | 'unknown')[];
  /**
   * Separate, usually longer, policy for throttling (SlowDown) errors.
   */
  throttling?: {
    /**
     * Retries for throttling errors.
     */
    retries?: number;
    delay?: Duration;
    maxDelay?: Duration;
  };
}
/**
 * Send a message to an SQS queue.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "SqsAction".
 */
export interface SqsAction {
  /**
   * Name of the action in logs, metrics and de-duplication markers (default: type and position, e.g. `copy-1`).
   */
  id?: string;
  when?: Expression;
  retry?: Retry;
  /**
   * Most of this action's destinations worked on at once.
   */
  concurrency?: number;
  queue: Value;
  body?: Expression;
  groupId?: Value;
  assumeRole?: AssumeRole;
}
/**
 * Send an email with SES (v2): to fixed addresses, or to the contacts of a contact list opted in to a topic, through the sender's own account when `assumeRole` is set.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "EmailAction".
 */
export interface EmailAction {
  /**
   * Name of the action in logs, metrics and de-duplication markers (default: type and position, e.g. `copy-1`).
   */
  id?: string;
  when?: Expression;
  retry?: Retry;
  /**
   * Most of this action's destinations worked on at once.
   */
  concurrency?: number;
  from: Value;
  /**
   * Recipient addresses, or a Value expression yielding them.
   */
  to?: Value | [string, ...string[]];
  contactList?: Value;
  topic?: Value;
  /**
   * Subject line, a Handlebars template.
   */
  subject: string;
  /**
   * Path (relative to the route file) of the Handlebars HTML body template.
   */
  html?: string;
  /**
   * Path (relative to the route file) of the Handlebars plain-text body template.
   */
  text?: string;
  assumeRole?: AssumeRole;
}
/**
 * Who is told when the event fails (per `failWhen`): an SNS topic and/or email addresses, with a rich message (route, object, every failed destination with its error and attempts).
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "Notify".
 */
export interface Notify {
  /**
   * Failure notification.
   */
  onFailure?: {
    /**
     * SNS topic name (created by the stack) or ARN.
     */
    sns?: string;
    /**
     * Also send the notification by SES email.
     */
    email?: {
      /**
       * Verified sender address.
       */
      from: string;
      /**
       * Recipients.
       *
       * @minItems 1
       */
      to: [string, ...string[]];
    };
    /**
     * Path (relative to the route file) of a Handlebars template for the message body; a built-in one is used otherwise.
     */
    template?: string;
    retry?: Retry;
  };
}
/**
 * Write a tracking record per event (seed 002: status, success/failure counts, per-destination results, timestamps) to the state bucket under `tracking/<route>/`.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "Tracking".
 */
export interface Tracking {
  /**
   * Turn tracking on.
   */
  enabled?: boolean;
  retention?: Duration;
  retry?: Retry;
}
/**
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "OwnedQueue".
 */
export interface OwnedQueue {
  /**
   * Queue name.
   */
  name: string;
  /**
   * Receives before a message moves to the dead-letter queue.
   */
  maxReceiveCount?: number;
  retention?: Duration;
  consumerAccount?: AccountId;
}
/**
 * Transfer of objects that already exist (seed 003): `switchyard backfill` in-process, or a Step Functions Distributed Map on AWS.
 *
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "Batch".
 */
export interface Batch {
  /**
   * Where manifests (JSON lines) and reports are written: `s3://bucket/prefix/`.
   */
  manifests: string;
  /**
   * Objects transferred at once (Distributed Map MaxConcurrency).
   */
  concurrency?: number;
  /**
   * Share of failed objects the run tolerates before it counts as failed.
   */
  toleratedFailurePercent?: number;
  /**
   * Post-transfer validation: destination count against the manifest and sampled size/ETag checks.
   */
  validation?: {
    /**
     * Objects whose size and ETag are checked.
     */
    sample?: number;
  };
  /**
   * Also start runs over HTTPS (seed 003): a regional API Gateway REST API for the route, IAM (SigV4) auth only, whose `POST /runs` starts the state machine with the request body as the run's input (`{}`, or `{"prefix": "exports/2026/"}` as `switchyard backfill --on aws --prefix` gives) and answers with the execution's ARN. Callers need `execute-api:Invoke` on it; the stack's outputs give its URL.
   */
  api?: boolean;
  /**
   * EventBridge schedule expression for recurring runs on AWS.
   */
  schedule?: string;
  /**
   * Take the objects from the newest S3 Inventory report under this prefix instead of listing the source: `s3://bucket/prefix/source-bucket/config-id/` as the inventory configuration delivers it (dated folders holding manifest.json). CSV format, with the Size field (and ETag, LastModifiedDate for skip-existing). On AWS the Distributed Map reads it directly as its ItemReader (MANIFEST), so millions of objects never pass through the function; `switchyard backfill` reads it in-process. Objects created after the report are not copied.
   */
  inventory?: string;
  /**
   * Objects per Lambda invocation in the Distributed Map (ItemBatcher).
   */
  batchSize?: number;
  /**
   * Where the run's report is announced when it completes (success or failure).
   */
  notify?: {
    /**
     * SNS topic name (created by the stack) or ARN.
     */
    sns?: string;
  };
}
/**
 * This interface was referenced by `Route`'s JSON-Schema
 * via the `definition` "ActionCommon".
 */
export interface ActionCommon {
  /**
   * Name of the action in logs, metrics and de-duplication markers (default: type and position, e.g. `copy-1`).
   */
  id?: string;
  when?: Expression;
  retry?: Retry;
  /**
   * Most of this action's destinations worked on at once.
   */
  concurrency?: number;
}
