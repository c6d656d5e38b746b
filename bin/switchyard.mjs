#!/usr/bin/env node
// Entry point for `npx switchyard`: runs the compiled CLI in dist/ (built by scripts/build.mjs).

// The SDK warns on every run under Node 20 that its 2027 releases need Node 22. The CLI runs
// on Node 20 by design (the Lambda runs nodejs22.x); operators should not see it on each command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node ≥ 22.1 keeps the compiled CLI in its on-disk code cache, so later runs start faster; Node 20 has no such cache.
module.enableCompileCache?.();

const root = fileURLToPath(new URL('..', import.meta.url));
// Sources beside bin/ mean a development checkout (the package ships dist/ only): rebuild what is stale.
if (existsSync(`${root}/cli/switchyard.ts`)) {
  const { ensureFreshDist } = await import('./dist-freshness.mjs');
  await ensureFreshDist(root, (line) => process.stderr.write(`${line}\n`));
}
await import('../dist/cli/switchyard.js');
