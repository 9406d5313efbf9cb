import { initBackend, setTransposedMatMulPatch } from '@aekit/runtime-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { timeInterleaved } from './measure';

/** One matMul variant on one backend. */
export interface MatMulRow {
  readonly backend: 'wasm' | 'cpu';
  /** `'stock'`: tfjs's own kernels; `'patched'`: aekit's transposed-matMul fast path. */
  readonly kernels: 'stock' | 'patched';
  /** `'plain'`: A·B; `'transposeA'`: Aᵀ·B; `'transposeB'`: A·Bᵀ (same m, k, n). */
  readonly variant: 'plain' | 'transposeA' | 'transposeB';
  readonly medianMs: number;
  readonly gflops: number;
  /** Time relative to the plain product on the same backend (1 = as fast as plain). */
  readonly ratioToPlain: number;
}

export interface MatMulResult {
  readonly shape: { readonly m: number; readonly k: number; readonly n: number };
  readonly rows: readonly MatMulRow[];
}

/**
 * GFLOP/s of an m×k by k×n product, plain and with either operand transposed, with tfjs's
 * stock kernels and with aekit's fast path, on wasm and cpu. The contenders of one backend
 * are interleaved so machine drift cancels.
 */
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
      (patched: boolean, left: tf.Tensor, right: tf.Tensor, tA: boolean, tB: boolean) => () => {
        setTransposedMatMulPatch(patched);
        tf.matMul(left, right, tA, tB).dispose();
      };
    const contenders: Record<string, () => void> = {
      'stock plain': call(false, a, b, false, false),
      'stock transposeA': call(false, aT, b, true, false),
      'stock transposeB': call(false, a, bT, false, true),
    };
    if (backend === 'wasm') {
      contenders['patched plain'] = call(true, a, b, false, false);
      contenders['patched transposeA'] = call(true, aT, b, true, false);
      contenders['patched transposeB'] = call(true, a, bT, false, true);
    }
    const slow = backend === 'cpu';
    const timings = timeInterleaved(contenders, {
      warmup: quick ? 1 : slow ? 2 : 10,
      windows: quick ? 2 : slow ? 3 : 7,
      callsPerWindow: quick ? 1 : slow ? 2 : 10,
    });
    setTransposedMatMulPatch(true);
    tf.dispose([a, b, aT, bT]);
    for (const [name, timing] of Object.entries(timings)) {
      const [kernels, variant] = name.split(' ') as [MatMulRow['kernels'], MatMulRow['variant']];
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
