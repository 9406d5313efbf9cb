import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import './register-gradients';
import { describeRuntime, type RuntimeInfo } from './runtime-info';
import { type InitBackendOptions, startBackend } from './start-backend';

export { assertKernels } from './assert-kernels';
export type { RuntimeInfo } from './runtime-info';
export type { BackendName } from './start-backend';

/** The three WASM binaries tfjs chooses between (plain, SIMD, SIMD + threads). */
export type WasmFileName =
  | 'tfjs-backend-wasm.wasm'
  | 'tfjs-backend-wasm-simd.wasm'
  | 'tfjs-backend-wasm-threaded-simd.wasm';

/** Options of the browser `initBackend`. */
export interface BrowserInitBackendOptions extends InitBackendOptions {
  /**
   * Where the WASM binaries are served: a folder URL ending in `/`, or a URL per file. Default:
   * the copies shipped in this package's `dist/wasm/`, located through `import.meta.url`, which
   * bundlers (Vite, webpack 5, Rollup, esbuild with a file loader) turn into emitted assets.
   */
  readonly wasmPaths?: string | Partial<Record<WasmFileName, string>>;
}

function shippedWasmPaths(): Record<WasmFileName, string> {
  return {
    'tfjs-backend-wasm.wasm': new URL('./wasm/tfjs-backend-wasm.wasm', import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL('./wasm/tfjs-backend-wasm-simd.wasm', import.meta.url)
      .href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL(
      './wasm/tfjs-backend-wasm-threaded-simd.wasm',
      import.meta.url,
    ).href,
  };
}

/**
 * Starts tfjs on `wasm` (default) or `cpu` in the browser and makes it the active backend, with
 * every gradient registered and the fast transposed-matMul path installed on `wasm`. WASM
 * threads start when the page is cross-origin isolated (served with COOP/COEP headers); tfjs
 * then uses at most half the logical cores (`navigator.hardwareConcurrency / 2`, at least 1),
 * and `initBackend` warns when that is fewer than `threads` asked for.
 */
export async function initBackend(options: BrowserInitBackendOptions = {}): Promise<RuntimeInfo> {
  await startBackend('initBackend', options, {
    platform: 'browser',
    threadsSupported: () => globalThis.crossOriginIsolated === true,
    logicalCores: () => globalThis.navigator?.hardwareConcurrency ?? 1,
    beforeWasmStart: () => setWasmPaths(options.wasmPaths ?? shippedWasmPaths()),
    platformOptions: ['wasmPaths'],
  });
  return describeRuntime('browser');
}

/** The active backend, SIMD, thread count, tfjs version and kernel patches. */
export function runtimeInfo(): RuntimeInfo {
  return describeRuntime('browser');
}
