import { defineConfig } from 'tsup';
import { libraryBuild } from '../../scripts/tsup-preset';

export default defineConfig([
  // Node (ESM + CJS): saveModel/loadModel and checkpoints use node:fs.
  libraryBuild({ platform: 'node' }),
  // Browser (ESM): the same API without any node: import; the file-based functions throw.
  libraryBuild({
    entry: { index: 'src/browser.ts' },
    format: ['esm'],
    platform: 'browser',
    outDir: 'dist/browser',
  }),
]);
