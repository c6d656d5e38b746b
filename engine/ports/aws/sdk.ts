/**
 * The SDK packages other than S3, imported on first use: a function whose routes only copy
 * never loads SQS, SESv2, SNS, SSM or STS (the Lambda bundle gives each a chunk of its own,
 * read from disk only when imported). Call `loadSdk(name)` before touching the matching
 * client of an AwsClientSet. Deliberate per-process cache of the imported modules.
 */
import type * as Sesv2 from '@aws-sdk/client-sesv2';
import type * as Sns from '@aws-sdk/client-sns';
import type * as Sqs from '@aws-sdk/client-sqs';
import type * as Ssm from '@aws-sdk/client-ssm';
import type * as Sts from '@aws-sdk/client-sts';

export interface SdkModules {
  sesv2: typeof Sesv2;
  sns: typeof Sns;
  sqs: typeof Sqs;
  ssm: typeof Ssm;
  sts: typeof Sts;
}

export type SdkName = keyof SdkModules;

const importers: { [K in SdkName]: () => Promise<SdkModules[K]> } = {
  sesv2: () => import('@aws-sdk/client-sesv2'),
  sns: () => import('@aws-sdk/client-sns'),
  sqs: () => import('@aws-sdk/client-sqs'),
  ssm: () => import('@aws-sdk/client-ssm'),
  sts: () => import('@aws-sdk/client-sts'),
};

const loaded: Partial<SdkModules> = {};

export async function loadSdk<K extends SdkName>(name: K): Promise<SdkModules[K]> {
  const module = loaded[name] ?? (await importers[name]());
  loaded[name] = module;
  return module;
}

/** A package `loadSdk` has imported already; asking for another is a bug in the caller. */
export function loadedSdk<K extends SdkName>(name: K): SdkModules[K] {
  const module = loaded[name];
  if (!module) throw new Error(`@aws-sdk/client-${name} is used before loadSdk('${name}') imported it`);
  return module;
}
