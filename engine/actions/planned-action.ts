/** An action with every destination resolved: what dry-run prints and what the executor carries out. */
import type { RetryPolicy } from '../retry.ts';
import type { Access } from '../ports/types.ts';
import type { SkipExisting } from '../load/compiled-route.ts';

export interface PlannedCopy {
  type: 'copy';
  actionId: string;
  bucket: string;
  key: string;
  sourceAccess?: Access;
  destinationAccess?: Access;
  /** SSE-KMS key of the copy. */
  kmsKey?: string;
  /** SSE-KMS key the source objects are encrypted with (route.source.kmsKey). */
  sourceKmsKey?: string;
  acl?: 'bucket-owner-full-control';
  multipartThreshold: number;
  partSize: number;
  partConcurrency: number;
  skipExisting: SkipExisting;
  /** False when no route watches the destination bucket: the copy needs no loop marker. */
  loopMarker?: boolean;
}

export interface PlannedMessage {
  type: 'sqs';
  actionId: string;
  queue: string;
  body: string;
  groupId?: string;
  deduplicationId?: string;
  access?: Access;
}

export interface PlannedEmail {
  type: 'email';
  actionId: string;
  from: string;
  to: string[];
  contactList?: string;
  topic?: string;
  subject: string;
  html?: string;
  text?: string;
  access?: Access;
}

export type PlannedAction = PlannedCopy | PlannedMessage | PlannedEmail;

export interface PlannedStep {
  action: PlannedAction;
  retry: RetryPolicy;
  /** Limit shared by the destinations of one action. */
  concurrency: number;
}

/** A destination the allow-list refused: reported, never written. */
export interface Refusal {
  actionId: string;
  type: PlannedAction['type'];
  destination: string;
  reason: string;
}

export function destinationOf(action: PlannedAction): string {
  switch (action.type) {
    case 'copy':
      return `s3://${action.bucket}/${action.key}`;
    case 'sqs':
      return action.queue;
    case 'email':
      return action.contactList ? `${action.contactList}${action.topic ? `/${action.topic}` : ''}` : action.to.join(', ');
  }
}

/** The role that reads a copy's source: its own, else the destination's (as CopyRequest takes it). */
export function sourceReader(copy: PlannedCopy): Access | undefined {
  return copy.sourceAccess ?? copy.destinationAccess;
}
