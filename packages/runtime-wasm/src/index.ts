import './register-gradients';
import { describeRuntime, type RuntimeInfo } from './runtime-info';
import { type InitBackendOptions, startBackend } from './start-backend';

export { assertKernels } from './assert-kernels';
export type { RuntimeInfo } from './runtime-info';
export type { BackendName, InitBackendOptions } from './start-backend';

/**
 * Starts tfjs on `wasm` (default) or `cpu` in Node and makes it the active backend, with every
 * gradient registered and the fast transposed-matMul path installed on `wasm`. Resolves with
 * what started. Safe to call again, e.g. to switch backends.
 *
 * ```ts
 * import { initBackend } from '@aekit/runtime-wasm';
 * await initBackend(); // { backend: 'wasm', simd: true, threads: 1, … }
 * ```
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<RuntimeInfo> {
  await startBackend('initBackend', options, {
    platform: 'node',
    // tfjs builds its Node entry with WASM threads off.
    threadsSupported: () => false,
  });
  return describeRuntime('node');
}

/** The active backend, SIMD, thread count, tfjs version and kernel patches. */
export function runtimeInfo(): RuntimeInfo {
  return describeRuntime('node');
}
