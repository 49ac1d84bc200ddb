import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql must be one module instance, the CommonJS one that Node (and @apollo/*) load; Vite
  // would pick its .mjs build for our code, and graphql's `instanceof` checks fail across the two.
  resolve: { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          // Starts PostgreSQL and Kafka once for the run (test/support/global-setup.ts).
          globalSetup: ['test/support/global-setup.ts'],
          // Node's warnings as the service logs them (kafkajs#1751's negative timer at debug).
          setupFiles: ['test/support/process-warnings.ts'],
          // Integration tests wait on real services; a hook may start a broker.
          testTimeout: 60_000,
          hookTimeout: 180_000,
          pool: 'forks',
        },
      },
    ],
  },
});
