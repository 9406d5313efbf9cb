import { bernoulliLogLikelihood, bernoulliLogLikelihoodKernelName } from '@aekit/core';
import { expectAllClose } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './index';
import { setSimdKernels } from './simd-kernels';

// Σ_j x·l − softplus(l) and its gradient in float64, written from the formula.
function softplus64(l: number): number {
  return l > 0 ? l + Math.log1p(Math.exp(-l)) : Math.log1p(Math.exp(l));
}
function sigmoid64(l: number): number {
  return l >= 0 ? 1 / (1 + Math.exp(-l)) : Math.exp(l) / (1 + Math.exp(l));
}

// Logits across the whole range: 0, tiny, moderate, saturated, and beyond float32's exp range.
const specialLogits = [
  0, 1e-8, -1e-8, 1e-3, -1e-3, 0.25, -0.25, 0.5, -0.5, 1, -1, 2.5, -2.5, 5, -5, 12, -12, 20, -20,
  50, -50, 88, -88, 100, -100, 1e4, -1e4,
];

function uniformValues(count: number, seed: number, low: number, high: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return low + ((high - low) * state) / 2 ** 32;
  });
}

/** Rows of `columns` logits (the special values, then random ones) and targets in [0, 1]. */
function batch(rows: number, columns: number, seed: number) {
  const random = uniformValues(rows * columns, seed, -30, 30);
  const logits = random.map((value, index) => specialLogits[index] ?? value);
  const x = uniformValues(rows * columns, seed + 1, 0, 1).map((value, index) =>
    // Binary targets in odd rows, grey levels in even rows.
    Math.floor(index / columns) % 2 === 1 ? Math.round(value) : value,
  );
  return { x, logits };
}

const paths = [
  { path: 'compiled (SIMD)', compiled: true },
  { path: 'JavaScript fallback', compiled: false },
] as const;

describe.each(paths)('Bernoulli log-likelihood kernel on wasm, $path', ({ compiled }) => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterEach(() => setSimdKernels(true));

  // Column counts with every remainder of the 4-lane blocks.
  for (const columns of [1, 2, 3, 4, 7, 29]) {
    it(`matches float64 per row, ${columns} column(s)`, () => {
      setSimdKernels(compiled);
      const rows = 6;
      const { x, logits } = batch(rows, columns, columns);
      const values = tf.tidy(() =>
        Array.from(
          bernoulliLogLikelihood(
            tf.tensor2d(x, [rows, columns]),
            tf.tensor2d(logits, [rows, columns]),
          ).dataSync(),
        ),
      );
      const expected = Array.from({ length: rows }, (_, row) => {
        let total = 0;
        for (let j = row * columns; j < (row + 1) * columns; j += 1) {
          // The float32 inputs the kernel sees.
          const l = Math.fround(logits[j]!);
          total += Math.fround(x[j]!) * l - softplus64(l);
        }
        return total;
      });
      // Float32 terms up to 1e4 summed: relative to the row's magnitude.
      expectAllClose(values, expected, { rtol: 2e-6, atol: 1e-6 });
    });
  }

  it('computes each term to a few float32 units in the last place', () => {
    setSimdKernels(compiled);
    // One column per row: each row is one term −softplus(l) (x = 0) over a fine sweep of l.
    const logits = Array.from({ length: 2001 }, (_, index) => (index - 1000) / 25);
    const values = tf.tidy(() =>
      Array.from(
        bernoulliLogLikelihood(
          tf.zeros([logits.length, 1]),
          tf.tensor2d(logits, [logits.length, 1]),
        ).dataSync(),
      ),
    );
    const expected = logits.map((l) => -softplus64(Math.fround(l)));
    expectAllClose(values, expected, { rtol: 4e-7, atol: 0 });
  });

  it('has the gradient dy·(x − σ(l)) for the logits and dy·l for x', () => {
    setSimdKernels(compiled);
    const rows = 4;
    const columns = 7;
    const { x, logits } = batch(rows, columns, 3);
    const weights = [0.5, -1, 2, 0.25];
    const [dx, dl] = tf.tidy(() => {
      const grads = tf.grads((xs: tf.Tensor, ls: tf.Tensor) =>
        tf.sum(tf.mul(bernoulliLogLikelihood(xs, ls), tf.tensor1d(weights))),
      );
      return grads([tf.tensor2d(x, [rows, columns]), tf.tensor2d(logits, [rows, columns])]).map(
        (gradient) => Array.from(gradient.dataSync()),
      );
    });
    const row = (index: number) => Math.floor(index / columns);
    expectAllClose(
      dl!,
      logits.map((l, j) => weights[row(j)]! * (Math.fround(x[j]!) - sigmoid64(Math.fround(l)))),
      { rtol: 1e-5, atol: 1e-7 },
    );
    expectAllClose(
      dx!,
      logits.map((l, j) => weights[row(j)]! * Math.fround(l)),
      { rtol: 1e-6, atol: 0 },
    );
  });

  it('runs as one kernel and leaks nothing', () => {
    setSimdKernels(compiled);
    const x = tf.tensor2d(batch(3, 5, 9).x, [3, 5]);
    const l = tf.tensor2d(batch(3, 5, 9).logits, [3, 5]);
    const numTensors = tf.memory().numTensors;
    for (let round = 0; round < 2; round += 1) {
      const gradients = tf.grads((logits: tf.Tensor) => tf.sum(bernoulliLogLikelihood(x, logits)))([
        l,
      ]);
      tf.dispose(gradients);
    }
    expect(tf.memory().numTensors).toBe(numTensors);
    return tf
      .profile(() => tf.tidy(() => bernoulliLogLikelihood(x, l).dataSync()))
      .then((profile) => {
        expect(profile.kernelNames).toEqual([bernoulliLogLikelihoodKernelName]);
        tf.dispose([x, l]);
      });
  });
});
