import { expectAllClose } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './index';
import { setSimdKernels } from './simd-kernels';

function uniformValues(count: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
}

/** Σ over rows of a rows × columns row-major matrix, in float64. */
function columnSums(values: number[], rows: number, columns: number): number[] {
  return Array.from({ length: columns }, (_, j) => {
    let sum = 0;
    for (let row = 0; row < rows; row += 1) sum += values[row * columns + j]!;
    return sum;
  });
}

describe('sum over rows on wasm (compiled column sum)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterEach(() => setSimdKernels(true));

  // Column counts with every remainder of the 16-column blocks.
  for (const [rows, columns] of [
    [1, 1],
    [3, 15],
    [128, 16],
    [7, 17],
    [128, 784],
    [129, 40],
  ] as const) {
    it(`matches float64 for ${rows}×${columns}`, () => {
      const values = uniformValues(rows * columns, rows + columns);
      const sums = tf.tidy(() => tf.sum(tf.tensor2d(values, [rows, columns]), 0));
      expect(sums.shape).toEqual([columns]);
      expectAllClose(sums, columnSums(values, rows, columns), { rtol: 1e-5, atol: rows * 1e-7 });
      sums.dispose();
    });
  }

  it('keeps dimensions and accepts axis −2', () => {
    const values = uniformValues(5 * 6, 1);
    const kept = tf.tidy(() => tf.sum(tf.tensor2d(values, [5, 6]), -2, true));
    expect(kept.shape).toEqual([1, 6]);
    expectAllClose(kept, [columnSums(values, 5, 6)], { rtol: 1e-5, atol: 1e-6 });
    kept.dispose();
  });

  it('gives the same sums as the backend’s own kernel', () => {
    const matrix = tf.tensor2d(uniformValues(64 * 33, 2), [64, 33]);
    const compiled = tf.tidy(() => Array.from(tf.sum(matrix, 0).dataSync()));
    setSimdKernels(false);
    const stock = tf.tidy(() => Array.from(tf.sum(matrix, 0).dataSync()));
    expectAllClose(compiled, stock, { rtol: 1e-5, atol: 1e-6 });
    matrix.dispose();
  });

  it('leaves other sums to the backend: rows, everything, integers, rank 3', () => {
    const values = [1, 2, 3, 4, 5, 6];
    tf.tidy(() => {
      const matrix = tf.tensor2d(values, [2, 3]);
      expect(Array.from(tf.sum(matrix, 1).dataSync())).toEqual([6, 15]);
      expect(Array.from(tf.sum(matrix).dataSync())).toEqual([21]);
      expect(Array.from(tf.sum(tf.tensor2d(values, [2, 3], 'int32'), 0).dataSync())).toEqual([
        5, 7, 9,
      ]);
      expect(Array.from(tf.sum(tf.tensor3d(values, [2, 3, 1]), 0).dataSync())).toEqual([5, 7, 9]);
    });
  });
});
