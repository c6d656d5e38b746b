/**
 * vitest globalSetup: tests run the CLI as `node bin/switchyard.mjs`, which runs dist/. Build it
 * once here when a source changed, before the workers start, so parallel test files never race
 * to rebuild it (bin/dist-freshness.mjs).
 */
import { fileURLToPath } from 'node:url';
import { ensureFreshDist } from '../../bin/dist-freshness.mjs';

export default async function setup(): Promise<void> {
  await ensureFreshDist(fileURLToPath(new URL('../../', import.meta.url)));
}
