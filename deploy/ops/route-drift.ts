/**
 * Do the deployed routes match the local ones? The deployed route files are read out of the
 * router bundle the stack runs (its code parameters name the zip; `route-sources.json` beside
 * the code holds the files its routes were built from), the local ones are what
 * `deploy` would embed; a route differs when its file or a template it names differs.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { loadRoutes } from '../../engine/load/load-routes.ts';
import { routeSetFromFiles } from '../../engine/load/route-set.ts';
import { errorMessage } from '../../engine/errors.ts';
import type { DeployedStack } from './deployment.ts';
import { ROUTE_SOURCES_FILE } from '../bundle.ts';
import { OpsError } from './errors.ts';
import { readZipEntry } from './read-zip.ts';

export type RouteState = 'same' | 'changed' | 'not-deployed' | 'deployed-only';

export interface RouteDrift {
  route: string;
  state: RouteState;
  /** What differs, for `changed`: the route file, or the templates it names. */
  detail?: string;
}

export type EmbeddedFiles = Record<string, string>;

export async function deployedRouteFiles(s3: S3Client, stack: DeployedStack): Promise<EmbeddedFiles | undefined> {
  if (!stack.code) return undefined;
  let zip: Buffer;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: stack.code.bucket, Key: stack.code.key }));
    zip = Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array());
  } catch (error) {
    throw new OpsError('SY403', `could not read the router bundle s3://${stack.code.bucket}/${stack.code.key} of stack ${stack.name}: ${errorMessage(error)}`, { cause: error });
  }
  const sources = readZipEntry(zip, ROUTE_SOURCES_FILE);
  if (!sources) throw new OpsError('SY403', `the router bundle s3://${stack.code.bucket}/${stack.code.key} of stack ${stack.name} has no ${ROUTE_SOURCES_FILE}: it was built by an older switchyard; deploy again to compare routes`);
  return JSON.parse(sources.toString('utf8')) as EmbeddedFiles;
}

interface NamedRoute {
  file: string;
  text: string;
  /** Template files (embedded paths) this route's definition names. */
  templates: string[];
}

/** The names of the routes a bundle's files define. */
export function routeNamesIn(files: EmbeddedFiles): string[] {
  return [...routesByName(files).keys()];
}

function routesByName(files: EmbeddedFiles): Map<string, NamedRoute> {
  const templates = Object.keys(files).filter((f) => f.startsWith('routes/templates/'));
  const loaded = loadRoutes(routeSetFromFiles(files));
  const byName = new Map<string, NamedRoute>();
  for (const route of loaded.routes) {
    const definition = JSON.stringify(route.definition);
    byName.set(route.name, {
      file: route.file,
      text: files[route.file] ?? files[`routes/${route.file.split('/').pop() ?? ''}`] ?? definition,
      templates: templates.filter((t) => definition.includes(t.slice('routes/'.length))),
    });
  }
  return byName;
}

/**
 * Per route, deployed against local. Routes deployed in no stack of the deployment are
 * `not-deployed`; `deployed` is the union of what the stacks run.
 */
export function compareRoutes(deployed: EmbeddedFiles, local: EmbeddedFiles): RouteDrift[] {
  const there = routesByName(deployed);
  const here = routesByName(local);
  const drift: RouteDrift[] = [];
  for (const [name, route] of [...there].sort(([a], [b]) => a.localeCompare(b))) {
    const mine = here.get(name);
    if (!mine) {
      drift.push({ route: name, state: 'deployed-only', detail: `deployed from ${route.file}, no local route of that name` });
      continue;
    }
    const changedTemplates = [...new Set([...route.templates, ...mine.templates])].filter((t) => deployed[t] !== local[t]);
    if (route.text !== mine.text) drift.push({ route: name, state: 'changed', detail: `${mine.file} differs from the deployed copy` });
    else if (changedTemplates.length > 0) drift.push({ route: name, state: 'changed', detail: `template ${changedTemplates.join(', ')} differs from the deployed copy` });
    else drift.push({ route: name, state: 'same' });
  }
  for (const name of [...here.keys()].sort()) {
    if (!there.has(name)) drift.push({ route: name, state: 'not-deployed', detail: `${here.get(name)?.file ?? name} is not in this deployment` });
  }
  return drift;
}
