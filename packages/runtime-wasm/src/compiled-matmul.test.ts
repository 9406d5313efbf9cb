import { expectAllClose } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backendFacts, recordBackendFacts } from './backend-facts';
import { initBackend } from './index';
import { setSimdKernels } from './simd-kernels';
import { compiledMatMulCalls, transposedMatMulFastCalls } from './transposed-matmul';

// The compiled gemm (csrc/aekit-kernels.c) against products computed in float64 here.

function uniformValues(count: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
}

/** op(A)·op(B) [+ bias] [ReLU] for row-major flat operands, in float64. */
function reference(
  a: number[],
  b: number[],
  dims: { m: number; k: number; n: number },
  options: { transposeA?: boolean; transposeB?: boolean; bias?: number[]; relu?: boolean } = {},
): number[] {
  const { m, k, n } = dims;
  const out: number[] = [];
  for (let i = 0; i < m; i += 1) {
    for (let j = 0; j < n; j += 1) {
      let sum = options.bias?.[j] ?? 0;
      for (let p = 0; p < k; p += 1) {
        const left = options.transposeA ? a[p * m + i]! : a[i * k + p]!;
        const right = options.transposeB ? b[j * k + p]! : b[p * n + j]!;
        sum += left * right;
      }
      out.push(options.relu && sum < 0 ? 0 : sum);
    }
  }
  return out;
}

// float32 sums of k products of values in [−½, ½]: the rounding error grows with k.
const toleranceFor = (k: number) => ({ rtol: 1e-5, atol: Math.max(1e-6, k * 2e-7) });

