import { initBackend } from '@aekit/runtime-wasm';
import { setSimdKernels, setTransposedMatMulPatch } from '@aekit/runtime-wasm/internal';
import * as tf from '@tensorflow/tfjs-core';
import { timeInterleaved } from './measure';

/** One matMul variant on one backend. */
export interface MatMulRow {
  readonly backend: 'wasm' | 'cpu';
  /**
   * `'stock'`: tfjs's own kernels (XNNPACK for the plain product, which keeps the packed right
   * operand between calls because it is the same tensor); `'transposes'`: aekit's explicit
   * transposes around XNNPACK (its fallback without WASM SIMD or with threads); `'compiled'`:
   * aekit's compiled gemm, which packs the right operand at every call (as training needs).
   */
  readonly kernels: MatMulKernels;
  /** `'plain'`: A·B; `'transposeA'`: Aᵀ·B; `'transposeB'`: A·Bᵀ (same m, k, n). */
  readonly variant: 'plain' | 'transposeA' | 'transposeB';
  readonly medianMs: number;
  readonly gflops: number;
  /** Time relative to the plain product on the same backend (1 = as fast as plain). */
  readonly ratioToPlain: number;
}

export type MatMulKernels = 'stock' | 'transposes' | 'compiled';

/** Switches aekit's matMul paths for one contender. */
function useKernels(kernels: MatMulKernels): void {
  setTransposedMatMulPatch(kernels !== 'stock');
  setSimdKernels(kernels === 'compiled');
}

export interface MatMulResult {
  readonly shape: { readonly m: number; readonly k: number; readonly n: number };
  readonly rows: readonly MatMulRow[];
}

/**
 * GFLOP/s of an m×k by k×n product, plain and with either operand transposed, with tfjs's
 * stock kernels and with aekit's two paths (on wasm), on wasm and cpu. The contenders of one backend
 * are interleaved so machine drift cancels.
 */
const kernelSets = ['stock', 'transposes', 'compiled'] as const;

export async function benchMatMul(
  options: { m?: number; k?: number; n?: number; quick?: boolean } = {},
): Promise<MatMulResult> {
  const { m = 128, k = 784, n = 400, quick = false } = options;
  const flops = 2 * m * k * n;
  const rows: MatMulRow[] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    await initBackend({ backend });
    const a = tf.randomNormal([m, k], 0, 1, 'float32', 1);
    const b = tf.randomNormal([k, n], 0, 1, 'float32', 2);
    const aT = tf.transpose(a);
    const bT = tf.transpose(b);
    const call =
      (kernels: MatMulKernels, left: tf.Tensor, right: tf.Tensor, tA: boolean, tB: boolean) =>
      () => {
        useKernels(kernels);
        tf.matMul(left, right, tA, tB).dispose();
      };
    const contenders: Record<string, () => void> = {};
    for (const kernels of backend === 'wasm' ? kernelSets : (['stock'] as const)) {
      contenders[`${kernels} plain`] = call(kernels, a, b, false, false);
      contenders[`${kernels} transposeA`] = call(kernels, aT, b, true, false);
      contenders[`${kernels} transposeB`] = call(kernels, a, bT, false, true);
    }
    const slow = backend === 'cpu';
    const timings = timeInterleaved(contenders, {
      warmup: quick ? 1 : slow ? 2 : 10,
      windows: quick ? 2 : slow ? 3 : 7,
      callsPerWindow: quick ? 1 : slow ? 2 : 10,
    });
    useKernels('compiled');
    tf.dispose([a, b, aT, bT]);
    for (const [name, timing] of Object.entries(timings)) {
      const [kernels, variant] = name.split(' ') as [MatMulKernels, MatMulRow['variant']];
      const plain = timings[`${kernels} plain`]!;
      rows.push({
        backend,
        kernels,
        variant,
        medianMs: timing.medianMs,
        gflops: flops / (timing.medianMs * 1e6),
        ratioToPlain: timing.medianMs / plain.medianMs,
      });
    }
  }
  return { shape: { m, k, n }, rows };
}
