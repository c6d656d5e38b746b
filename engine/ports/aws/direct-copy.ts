/**
 * CopyObject as one SigV4-signed HTTP request, without the SDK's middleware stack: for bulk
 * copies (backfill), where the client's CPU per request decides the rate. On the 2-core bench
 * machine the SDK spends 2.5–4 ms of CPU on each CopyObject (endpoint rules, schema serde,
 * retry and logging middleware, XML parsing); this path spends about 1 ms, with the same
 * signer (@smithy/signature-v4), the same credentials (the client's own provider, so assumed
 * roles and their refresh work as before) and the same errors (code, HTTP status) for
 * classify.ts.
 *
 * It only addresses what it can address exactly like the SDK: a custom endpoint given to the
 * client (path-style, as AwsClientSet configures S3 for one), or the standard `aws` partition
 * without FIPS, dual-stack, acceleration or an endpoint configured in the environment or
 * profile, with virtual-hosted buckets whose names have no dots. Anything else answers
 * `undefined` and the caller sends the request through the SDK.
 */
import http from 'node:http';
import https from 'node:https';
import type { S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';
import { encodeKeyPath } from './copy-source.ts';
import { NodeSha256 } from './node-sha256.ts';

export interface DirectCopyInput {
  bucket: string;
  key: string;
  /** The `x-amz-copy-source` value (copy-source.ts). */
  copySource: string;
  kmsKeyId?: string;
  acl?: string;
}

/** What S3 answered, or that the request was not sent (`undefined` from `copy`). */
export interface DirectCopyResult {
  eTag?: string;
}

/** The SDK's shape for a service error, so classify.ts reads both alike. */
export class DirectS3Error extends Error {
  readonly Code: string;
  readonly $metadata: { httpStatusCode: number; requestId?: string };
  readonly $fault: 'client' | 'server';
  constructor(code: string, message: string, status: number, requestId?: string) {
    super(message);
    this.name = code;
    this.Code = code;
    this.$metadata = { httpStatusCode: status, ...(requestId !== undefined ? { requestId } : {}) };
    this.$fault = status >= 500 ? 'server' : 'client';
  }
}

/** SHA-256 of an empty body: CopyObject sends none. */
const EMPTY_PAYLOAD = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** A request with no answer for this long fails as a network error the retry policy retries. */
const SOCKET_TIMEOUT_MS = 120_000;
/** Partitions other than `aws` have their own domains and rules: the SDK addresses those. */
const OTHER_PARTITION = /^(cn|us-gov|us-iso[a-z]*|eu-iso[a-z]*)-/;
const VIRTUAL_HOSTED_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export interface Addressing {
  /** Custom endpoint (path-style), or undefined for the standard `aws` partition in `region`. */
  endpoint?: URL;
  region: string;
}

export class DirectCopier {
  readonly #s3: S3Client;
  readonly #endpoint: string | undefined;
  #addressing?: Promise<Addressing | undefined>;
  #signer?: SignatureV4;
  readonly #agents = { http: new http.Agent({ keepAlive: true, maxSockets: 512 }), https: new https.Agent({ keepAlive: true, maxSockets: 512 }) };

  /** `endpoint`: the custom endpoint the client was configured with (AwsConfig.endpoint), if any. */
  constructor(s3: S3Client, endpoint: string | undefined) {
    this.#s3 = s3;
    this.#endpoint = endpoint;
  }

  /** Copies with MetadataDirective and TaggingDirective COPY; `undefined` when the SDK must send this one. */
  async copy(input: DirectCopyInput): Promise<DirectCopyResult | undefined> {
    const addressing = await (this.#addressing ??= this.addressing());
    if (addressing === undefined) return undefined;
    const target = directCopyTarget(addressing, input.bucket, input.key);
    if (target === undefined) return undefined;
    this.#signer ??= new SignatureV4({
      service: 's3',
      region: addressing.region,
      credentials: this.#s3.config.credentials as Provider<AwsCredentialIdentity>,
      sha256: NodeSha256,
      // S3 signs the path as sent: encoded once, never normalised.
      uriEscapePath: false,
      applyChecksum: false,
    });
    const signed = await this.#signer.sign({
      method: 'PUT',
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port !== undefined ? { port: target.port } : {}),
      path: target.path,
      query: {},
      headers: {
        host: target.host,
        'content-length': '0',
        'x-amz-content-sha256': EMPTY_PAYLOAD,
        'x-amz-copy-source': input.copySource,
        'x-amz-metadata-directive': 'COPY',
        'x-amz-tagging-directive': 'COPY',
        ...(input.kmsKeyId !== undefined ? { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': input.kmsKeyId } : {}),
        ...(input.acl !== undefined ? { 'x-amz-acl': input.acl } : {}),
      },
    });
    const answer = await this.send(target, signed.headers);
    return answerOf(answer);
  }

  /** Closes the sockets kept alive. */
  destroy(): void {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  private async addressing(): Promise<Addressing | undefined> {
    const config = this.#s3.config;
    const region = await config.region();
    if (this.#endpoint !== undefined) return { endpoint: new URL(this.#endpoint), region };
    // An endpoint from AWS_ENDPOINT_URL(_S3) or a profile's endpoint_url, acceleration, FIPS, dual-stack: the SDK's rules decide those.
    const configured = config.ignoreConfiguredEndpointUrls ? undefined : await config.serviceConfiguredEndpoint?.();
    if (configured !== undefined || config.useAccelerateEndpoint) return undefined;
    if (OTHER_PARTITION.test(region) || (await config.useFipsEndpoint()) || (await config.useDualstackEndpoint())) return undefined;
    return { region };
  }

  private send(target: DirectTarget, headers: Record<string, string>): Promise<{ status: number; body: string; requestId?: string }> {
    const transport = target.protocol === 'https:' ? https : http;
    const agent = target.protocol === 'https:' ? this.#agents.https : this.#agents.http;
    const options = { protocol: target.protocol, hostname: target.hostname, ...(target.port !== undefined ? { port: target.port } : {}), path: target.path, method: 'PUT', headers, agent };
    return new Promise((resolve, reject) => {
      const request = transport.request(options, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => void (body += chunk));
        response.on('error', reject);
        response.on('end', () => {
          const requestId = response.headers['x-amz-request-id'];
          resolve({ status: response.statusCode ?? 0, body, ...(typeof requestId === 'string' ? { requestId } : {}) });
        });
      });
      request.setTimeout(SOCKET_TIMEOUT_MS, () => {
        const timeout = new Error(`no answer from ${target.host} within ${SOCKET_TIMEOUT_MS / 1000} s`);
        timeout.name = 'TimeoutError';
        request.destroy(timeout);
      });
      request.on('error', reject);
      request.end();
    });
  }
}

