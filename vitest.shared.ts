import { defineConfig } from 'vitest/config';

/**
 * Tests import sibling packages through the `@aekit/source` export condition, so they run
 * against `src/` without a build. Files run one after another in a single fork: tfjs keeps one
 * global engine per process, and the machine has two cores.
 */
const conditions = ['@aekit/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@aekit/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
