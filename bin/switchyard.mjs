#!/usr/bin/env node
// Entry point for `npx switchyard`: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

// The SDK warns on every run under Node 20 that its 2027 releases need Node 22. The CLI runs
// on Node 20 by design (the Lambda runs nodejs22.x); operators should not see it on each command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('../cli/switchyard.ts');
