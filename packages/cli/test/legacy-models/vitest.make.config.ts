import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import shared from '../../../../vitest.shared.ts';

// Runs only the fixture script `make-legacy-models.ts` (see there), with the CLI's set-up.
export default defineConfig({
  ...shared,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    ...shared.test,
    include: ['test/legacy-models/make-legacy-models.ts'],
    setupFiles: ['./vitest.setup.ts'],
  },
});