/** Where a CopyObject request goes. The path is kept as a string, exactly as signed and sent. */
export interface DirectTarget {
  protocol: 'http:' | 'https:';
  hostname: string;
  port?: number;
  /** `host` header: the hostname, with the port when it is not the protocol's default. */
  host: string;
  path: string;
}

/**
 * Where the request goes: path-style on a custom endpoint, virtual-hosted on AWS; undefined
 * where only the SDK knows. Never through a WHATWG URL for the key: it would resolve `.` and
 * `..` segments (also `%2E`), and `a/../b` would be written to `b`.
 */
export function directCopyTarget(addressing: Addressing, bucket: string, key: string): DirectTarget | undefined {
  const path = encodeKeyPath(key);
  if (addressing.endpoint !== undefined) {
    const endpoint = addressing.endpoint;
    const base = endpoint.pathname.replace(/\/$/, '');
    const protocol = endpoint.protocol === 'https:' ? 'https:' : 'http:';
    return { protocol, hostname: endpoint.hostname, ...(endpoint.port !== '' ? { port: Number(endpoint.port) } : {}), host: endpoint.host, path: `${base}/${bucket}/${path}` };
  }
  if (!VIRTUAL_HOSTED_BUCKET.test(bucket)) return undefined;
  const hostname = `${bucket}.s3.${addressing.region}.amazonaws.com`;
  return { protocol: 'https:', hostname, host: hostname, path: `/${path}` };
}

/**
 * CopyObject can fail after its 200 status line went out: the error is then in the body, as
 * the SDK also checks. Anything but a CopyObjectResult is an error.
 */
function answerOf(answer: { status: number; body: string; requestId?: string }): DirectCopyResult {
  const ok = answer.status >= 200 && answer.status < 300 && !answer.body.includes('<Error>');
  if (ok) {
    const eTag = xmlText(answer.body, 'ETag');
    return eTag !== undefined ? { eTag } : {};
  }
  const code = xmlText(answer.body, 'Code') ?? (answer.status === 404 ? 'NotFound' : `HTTP${answer.status}`);
  const message = xmlText(answer.body, 'Message') ?? `HTTP ${answer.status}`;
  // A 200 whose body is an error is a failure on S3's side, as the SDK treats it.
  const status = answer.status >= 200 && answer.status < 300 ? 500 : answer.status;
  throw new DirectS3Error(code, message, status, answer.requestId);
}

const ENTITIES: Record<string, string> = { '&quot;': '"', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&apos;': "'" };

function xmlText(body: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(body);
  return match?.[1]?.replace(/&(quot|amp|lt|gt|apos);/g, (entity) => ENTITIES[entity] ?? entity);
}
