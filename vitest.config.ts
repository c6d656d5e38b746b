import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ when stale: CLI tests run bin/switchyard.mjs, which runs the build.
    globalSetup: ['test/support/build-dist.ts'],
    // Integration files each start their own moto server; two cores, so two at a time.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // See bin/switchyard.mjs: the SDK's Node 22 notice would repeat in every test file's output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
