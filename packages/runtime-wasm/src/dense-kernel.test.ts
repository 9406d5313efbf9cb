import { type DenseKernelAttrs, denseKernelName } from '@aekit/core';
import { describeBackends, expectAllClose, setBackendActivator } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { initBackend } from './index';

setBackendActivator(async (backend) => {
  await initBackend({ backend });
});

function values(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
}

function matrix(rows: number, columns: number, seed: number): number[][] {
  const flat = values(rows * columns, seed);
  return Array.from({ length: rows }, (_, i) => flat.slice(i * columns, (i + 1) * columns));
}

const transpose = (m: number[][]) => m[0]!.map((_, j) => m.map((row) => row[j]!));
const product = (a: number[][], b: number[][]) =>
  a.map((row) => b[0]!.map((_, j) => row.reduce((sum, v, k) => sum + v * b[k]![j]!, 0)));

function dense(x: tf.Tensor, W: tf.Tensor, b: tf.Tensor, attrs: DenseKernelAttrs): tf.Tensor {
  return tf
    .engine()
    .runKernel(denseKernelName, { x, W, b }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

// float32 sums of up to 9 products: atol 1e-5 rather than 1e-6.
const tolerance = { rtol: 1e-5, atol: 1e-5 };

describeBackends(['cpu', 'wasm'], 'AekitDense kernel', () => {
  for (const activation of ['linear', 'relu'] as const) {
    for (const transposeW of [false, true]) {
      it(`${activation}, transposeW=${transposeW}: value and gradients match float64`, () => {
        const [batch, inDim, outDim] = [5, 9, 7];
        const x = matrix(batch, inDim, 1);
        const w = transposeW ? matrix(outDim, inDim, 2) : matrix(inDim, outDim, 2);
        const bias = values(outDim, 3);
        const upstream = matrix(batch, outDim, 4);
        const wPlain = transposeW ? transpose(w) : w;
        const pre = product(x, wPlain).map((row) => row.map((v, j) => v + bias[j]!));
        const y = pre.map((row) => row.map((v) => (activation === 'relu' ? Math.max(0, v) : v)));
        // g = dy ⊙ act'(pre); ∂x = g·W_plainᵀ; ∂W_plain = xᵀ·g; ∂b = Σ_rows g.
        const g = upstream.map((row, i) =>
          row.map((v, j) => (activation === 'relu' && pre[i]![j]! <= 0 ? 0 : v)),
        );
        const dx = product(g, transpose(wPlain));
        const dWPlain = product(transpose(x), g);
        const dW = transposeW ? transpose(dWPlain) : dWPlain;
        const db = bias.map((_, j) => g.reduce((sum, row) => sum + row[j]!, 0));

        const attrs = { transposeW, activation };
        const xT = tf.tensor2d(x);
        const wT = tf.tensor2d(w);
        const bT = tf.tensor1d(bias);
        const dyT = tf.tensor2d(upstream);
        const out = dense(xT, wT, bT, attrs);
        expect(out.shape).toEqual([batch, outDim]);
        expectAllClose(out, y, tolerance);
        // The gradient of Σ y ⊙ dy with respect to each input.
        const grads = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
          tf.sum(tf.mul(dense(a, c, d, attrs), dyT)),
        )([xT, wT, bT]);
        expectAllClose(grads[0]!, dx, tolerance);
        expectAllClose(grads[1]!, dW, tolerance);
        expectAllClose(grads[2]!, db, tolerance);
        tf.dispose([xT, wT, bT, dyT, out, ...grads]);
      });
    }
  }

  it("skips the input's gradient when the input is data", async () => {
    const x = tf.tensor2d(matrix(6, 5, 7));
    const W = tf.variable(tf.tensor2d(matrix(5, 4, 8)));
    const b = tf.variable(tf.tensor1d(values(4, 9)));
    const attrs: DenseKernelAttrs = { transposeW: false, activation: 'relu' };
    const profile = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(dense(x, W, b, attrs)) as tf.Scalar,
        [W, b],
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    // Forward: the dense kernel; backward: one product (∂W), none for ∂x.
    const products = profile.kernels.filter((kernel) => kernel.name === 'BatchMatMul');
    expect(profile.kernels.filter((kernel) => kernel.name === denseKernelName)).toHaveLength(1);
    expect(products).toHaveLength(1);
    expect(products[0]!.outputShapes[0]).toEqual([5, 4]);
    tf.dispose([x, W, b]);
  });
});
