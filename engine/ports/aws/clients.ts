/**
 * Builds the SDK clients for one set of credentials. Every client is created with
 * `maxAttempts: 1`: Switchyard's own retry policy (engine/retry.ts) owns retries, so the
 * attempt counts it reports are the real ones.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { STSClient } from '@aws-sdk/client-sts';
import { DirectCopier } from './direct-copy.ts';
import { loadedSdk } from './sdk.ts';

export interface AwsConfig {
  /** Defaults to the SDK's own resolution (AWS_REGION, profile). */
  region?: string;
  /** A local stand-in such as moto; S3 then uses path-style addressing. */
  endpoint?: string;
  /**
   * Send single-request copies as one signed request without the SDK's middleware
   * (direct-copy.ts): for bulk copies, where the client's CPU per request decides the rate.
   */
  directCopies?: boolean;
}

/** Static credentials, e.g. from an assumed role; structurally the SDK's AwsCredentialIdentity. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** The clients for one identity, each created on first use (all but S3 after `loadSdk`, see sdk.ts). */
export class AwsClientSet {
  #s3?: S3Client;
  #ssm?: SSMClient;
  #sqs?: SQSClient;
  #sesv2?: SESv2Client;
  #sns?: SNSClient;
  #sts?: STSClient;
  #direct?: DirectCopier;

  /** `credentials` undefined means the container's own (the SDK's default chain). */
  constructor(
    private readonly config: AwsConfig,
    private readonly credentials?: AwsCredentials,
  ) {}

  get s3(): S3Client {
    this.#s3 ??= new S3Client({ ...this.common(), forcePathStyle: this.config.endpoint !== undefined });
    return this.#s3;
  }
  /** The direct CopyObject path, when the config asks for it (AwsConfig.directCopies). */
  get directCopier(): DirectCopier | undefined {
    if (this.config.directCopies !== true) return undefined;
    this.#direct ??= new DirectCopier(this.s3, this.config.endpoint);
    return this.#direct;
  }
  get ssm(): SSMClient {
    this.#ssm ??= new (loadedSdk('ssm').SSMClient)(this.common());
    return this.#ssm;
  }
  get sqs(): SQSClient {
    this.#sqs ??= new (loadedSdk('sqs').SQSClient)(this.common());
    return this.#sqs;
  }
  get sesv2(): SESv2Client {
    this.#sesv2 ??= new (loadedSdk('sesv2').SESv2Client)(this.common());
    return this.#sesv2;
  }
  get sns(): SNSClient {
    this.#sns ??= new (loadedSdk('sns').SNSClient)(this.common());
    return this.#sns;
  }
  get sts(): STSClient {
    this.#sts ??= new (loadedSdk('sts').STSClient)(this.common());
    return this.#sts;
  }

  /** Closes the sockets of every client created so far. */
  destroy(): void {
    for (const client of [this.#s3, this.#ssm, this.#sqs, this.#sesv2, this.#sns, this.#sts, this.#direct]) client?.destroy();
  }

  private common(): { region?: string; endpoint?: string; credentials?: AwsCredentials; maxAttempts: number } {
    return {
      maxAttempts: 1,
      ...(this.config.region !== undefined ? { region: this.config.region } : {}),
      ...(this.config.endpoint !== undefined ? { endpoint: this.config.endpoint } : {}),
      ...(this.credentials !== undefined ? { credentials: this.credentials } : {}),
    };
  }
}

export function createAwsClients(config: AwsConfig, credentials?: AwsCredentials): AwsClientSet {
  return new AwsClientSet(config, credentials);
}
