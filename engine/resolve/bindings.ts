/**
 * The JSONata environment of one route for one event: the event's fields, the lookups as
 * async functions ($ssm, $ssmList, $s3json, $objectJson, $objectText), tags and tables.
 * $ssm and $ssmList take one name or a list of names: `$ssmList(['/a', '/b'])` is the
 * comma-separated values of both, in order, fetched together.
 */
import { ActionError } from '../errors.ts';
import type { CompiledRoute, CompiledTable } from '../load/compiled-route.ts';
import type { Access, Ports } from '../ports/types.ts';
import type { Bindings } from './evaluate.ts';
import type { LookupCache } from './lookup-cache.ts';
import type { ObjectFacts } from './object-facts.ts';
import type { ParameterBatcher } from './parameter-batcher.ts';

export interface LookupDeps {
  ports: Ports;
  cache: LookupCache;
  parameters: ParameterBatcher;
  /** How long SSM values and S3 JSON objects are reused. */
  lookupTtlMs: number;
}

export function sourceAccess(route: CompiledRoute): Access | undefined {
  const role = route.definition.source.assumeRole;
  if (!role) return undefined;
  return { roleArn: role.arn, ...(role.externalId ? { externalId: role.externalId } : {}) };
}

function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match?.[1] || !match[2]) throw new ActionError('RouteError', `'${uri}' is not an s3://bucket/key URI`, 'config');
  return { bucket: match[1], key: match[2] };
}

export function ssmValue(deps: LookupDeps, name: string, ttlMs: number = deps.lookupTtlMs): Promise<string> {
  return deps.cache.get(`ssm:${name}`, ttlMs, async () => {
    const value = await deps.parameters.get(name);
    if (value === undefined) {
      throw new ActionError('ParameterNotFound', `SSM parameter ${name} does not exist: create it, or fix the mapping that names it`, 'config');
    }
    return value;
  });
}

export function s3Json(deps: LookupDeps, uri: string, ttlMs: number): Promise<unknown> {
  return deps.cache.get(`s3json:${uri}`, ttlMs, async () => {
    const { bucket, key } = parseS3Uri(uri);
    let body: Buffer;
    try {
      body = await deps.ports.storage.getBody({ bucket, key });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ActionError('ConfigNotReadable', `configuration ${uri} could not be read: ${reason}`, 'config', {}, { cause: error });
    }
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch (error) {
      throw new ActionError('ConfigNotJson', `configuration ${uri} is not valid JSON: ${(error as Error).message}`, 'config');
    }
  });
}

async function tableValue(deps: LookupDeps, table: CompiledTable): Promise<unknown> {
  if (table.table.static !== undefined) return table.table.static;
  if (table.table.s3json) return s3Json(deps, table.table.s3json, table.ttlMs);
  const name = table.table.ssm ?? '';
  const text = await ssmValue(deps, name, table.ttlMs);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ActionError('ConfigNotJson', `SSM parameter ${name} (table '${table.name}') is not valid JSON`, 'config');
  }
}

export async function routeBindings(route: CompiledRoute, facts: ObjectFacts, deps: LookupDeps): Promise<Bindings> {
  const event = facts.event;
  const access = sourceAccess(route);
  const bindings: Bindings = {
    bucket: event.bucket,
    key: event.key,
    size: event.size,
    etag: event.eTag,
    versionId: event.versionId,
    eventTime: event.eventTime,
    eventName: event.eventName,
    event,
    route: route.name,
    destinationBuckets: event.destinationBuckets,
    // Given a list of names, every name is asked for at once, so the batcher fetches them in one
    // GetParameters round (≤ 10 names a call); JSONata's $map would ask one name at a time.
    ssm: (name: string | string[]) => (Array.isArray(name) ? Promise.all(name.map((n) => ssmValue(deps, String(n)))) : ssmValue(deps, String(name))),
    ssmList: async (name: string | string[]) =>
      (await Promise.all((Array.isArray(name) ? name : [name]).map((n) => ssmValue(deps, String(n))))).flatMap((value) =>
        value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      ),
    s3json: (uri: string) => s3Json(deps, String(uri), deps.lookupTtlMs),
    objectText: async () => (await facts.body(access)).toString('utf8'),
    objectJson: async () => {
      const text = (await facts.body(access)).toString('utf8');
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new ActionError('ObjectNotJson', `s3://${event.bucket}/${event.key} is not valid JSON: ${(error as Error).message}`, 'config');
      }
    },
  };
  if (route.needsTags) bindings.tags = await facts.tags(access);
  const tables = await Promise.all(route.tables.map(async (t) => [t.name, await tableValue(deps, t)] as const));
  for (const [name, value] of tables) bindings[name] = value;
  return bindings;
}
