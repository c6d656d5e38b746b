/**
 * The shapes the CloudFormation generator works with. Each part of the template (function,
 * IAM, triggers, queues, …) is a `TemplatePart`: it looks at the routes and returns the
 * resources, outputs and function-role statements it needs; `template.ts` merges them.
 */
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import type { DeployedIdStems } from './deployed-ids.ts';

/** A CloudFormation value: literal JSON, or an intrinsic such as `{ "Fn::Sub": "…" }`. */
export type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue };

export interface CfnResource {
  Type: string;
  Properties?: { [key: string]: CfnValue };
  DependsOn?: string[];
  DeletionPolicy?: 'Delete' | 'Retain' | 'Snapshot';
  UpdateReplacePolicy?: 'Delete' | 'Retain' | 'Snapshot';
}

export interface CfnOutput {
  Description: string;
  Value: CfnValue;
  Export?: { Name: CfnValue };
}

export interface CfnParameter {
  Type: 'String' | 'Number';
  Description: string;
  Default?: string;
  MinLength?: number;
}

export interface CfnTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  /** A function stack's source buckets, for deploy to see buckets move between shards (deploy/bucket-moves.ts). */
  Metadata?: { Switchyard: SourceBucketsMetadata };
  Parameters: Record<string, CfnParameter>;
  Resources: Record<string, CfnResource>;
  Outputs: Record<string, CfnOutput>;
}

export interface SourceBucketsMetadata {
  /** Every source bucket of the stack's routes. */
  sourceBuckets: string[];
  /** Those whose S3 notifications go to an intake queue of this stack (trigger: s3-notification). */
  notifiedBuckets: string[];
}

/**
 * One IAM statement of the function's role. `Resource` entries are `Fn::Sub` strings
 * (`arn:${AWS::Partition}:s3:::bucket/*`, `${OwnedQueue.Arn}`): tests compare them as text,
 * and the template wraps each in `Fn::Sub` when it holds a `${…}`.
 */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface FunctionSettings {
  /** MB. */
  memorySize: number;
  /** Seconds; at most 900 (Lambda's limit). */
  timeoutSeconds: number;
  /** Per function (each shard has one); 0 reserves none. */
  reservedConcurrency: number;
  logRetentionDays: number;
}

export interface GenerateOptions {
  /** Prefix of every physical name the stack sets (role, function, trigger queues, alarms topic). Default `switchyard`. */
  stackName?: string;
  /** Account the stack is deployed to; only the policy snippets for other accounts need it. */
  deployAccount?: string;
  /** Region the stack is deployed to; only the bucket notification snippets need it. */
  region?: string;
  /** Partition for the snippets other accounts apply (`aws`, `aws-us-gov`, `aws-cn`). */
  partition?: string;
  function?: Partial<FunctionSettings>;
  /**
   * The deployed template of each stack of the deployment (stack name → template text, as
   * CloudFormation's GetTemplate gives it). Where a stack already gave a source bucket or queue
   * a logical id, it keeps that id (names.ts uniqueIdStems); without them, ids follow from the
   * routes alone.
   */
  deployedTemplates?: ReadonlyMap<string, string>;
}

/**
 * Which stack a template is for: `standalone` holds everything (one stack, as before sharding);
 * `core` holds what every shard shares (state bucket, alarms topic, notification topics);
 * `shard` holds the function, triggers, queues and state machines of some source buckets.
 */
export type StackLayout = 'standalone' | 'core' | 'shard';

export type PatternDetail = 'keys' | 'shared-prefix' | 'buckets';

/** Options with every default filled in, plus the routes: what every part is given. */
export interface GeneratorContext {
  routes: CompiledRoute[];
  /** This stack's name: the prefix of the physical names it sets (function, role, trigger queues). */
  stackName: string;
  /** The deployment's name (`--stack`): shared physical names (state bucket, alarms topic, state machines) derive from it. */
  deploymentName: string;
  layout: StackLayout;
  /**
   * How much of the routes' key filters EventBridge patterns carry: all of them (`keys`, the
   * default), each bucket's longest shared prefix (`shared-prefix`), or none (`buckets`). A
   * deployment falls back when the finer patterns would need more rules than a bus takes.
   */
  patternDetail?: PatternDetail;
  deployAccount: string;
  region: string;
  partition: string;
  function: FunctionSettings;
  /** What each stack's deployed template says of its logical ids (GenerateOptions.deployedTemplates), by stack name. */
  deployed?: ReadonlyMap<string, DeployedIdStems>;
}

export interface PartOutput {
  resources: Record<string, CfnResource>;
  outputs: Record<string, CfnOutput>;
  /** Statements the function's role needs because of this part (e.g. reading its trigger queues). */
  statements: PolicyStatement[];
  /** What gave each id made from a name in the routes (id-owners.ts); Switchyard's own fixed ids have none. */
  owners?: IdOwners;
}

/** `queue x-notification`, `the intake queue of bucket x` …, by section and logical id. */
export interface IdOwners {
  resources: Record<string, string>;
  outputs: Record<string, string>;
}

/** A pluggable piece of the template (a later `state-machine.ts` is one more of these). */
export type TemplatePart = (context: GeneratorContext) => PartOutput;

export function emptyPart(): PartOutput {
  return { resources: {}, outputs: {}, statements: [] };
}
