import { createRng } from '@aekit/core';
import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import { describe, expect, it } from 'vitest';
import { knnAccuracy } from './knn';
import { type LabelledFeatures, linearProbe } from './linear-probe';
import { fitPca } from './pca';

/** Gaussian blobs: class c centred at `separation`·e_c in `dim` dimensions. */
function blobs(
  count: number,
  dim: number,
  classes: number,
  separation: number,
  seed: number,
): LabelledFeatures {
  const rng = createRng(seed);
  const noise = rng.normalArray(count * dim);
  const labels = new Int32Array(count);
  const features = new Float32Array(count * dim);
  for (let i = 0; i < count; i += 1) {
    labels[i] = i % classes;
    for (let j = 0; j < dim; j += 1) {
      features[i * dim + j] = noise[i * dim + j]! + (j === labels[i] ? separation : 0);
    }
  }
  return { features, labels, count, dim };
}

describe('fitPca', () => {
  it('finds the direction of largest variance and its variance (float64 reference)', () => {
    // Points spread along (3, 4)/5 with small noise across it.
    const rng = createRng(3);
    const count = 400;
    const along = rng.normalArray(count, 0, 2);
    const across = rng.normalArray(count, 0, 0.1);
    const rows = new Float64Array(count * 2);
    for (let i = 0; i < count; i += 1) {
      rows[2 * i] = 1 + 0.6 * along[i]! - 0.8 * across[i]!;
      rows[2 * i + 1] = -2 + 0.8 * along[i]! + 0.6 * across[i]!;
    }
    const pca = fitPca(rows, count, 2, 2);
    expectAllClose(Array.from(pca.components[0]!), [0.6, 0.8], { rtol: 0, atol: 0.01 });
    // Reference: the sample variance of the projections onto the found direction.
    const projected = pca.project(rows, count);
    const first = Array.from({ length: count }, (_, i) => projected[2 * i]!);
    const variance = first.reduce((sum, v) => sum + v * v, 0) / (count - 1);
    expectAllClose(pca.explainedVariance[0]!, variance, { rtol: 1e-9, atol: 0 });
    expect(pca.explainedVariance[1]!).toBeLessThan(0.05);
    // Total variance: the sum of the two coordinates' sample variances, in float64.
    const sampleVariance = (column: number) => {
      let mean = 0;
      for (let i = 0; i < count; i += 1) mean += rows[2 * i + column]! / count;
      let sum = 0;
      for (let i = 0; i < count; i += 1) sum += (rows[2 * i + column]! - mean) ** 2;
      return sum / (count - 1);
    };
    expectAllClose(pca.totalVariance, sampleVariance(0) + sampleVariance(1), {
      rtol: 1e-12,
      atol: 0,
    });
    // Components are orthonormal.
    const [a, b] = pca.components as [Float64Array, Float64Array];
    expectAllClose(a[0]! * b[0]! + a[1]! * b[1]!, 0, { rtol: 0, atol: 1e-9 });
  });

  it('rejects rows that do not match count × dim', () => {
    expect(() => fitPca(new Float32Array(5), 2, 3)).toThrow(
      `fitPca: 'rows' must be an array of count × dim = 6 values, got "5 values".`,
    );
  });
});

describeBackends(['cpu', 'wasm'], 'linear probe and k-NN', () => {
  it('separates well-separated classes and is at chance on random labels', () => {
    const train = blobs(600, 8, 4, 4, 1);
    const test = blobs(200, 8, 4, 4, 2);
    const separable = linearProbe(train, test, { numClasses: 4, epochs: 10, seed: 1 });
    expect(separable.testAccuracy).toBeGreaterThan(0.95);
    const shuffled = {
      ...test,
      labels: createRng(5)
        .permutation(test.count)
        .map((i) => test.labels[i]!),
    };
    const noise = blobs(600, 8, 4, 0, 3);
    const chance = linearProbe(noise, shuffled, { numClasses: 4, epochs: 5, seed: 1 });
    expect(chance.testAccuracy).toBeLessThan(0.4);
    expect(separable.description).toMatch(/multinomial logistic regression/);
  });

  it('k-NN votes by the nearest neighbours (hand-checked example)', () => {
    // Train: three points of class 0 near the origin, two of class 1 near (10, 0).
    const train: LabelledFeatures = {
      features: Float32Array.from([0, 0, 0, 1, 1, 0, 10, 0, 10, 1]),
      labels: [0, 0, 0, 1, 1],
      count: 5,
      dim: 2,
    };
    // (9, 0): nearest 3 are (10,0), (10,1), then (1,0) → 2 votes class 1.
    // (4, 0): nearest 3 are (1,0), (0,0), (0,1) → class 0.
    const test: LabelledFeatures = {
      features: Float32Array.from([9, 0, 4, 0]),
      labels: [1, 1],
      count: 2,
      dim: 2,
    };
    const result = knnAccuracy(train, test, { k: 3 });
    expect(result.accuracy).toBe(0.5);
    expect(knnAccuracy(train, test, { k: 1 }).accuracy).toBe(0.5);
    expect(() => knnAccuracy(train, test, { k: 6 })).toThrow(
      "knnAccuracy: 'k' must be an integer in [1, 5], got 6.",
    );
  });

  it('k-NN reaches high accuracy on separable blobs and leaks nothing', async () => {
    const train = blobs(300, 6, 3, 5, 7);
    const test = blobs(90, 6, 3, 5, 8);
    expect(knnAccuracy(train, test, { k: 5, chunkSize: 32 }).accuracy).toBeGreaterThan(0.95);
    await expectNoLeaks(() => {
      knnAccuracy(train, test, { k: 5, chunkSize: 32 });
      linearProbe(train, test, { numClasses: 3, epochs: 1 });
    });
  });

  it('rejects labels outside [0, numClasses)', () => {
    const train = blobs(20, 2, 2, 1, 1);
    const bad = { ...train, labels: Int32Array.from(train.labels, (l, i) => (i === 3 ? 2 : l)) };
    expect(() => linearProbe(bad, train, { numClasses: 2 })).toThrow(
      "linearProbe: 'train.labels[3]' must be an integer in [0, 1], got 2.",
    );
  });
});
