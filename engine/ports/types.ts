/**
 * The side-effect ports. The pipeline talks to the world only through these, so the Lambda
 * (AWS SDK adapters), dry-run (a recorder) and local mode (directories) share one code path.
 */

/** Credentials to use for one call: the container's own, or an assumed role. */
export interface Access {
  roleArn?: string;
  externalId?: string;
  /** Session name shown in CloudTrail; defaults to `switchyard`. */
  sessionName?: string;
}

export interface ObjectRef {
  bucket: string;
  key: string;
  versionId?: string;
}

export interface ObjectHead {
  size: number;
  eTag: string;
  contentType?: string;
  metadata: Record<string, string>;
  lastModified?: Date;
  versionId?: string;
  /** How S3 says the object is encrypted (`AES256`, `aws:kms`, `aws:kms:dsse`), where it says. */
  encryption?: string;
}

export interface CopyRequest {
  source: ObjectRef;
  destination: { bucket: string; key: string };
  /** Role used to read the source; by default the same as `destinationAccess`. */
  sourceAccess?: Access;
  /** Role used for the copy calls themselves (server-side copy runs as the writer). */
  destinationAccess?: Access;
  /** SSE-KMS key for the destination object. */
  kmsKeyId?: string;
  /** `bucket-owner-full-control` when the destination bucket belongs to another account. */
  acl?: 'bucket-owner-full-control';
  /** Bytes at or above which the copy uses multipart UploadPartCopy. */
  multipartThreshold: number;
  partSize: number;
  /** Parallel UploadPartCopy calls for one object. */
  partConcurrency: number;
  /** Extra user metadata to add (e.g. the loop marker), on top of the source's own. */
  addMetadata?: Record<string, string>;
  /** Already known from the event/listing; saves a HeadObject. */
  sourceHead?: ObjectHead;
}

export interface CopyResult {
  method: 'copy' | 'multipart';
  bytes: number;
  parts?: number;
  eTag?: string;
}

export interface ListedObject {
  key: string;
  size: number;
  eTag: string;
  lastModified?: string;
}

export interface ListPage {
  objects: ListedObject[];
  /** With a delimiter: the "folders" one level down. A port without delimiter support lists everything in `objects` and leaves this out. */
  prefixes?: string[];
  nextToken?: string;
}

/** The algorithms S3 keeps object checksums in. */
export type ChecksumAlgorithm = 'CRC64NVME' | 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256' | 'SHA512' | 'MD5' | 'XXHASH64' | 'XXHASH3' | 'XXHASH128';

/** An object's checksums as S3 gives them (base64), by algorithm. */
export interface ObjectChecksums {
  /** FULL_OBJECT: of the whole object, whatever its parts; COMPOSITE: of the parts' checksums (a value ending `-N`). */
  type?: 'FULL_OBJECT' | 'COMPOSITE';
  values: Partial<Record<ChecksumAlgorithm, string>>;
}

/** A HeadObject with ChecksumMode ENABLED: the head, and the checksums S3 keeps for the object. */
export interface ObjectHeadWithChecksums extends ObjectHead {
  checksums: ObjectChecksums;
}

export interface StoragePort {
  head(ref: ObjectRef, access?: Access): Promise<ObjectHead | undefined>;
  /** head with the object's checksums; undefined when there is no object. An SSE-KMS object's checksums take kms:Decrypt. */
  headWithChecksums(ref: ObjectRef, access?: Access): Promise<ObjectHeadWithChecksums | undefined>;
  getTags(ref: ObjectRef, access?: Access): Promise<Record<string, string>>;
  getBody(ref: ObjectRef, access?: Access): Promise<Buffer>;
  copy(request: CopyRequest): Promise<CopyResult>;
  put(bucket: string, key: string, body: string | Buffer, contentType?: string, access?: Access): Promise<void>;
  /** Writes only when nothing is at the key (S3 `If-None-Match: *`); false when something already was. */
  putIfAbsent(bucket: string, key: string, body: string, access?: Access): Promise<boolean>;
  /** The body and its ETag from one read, for a conditional write that must name what it read. */
  getBodyAndETag(ref: ObjectRef, access?: Access): Promise<{ body: Buffer; eTag: string }>;
  /** Replaces the object only while its ETag is still `eTag` (S3 `If-Match`); false when it changed or vanished meanwhile. */
  putIfMatch(bucket: string, key: string, body: string, eTag: string, access?: Access): Promise<boolean>;
  list(bucket: string, prefix: string, token?: string, access?: Access, delimiter?: string): Promise<ListPage>;
}

export interface ParameterPort {
  /** Values of the named parameters; names that do not exist are absent from the map. Any number of names. */
  getParameters(names: string[]): Promise<Map<string, string>>;
}

export interface QueueMessage {
  /** Queue URL, or queue name in the caller's account. */
  queue: string;
  body: string;
  groupId?: string;
  deduplicationId?: string;
  attributes?: Record<string, string>;
  access?: Access;
}

export interface QueuePort {
  send(message: QueueMessage): Promise<{ messageId: string }>;
}

export interface EmailMessage {
  from: string;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  contactList?: string;
  topic?: string;
  access?: Access;
}

export interface EmailPort {
  /** Addresses on the contact list that opted in to the topic (or to the list, without a topic). */
  listContacts(contactList: string, topic: string | undefined, access?: Access): Promise<string[]>;
  send(message: EmailMessage): Promise<{ messageId: string }>;
}

export interface NotificationPort {
  /** Publish to an SNS topic (name in the caller's account, or ARN). */
  publish(topic: string, subject: string, message: string): Promise<{ messageId: string }>;
}

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** Everything the pipeline may touch. */
export interface Ports {
  /**
   * True where reads are answered from fixtures that need not mention every object (dry-run,
   * route tests, impact): an object they do not hold is "not given", never "deleted after the event".
   */
  partialWorld?: boolean;
  storage: StoragePort;
  parameters: ParameterPort;
  queues: QueuePort;
  email: EmailPort;
  notifications: NotificationPort;
  clock: Clock;
}
