import { getBackend, version_core } from '@tensorflow/tfjs-core';
import { sharedIdentityPatchEnabled } from './shared-identity';
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
  /** Whether transposed matMuls on WASM take the fast path (see `setTransposedMatMulPatch`). */
  readonly transposedMatMulPatch: boolean;
  /** Whether `Identity` (tfjs's clone) on WASM shares data instead of copying it (see `setSharedIdentityPatch`). */
  readonly sharedIdentityPatch: boolean;
}

/** Facts that are known only once a backend has started; recorded by `initBackend`. */
export interface BackendFacts {
  readonly simd: boolean | null;
  readonly threads: number;
}

const factsByBackend = new Map<string, BackendFacts>();

export function recordBackendFacts(backend: string, facts: BackendFacts): void {
  factsByBackend.set(backend, facts);
}

export function describeRuntime(platform: 'node' | 'browser'): RuntimeInfo {
  const backend = getBackend();
  const facts = factsByBackend.get(backend) ?? { simd: null, threads: 1 };
  return {
    backend,
    simd: facts.simd,
    threads: facts.threads,
    tfjsVersion: version_core,
    platform,
    transposedMatMulPatch: backend === 'wasm' && transposedMatMulPatchEnabled(),
    sharedIdentityPatch: backend === 'wasm' && sharedIdentityPatchEnabled(),
  };
}
