/**
 * Turns an `Access` into clients: the container's own, or an assumed role (with ExternalId).
 * Deliberate per-container caches: credentials per (roleArn, externalId) until five minutes
 * before they expire, and clients per credentials identity.
 */
import type { Access } from '../types.ts';
import { createAwsClients, type AwsClientSet, type AwsConfig, type AwsCredentials } from './clients.ts';
import { toActionError } from './classify.ts';
import { loadSdk } from './sdk.ts';
import { accessId } from '../access-id.ts';

const REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000;
/**
 * Replaced clients stay open this long for the requests still on them (a copy, a send): closing
 * their sockets at once would fail those as network errors, and a send S3/SQS/SES had accepted
 * would be retried and delivered twice. Well inside the five minutes the credentials have left.
 */
const DRAIN_MS = 2 * 60 * 1000;
const ASSUMED_ROLE_SECONDS = 3600;

interface CachedRole {
  credentials: Promise<AwsCredentials>;
  /** Known once the promise settles; until then the entry is in flight and shared. */
  expiresAt?: number;
}

export class AccessResolver {
  readonly own: AwsClientSet;
  /** Per-container cache: assumed-role credentials by role and external id. */
  readonly #roles = new Map<string, CachedRole>();
  /** Per-container cache: clients by credentials identity (access key id). */
  readonly #clients = new Map<string, AwsClientSet>();

  constructor(
    private readonly config: AwsConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.own = createAwsClients(config);
  }

  async clientsFor(access?: Access): Promise<AwsClientSet> {
    if (access?.roleArn === undefined) return this.own;
    const credentials = await this.credentialsFor(access.roleArn, access.externalId, access.sessionName);
    let clients = this.#clients.get(credentials.accessKeyId);
    if (clients === undefined) {
      clients = createAwsClients(this.config, credentials);
      this.#clients.set(credentials.accessKeyId, clients);
    }
    return clients;
  }

  /**
   * Runs `call` (which uses the clients for `access`). Credentials of an assumed role refused as
   * expired mid-batch are dropped, the role is assumed again and the call made once more: once,
   * so a role that cannot be assumed for long enough fails with the reason instead of looping.
   */
  async retryExpired<T>(access: Access | undefined, call: () => Promise<T>): Promise<T> {
    const roleArn = access?.roleArn;
    const cacheKey = accessId(access);
    const used = this.#roles.get(cacheKey);
    try {
      return await call();
    } catch (error) {
      if (roleArn === undefined || !isExpiredCredentials(error)) throw error;
      // Parallel calls refused together drop the credentials once; the first to retry assumes again for all.
      // (A call that started before anything was cached drops whatever its own call cached.)
      const current = this.#roles.get(cacheKey);
      if (current !== undefined && (used === undefined || current === used)) {
        this.#roles.delete(cacheKey);
        this.forgetClients(current);
      }
      try {
        return await call();
      } catch (again) {
        if (!isExpiredCredentials(again)) throw again;
        const reason = again instanceof Error ? again.message : String(again);
        const refused = Object.assign(new Error(`expired mid-batch; the role was assumed again once and the new credentials were refused too: check the role's maximum session duration and the clock (${reason})`), { name: 'ExpiredToken', cause: again });
        throw toActionError(refused, { operation: `credentials of role ${roleArn}`, destination: roleArn });
      }
    }
  }

  /** Drops every cached credential and client (tests, or a container being recycled). */
  clear(): void {
    for (const clients of this.#clients.values()) clients.destroy();
    this.#clients.clear();
    this.#roles.clear();
  }

  private credentialsFor(roleArn: string, externalId: string | undefined, sessionName = 'switchyard'): Promise<AwsCredentials> {
    const cacheKey = accessId({ roleArn, ...(externalId !== undefined ? { externalId } : {}) });
    const cached = this.#roles.get(cacheKey);
    if (cached !== undefined && (cached.expiresAt === undefined || cached.expiresAt - REFRESH_BEFORE_EXPIRY_MS > this.now())) {
      return cached.credentials;
    }
    if (cached !== undefined) this.forgetClients(cached);
    const entry: CachedRole = { credentials: this.assume(roleArn, externalId, sessionName) };
    this.#roles.set(cacheKey, entry);
    entry.credentials.then(
      (credentials) => {
        entry.expiresAt = credentials.expiration?.getTime() ?? this.now() + ASSUMED_ROLE_SECONDS * 1000;
      },
      () => {
        if (this.#roles.get(cacheKey) === entry) this.#roles.delete(cacheKey);
      },
    );
    return entry.credentials;
  }

  /** New calls get new clients at once; the old ones close after DRAIN_MS. */
  private forgetClients(stale: CachedRole): void {
    void stale.credentials.then(
      (credentials) => {
        const clients = this.#clients.get(credentials.accessKeyId);
        this.#clients.delete(credentials.accessKeyId);
        if (clients) setTimeout(() => clients.destroy(), DRAIN_MS).unref();
      },
      () => undefined,
    );
  }

  private async assume(roleArn: string, externalId: string | undefined, sessionName: string): Promise<AwsCredentials> {
    try {
      const { AssumeRoleCommand } = await loadSdk('sts');
      const answer = await this.own.sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: sessionName,
          DurationSeconds: ASSUMED_ROLE_SECONDS,
          ...(externalId !== undefined ? { ExternalId: externalId } : {}),
        }),
      );
      const issued = answer.Credentials;
      if (issued?.AccessKeyId === undefined || issued.SecretAccessKey === undefined) {
        throw new Error('STS AssumeRole answered without credentials');
      }
      return {
        accessKeyId: issued.AccessKeyId,
        secretAccessKey: issued.SecretAccessKey,
        ...(issued.SessionToken !== undefined ? { sessionToken: issued.SessionToken } : {}),
        ...(issued.Expiration !== undefined ? { expiration: issued.Expiration } : {}),
      };
    } catch (error) {
      throw toActionError(error, { operation: `sts:AssumeRole ${roleArn}`, destination: roleArn });
    }
  }
}

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
/** What the SDK makes of an S3 HEAD answered 400: a HEAD has no body to say ExpiredToken in. */
const BODILESS_400 = new Set(['Unknown', 'BadRequest']);

function isExpiredCredentials(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; typeof current === 'object' && current !== null && depth < 4; depth++) {
    const e = current as { code?: unknown; name?: unknown; Code?: unknown; cause?: unknown; $metadata?: { httpStatusCode?: number } };
    const names = [e.code, e.name, e.Code].filter((name): name is string => typeof name === 'string');
    if (names.some((name) => EXPIRED.has(name))) return true;
    if (e.$metadata?.httpStatusCode === 400 && names.some((name) => BODILESS_400.has(name))) return true;
    current = e.cause;
  }
  return false;
}
