import { expectAllClose } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from './index';
import { setSimdKernels } from './simd-kernels';
import {
  compiledMatMulCalls,
  setTransposedMatMulPatch,
  transposedMatMulFastCalls,
} from './transposed-matmul';

// Reference products come from plain JS float64 loops, not from any tfjs kernel.
function referenceMatMul(
  a: number[][],
  b: number[][],
  transposeA: boolean,
  transposeB: boolean,
): number[][] {
  const opA = transposeA ? a[0]!.map((_, j) => a.map((row) => row[j]!)) : a;
  const opB = transposeB ? b[0]!.map((_, j) => b.map((row) => row[j]!)) : b;
  return opA.map((row) =>
    opB[0]!.map((_, j) => row.reduce((sum, v, k) => sum + v * opB[k]![j]!, 0)),
  );
}

function randomMatrix(rows: number, columns: number, seed: number): number[][] {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  return Array.from({ length: rows }, () => Array.from({ length: columns }, next));
}

// float32 sums of up to 70 products: rounding grows with k, so atol is 1e-5, not 1e-6.
const tolerance = { rtol: 1e-5, atol: 1e-5 };

// Two fast paths serve a transposed product: aekit's compiled gemm (the default where WASM SIMD
// runs on one thread) and explicit transposes around the backend's plain kernel (the fallback).
// Each is checked on its own, with the counter of the path that must have served the call.
const paths = [
  { path: 'compiled gemm', compiled: true, calls: compiledMatMulCalls },
  { path: 'explicit transposes', compiled: false, calls: transposedMatMulFastCalls },
] as const;

describe.each(paths)('transposed matMul on wasm, $path', ({ compiled, calls }) => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  beforeEach(() => setSimdKernels(compiled));
  afterEach(() => {
    setTransposedMatMulPatch(true);
    setSimdKernels(true);
  });

  // Shapes where each of the two forms (transpose the inputs, or swap and transpose the
  // output) is the cheaper one, so both code paths run.
  const cases = [
    { m: 9, k: 70, n: 40 },
    { m: 70, k: 9, n: 40 },
    { m: 40, k: 33, n: 5 },
  ];
  for (const { m, k, n } of cases) {
    for (const [transposeA, transposeB] of [
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`matches float64 for ${m}x${k}x${n}, transposeA=${transposeA}, transposeB=${transposeB}`, () => {
        const a = randomMatrix(transposeA ? k : m, transposeA ? m : k, m + k);
        const b = randomMatrix(transposeB ? n : k, transposeB ? k : n, n + 7);
        const before = calls();
        const numTensors = tf.memory().numTensors;
        const product = tf.matMul(tf.tensor2d(a), tf.tensor2d(b), transposeA, transposeB);
        const values = product.arraySync() as number[][];
        tf.dispose(product);
        expect(calls()).toBe(before + 1);
        expectAllClose(values, referenceMatMul(a, b, transposeA, transposeB), tolerance);
        // Only the two inputs created inline remain; the kernel's temporaries are freed.
        expect(tf.memory().numTensors).toBe(numTensors + 2);
      });
    }
  }

  it('equals the stock kernel within float32 tolerance, batched', () => {
    const a = tf.randomNormal([3, 20, 12], 0, 1, 'float32', 1);
    const b = tf.randomNormal([3, 15, 20], 0, 1, 'float32', 2);
    const patched = tf.matMul(a, b, true, true).arraySync() as number[][][];
    setTransposedMatMulPatch(false);
    const stock = tf.matMul(a, b, true, true).arraySync() as number[][][];
    expectAllClose(patched, stock, tolerance);
    tf.dispose([a, b]);
  });

  it('keeps fused bias and activation correct with transposed inputs', () => {
    const a = randomMatrix(16, 10, 3);
    const b = randomMatrix(12, 16, 4);
    const bias = Array.from({ length: 12 }, (_, i) => (i - 6) / 10);
    const result = tf.fused.matMul({
      a: tf.tensor2d(a),
      b: tf.tensor2d(b),
      transposeA: true,
      transposeB: true,
      bias: tf.tensor1d(bias),
      activation: 'relu',
    });
    const expected = referenceMatMul(a, b, true, true).map((row) =>
      row.map((value, j) => Math.max(0, value + bias[j]!)),
    );
    expectAllClose(result, expected, tolerance);
  });

  it('serves the stock matMul gradient inside optimizer.minimize', () => {
    const x = tf.randomNormal([32, 20], 0, 1, 'float32', 5);
    const w1 = tf.variable(tf.randomNormal([20, 8], 0, 0.3, 'float32', 6));
    const w2 = tf.variable(tf.randomNormal([8, 20], 0, 0.3, 'float32', 7));
    const optimizer = tf.train.sgd(0.1);
    const before = calls();
    const loss = optimizer.minimize(
      () => tf.losses.meanSquaredError(x, tf.matMul(tf.relu(tf.matMul(x, w1)), w2)),
      true,
    );
    // dW1 = xᵀ·g1 and dW2 = hᵀ·g2 (transposeA), dh = g2·W2ᵀ (transposeB); x needs no gradient.
    // The compiled gemm also serves the two plain forward products.
    expect(calls() - before).toBe(compiled ? 5 : 3);
    expect(Number.isFinite(loss!.dataSync()[0])).toBe(true);
    tf.dispose([x, w1, w2, loss!]);
    optimizer.dispose();
  });

  it('can be switched off to measure the stock path', () => {
    setTransposedMatMulPatch(false);
    const before = calls();
    tf.tidy(() => tf.matMul(tf.ones([4, 3]), tf.ones([4, 3]), true, false));
    expect(calls()).toBe(before);
  });
});
