import { defineConfig } from 'tsup';
import { libraryBuild } from '../../scripts/tsup-preset';

export default defineConfig([
  // Node (ESM + CJS): saveModel/loadModel and checkpoints use node:fs.
  // The worker script of data-parallel training is an entry of its own.
  libraryBuild({
    platform: 'node',
    entry: { index: 'src/index.ts', 'parallel-worker': 'src/parallel-worker.ts' },
  }),
  // Browser (ESM): the same API without any node: import; the file-based functions throw.
  libraryBuild({
    entry: { index: 'src/browser.ts' },
    format: ['esm'],
    platform: 'browser',
    outDir: 'dist/browser',
  }),
]);