describe('compiled gemm on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterEach(() => setSimdKernels(true));

  // Every remainder of the 4-row and 8-column blocks, tiny and odd inner sizes, and the
  // VAE's 784-wide products.
  const shapes = [
    { m: 1, k: 1, n: 1 },
    { m: 2, k: 3, n: 7 },
    { m: 3, k: 5, n: 9 },
    { m: 4, k: 8, n: 8 },
    { m: 5, k: 2, n: 15 },
    { m: 7, k: 33, n: 17 },
    { m: 13, k: 4, n: 3 },
    { m: 33, k: 129, n: 41 },
    { m: 128, k: 784, n: 20 },
  ];
  for (const dims of shapes) {
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`matches float64 for ${dims.m}×${dims.k}×${dims.n}, transposeA=${transposeA}, transposeB=${transposeB}`, () => {
        const { m, k, n } = dims;
        const a = uniformValues(m * k, m * 31 + k);
        const b = uniformValues(k * n, n * 17 + k);
        const before = compiledMatMulCalls();
        const numTensors = tf.memory().numTensors;
        const aTensor = tf.tensor2d(a, transposeA ? [k, m] : [m, k]);
        const bTensor = tf.tensor2d(b, transposeB ? [n, k] : [k, n]);
        const product = tf.matMul(aTensor, bTensor, transposeA, transposeB);
        expect(product.shape).toEqual([m, n]);
        expectAllClose(
          Array.from(product.dataSync()),
          reference(a, b, dims, { transposeA, transposeB }),
          toleranceFor(k),
        );
        expect(compiledMatMulCalls()).toBe(before + 1);
        tf.dispose([aTensor, bTensor, product]);
        expect(tf.memory().numTensors).toBe(numTensors);
      });
    }
  }

  it('adds the bias and applies ReLU as it stores, for every column remainder', () => {
    for (const n of [1, 5, 8, 12, 19]) {
      const dims = { m: 6, k: 11, n };
      const a = uniformValues(6 * 11, n);
      const b = uniformValues(11 * n, n + 100);
      const bias = uniformValues(n, n + 200);
      const result = tf.tidy(
        () =>
          tf.fused
            .matMul({
              a: tf.tensor2d(a, [6, 11]),
              b: tf.tensor2d(b, [11, n]),
              bias: tf.tensor1d(bias),
              activation: 'relu',
            })
            .arraySync() as number[][],
      );
      const expected = reference(a, b, dims, { bias, relu: true });
      expectAllClose(result.flat(), expected, toleranceFor(11));
      // ReLU really clipped something: the test would not notice a missing epilogue otherwise.
      expect(expected.some((value) => value === 0)).toBe(true);
    }
  });

  it('keeps NaN through the ReLU epilogue, as the backend’s ReLU does', () => {
    const values = tf.tidy(
      () =>
        tf.fused
          .matMul({
            a: tf.tensor2d([Number.NaN, 1, -1, -1], [2, 2]),
            b: tf.tensor2d([1, 0, 0, 1], [2, 2]),
            activation: 'relu',
          })
          .arraySync() as number[][],
    );
    expect(Number.isNaN(values[0]![0]!)).toBe(true);
    expect(values[1]).toEqual([0, 0]);
  });

  it('broadcasts a single matrix over a batch, on either side', () => {
    const m = 5;
    const k = 6;
    const n = 9;
    const a = uniformValues(3 * m * k, 1);
    const b = uniformValues(k * n, 2);
    const batched = tf.tidy(
      () =>
        tf.matMul(tf.tensor3d(a, [3, m, k]), tf.tensor2d(b, [k, n])).arraySync() as number[][][],
    );
    const bBatched = uniformValues(3 * k * n, 3);
    const single = a.slice(0, m * k);
    const broadcastLeft = tf.tidy(
      () =>
        tf
          .matMul(tf.tensor2d(single, [m, k]), tf.tensor3d(bBatched, [3, k, n]))
          .arraySync() as number[][][],
    );
    for (let index = 0; index < 3; index += 1) {
      const aItem = a.slice(index * m * k, (index + 1) * m * k);
      expectAllClose(batched[index]!.flat(), reference(aItem, b, { m, k, n }), toleranceFor(k));
      const bItem = bBatched.slice(index * k * n, (index + 1) * k * n);
      expectAllClose(
        broadcastLeft[index]!.flat(),
        reference(single, bItem, { m, k, n }),
        toleranceFor(k),
      );
    }
  });

  it('applies the other fused activations with the backend’s kernels', () => {
    const dims = { m: 5, k: 7, n: 9 };
    const a = uniformValues(5 * 7, 11).map((value) => 4 * value);
    const b = uniformValues(7 * 9, 12).map((value) => 4 * value);
    const bias = uniformValues(9, 13);
    const alphas = uniformValues(9, 14).map((value) => value + 0.5);
    const linear = reference(a, b, dims, { bias });
    const cases = [
      { activation: 'sigmoid', expected: (v: number) => 1 / (1 + Math.exp(-v)) },
      { activation: 'elu', expected: (v: number) => (v > 0 ? v : Math.expm1(v)) },
      { activation: 'relu6', expected: (v: number) => Math.min(6, Math.max(0, v)) },
      { activation: 'leakyrelu', expected: (v: number) => (v > 0 ? v : 0.1 * v) },
      { activation: 'prelu', expected: (v: number, j: number) => (v > 0 ? v : alphas[j]! * v) },
    ] as const;
    for (const { activation, expected } of cases) {
      const before = compiledMatMulCalls();
      const numTensors = tf.memory().numTensors;
      const values = tf.tidy(() =>
        Array.from(
          tf.fused
            .matMul({
              a: tf.tensor2d(a, [5, 7]),
              b: tf.tensor2d(b, [7, 9]),
              bias: tf.tensor1d(bias),
              activation,
              ...(activation === 'prelu' ? { preluActivationWeights: tf.tensor1d(alphas) } : {}),
              ...(activation === 'leakyrelu' ? { leakyreluAlpha: 0.1 } : {}),
            })
            .dataSync(),
        ),
      );
      expectAllClose(
        values,
        linear.map((value, index) => expected(value, index % 9)),
        { rtol: 1e-5, atol: 1e-5 },
      );
      expect(compiledMatMulCalls()).toBe(before + 1);
      // The product before its activation is freed.
      expect(tf.memory().numTensors).toBe(numTensors);
    }
    // The products reach every branch: negative and positive, and past 6 for relu6.
    expect(Math.min(...linear)).toBeLessThan(-1);
    expect(Math.max(...linear)).toBeGreaterThan(6);
  });

  it('leaves the product to XNNPACK where the backend computes on several threads', () => {
    const facts = backendFacts('wasm');
    recordBackendFacts('wasm', { ...facts, threads: 2 });
    try {
      const before = compiledMatMulCalls();
      const beforeTransposes = transposedMatMulFastCalls();
      const a = uniformValues(12, 5);
      const b = uniformValues(12, 6);
      const product = tf.tidy(
        () =>
          tf
            .matMul(tf.tensor2d(a, [4, 3]), tf.tensor2d(b, [4, 3]), false, true)
            .arraySync() as number[][],
      );
      expectAllClose(
        product.flat(),
        reference(a, b, { m: 4, k: 3, n: 4 }, { transposeB: true }),
        toleranceFor(3),
      );
      expect(compiledMatMulCalls()).toBe(before);
      expect(transposedMatMulFastCalls()).toBe(beforeTransposes + 1);
    } finally {
      recordBackendFacts('wasm', facts);
    }
  });

  it('can be switched off', () => {
    setSimdKernels(false);
    const before = compiledMatMulCalls();
    tf.tidy(() => tf.matMul(tf.ones([4, 3]), tf.ones([3, 2])).dataSync());
    expect(compiledMatMulCalls()).toBe(before);
  });
});
