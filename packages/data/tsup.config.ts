import { defineConfig } from 'tsup';
import { libraryBuild } from '../../scripts/tsup-preset';

export default defineConfig([
  // Node (ESM + CJS): file paths, node:zlib, and the mnist package read from disk. The
  // CommonJS build gets an `import.meta.url` shim for locating the mnist package.
  libraryBuild({ platform: 'node', shims: true }),
  // Browser (ESM): no Node built-ins; gzip through fflate, the mnist digits through the
  // application's bundler.
  libraryBuild({
    entry: { index: 'src/browser.ts' },
    format: ['esm'],
    platform: 'browser',
    outDir: 'dist/browser',
  }),
]);
