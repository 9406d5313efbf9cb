import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// The build plugin's tests (build/) run too.
export default mergeConfig(
  shared,
  defineConfig({
    test: { include: ['src/**/*.test.ts', 'build/**/*.test.ts', 'test/**/*.test.ts'] },
  }),
);
