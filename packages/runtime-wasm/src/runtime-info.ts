import { findBackend, getBackend, version_core } from '@tensorflow/tfjs-core';
import { backendFacts } from './backend-facts';
import { sharedIdentityPatchEnabled } from './shared-identity';
import { simdKernels } from './simd-kernels';
import { transposedMatMulPatchEnabled } from './transposed-matmul';

/** What `runtimeInfo()` reports about the running tfjs. */
export interface RuntimeInfo {
  /** The active backend: `'wasm'` or `'cpu'` (or another the application registered). */
  readonly backend: string;
  /** Whether the WASM binary in use has SIMD; `null` on a non-WASM backend. */
  readonly simd: boolean | null;
  /** Threads the backend computes on (1 unless WASM multi-threading started). */
  readonly threads: number;
  /** The tfjs-core version. */
  readonly tfjsVersion: string;
  /** `'node'` or `'browser'`. */
  readonly platform: 'node' | 'browser';
  /**
   * Whether transposed matMuls on WASM take the fast path (see `setTransposedMatMulPatch` in
   * `@aekit/runtime-wasm/internal`).
   */
  readonly transposedMatMulPatch: boolean;
  /**
   * Whether aekit's compiled WASM kernels run (switched on, see `setSimdKernels` in
   * `@aekit/runtime-wasm/internal`, and loaded): the Bernoulli log-likelihood, sums over rows,
   * and the matrix product where the backend computes on one thread (with more, XNNPACK's
   * threaded product runs).
   */
  readonly simdKernels: boolean;
  /**
   * Whether `Identity` (tfjs's clone) on WASM shares data instead of copying it (see
   * `setSharedIdentityPatch` in `@aekit/runtime-wasm/internal`).
   */
  readonly sharedIdentityPatch: boolean;
}

export function describeRuntime(platform: 'node' | 'browser'): RuntimeInfo {
  const backend = getBackend();
  const facts = backendFacts(backend);
  return {
    backend,
    simd: facts.simd,
    threads: facts.threads,
    tfjsVersion: version_core,
    platform,
    transposedMatMulPatch: backend === 'wasm' && transposedMatMulPatchEnabled(),
    simdKernels: backend === 'wasm' && simdKernels(findBackend('wasm')) !== null,
    sharedIdentityPatch: backend === 'wasm' && sharedIdentityPatchEnabled(),
  };
}
