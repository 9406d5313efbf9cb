import { defineConfig } from 'vite';
import { mnistAsset } from './build/mnist-asset.ts';

/**
 * Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, which the threaded
 * WASM binary of tfjs needs. Sent by both the dev server and the preview server.
 */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative URLs: the built site works from any folder of any static server.
  base: './',
  plugins: [mnistAsset()],
  // tfjs starts WASM threads from the source text of its module factory
  // (`factory.toString()` in a Blob); a minifier's renamed helpers are missing there, so the
  // worker, which holds tfjs, is not minified. The page's own code is.
  worker: { format: 'es', rolldownOptions: { output: { minify: false } } },
  build: { target: 'es2022', assetsInlineLimit: 0 },
  server: { headers: isolation },
  preview: { headers: isolation },
});
