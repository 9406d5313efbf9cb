/**
 * `@aekit/runtime-wasm/internal`: switches that exist only to compare aekit's kernels with
 * tfjs's stock ones (the benchmarks use them). Each is process-wide and on by default once
 * `initBackend` has run on `wasm`; `runtimeInfo()` from the main entry reports their state.
 * Not needed to use aekit; they may change in any minor release.
 */
export { setSharedIdentityPatch, sharedIdentityPatchEnabled } from './shared-identity';
export { setSimdKernels, simdKernelsEnabled } from './simd-kernels';
export { setTransposedMatMulPatch, transposedMatMulPatchEnabled } from './transposed-matmul';
