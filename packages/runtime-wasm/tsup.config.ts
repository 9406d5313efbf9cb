import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig } from 'tsup';
import { libraryBuild } from '../../scripts/tsup-preset';

const require = createRequire(import.meta.url);
const wasmFiles = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

/** The browser build loads the WASM binaries from `dist/browser/wasm/` next to itself. */
function copyWasmBinaries(): void {
  const source = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const target = join('dist', 'browser', 'wasm');
  mkdirSync(target, { recursive: true });
  for (const file of wasmFiles) copyFileSync(join(source, 'dist', file), join(target, file));
}

export default defineConfig([
  // Node (ESM + CJS): tfjs-core's ESM gradient registrations are bundled in, because Node
  // cannot load them from tfjs-core itself (extension-less ESM imports).
  libraryBuild({
    entry: ['src/index.ts', 'src/internal.ts'],
    platform: 'node',
    noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
  }),
  // Browser (ESM): the application's bundler resolves every tfjs import itself.
  libraryBuild({
    entry: { index: 'src/browser.ts', internal: 'src/internal.ts' },
    format: ['esm'],
    platform: 'browser',
    outDir: 'dist/browser',
    onSuccess: async () => copyWasmBinaries(),
  }),
]);
