import { createRng, UnknownOptionError } from '@aekit/core';
import { expectAllClose } from '@aekit/test-utils';
import { describe, expect, it } from 'vitest';
import { fitPca } from './pca';

/** A rotation of 3-D space by `angle` about the axis (1, 1, 1)/√3 (Rodrigues' formula). */
function rotation(angle: number): number[][] {
  const k = [1, 1, 1].map((value) => value / Math.sqrt(3));
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const cross = [
    [0, -k[2]!, k[1]!],
    [k[2]!, 0, -k[0]!],
    [-k[1]!, k[0]!, 0],
  ];
  return [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => (i === j ? c : 0) + s * cross[i]![j]! + (1 - c) * k[i]! * k[j]!),
  );
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
    const pca = fitPca(rows, count, 2, { components: 2 });
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
    const total = sampleVariance(0) + sampleVariance(1);
    expectAllClose(pca.totalVariance, total, { rtol: 1e-12, atol: 0 });
    expectAllClose(pca.explainedVarianceRatio[0]!, variance / total, { rtol: 1e-9, atol: 0 });
    // Components are orthonormal.
    const [a, b] = pca.components as [Float64Array, Float64Array];
    expectAllClose(a[0]! * b[0]! + a[1]! * b[1]!, 0, { rtol: 0, atol: 1e-9 });
  });

  describe('on a rotated cloud of float32 points', () => {
    // Four points with sample covariance diag(6, 2/3, 0) (mean (1, 2, 3)), then rotated: the
    // first two principal components are the rotated x and y axes, explaining 90% and 10%.
    const base = [
      [3, 0, 0],
      [-3, 0, 0],
      [0, 1, 0],
      [0, -1, 0],
    ];
    const turn = rotation(0.7);
    const points = Float32Array.from(
      base.flatMap((point) =>
        turn.map(
          (row, i) => row.reduce((sum, value, j) => sum + value * point[j]!, 0) + [1, 2, 3][i]!,
        ),
      ),
    );

    it('gives each point its coordinates along the principal axes, up to sign', () => {
      const pca = fitPca(points, 4, 3);
      expect(pca.components).toHaveLength(2);
      // float32 inputs: about 1e-6 of their magnitude.
      expectAllClose([...pca.explainedVariance], [6, 2 / 3], { rtol: 1e-5, atol: 1e-6 });
      expectAllClose([...pca.explainedVarianceRatio], [0.9, 0.1], { rtol: 0, atol: 1e-6 });
      const coordinates = pca.project(points, 4);
      base.forEach((point, row) => {
        expectAllClose(Math.abs(coordinates[row * 2]!), Math.abs(point[0]!), {
          rtol: 0,
          atol: 1e-5,
        });
        expectAllClose(Math.abs(coordinates[row * 2 + 1]!), Math.abs(point[1]!), {
          rtol: 0,
          atol: 1e-5,
        });
      });
    });

    it('fixes each component’s sign: its largest entry is positive', () => {
      const negated = Float32Array.from(points, (value) => -value);
      for (const rows of [points, negated]) {
        for (const component of fitPca(rows, 4, 3).components) {
          const largest = [...component].reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
          expect(largest).toBeGreaterThan(0);
        }
      }
    });
  });

  it('fits a 1-D input with one component, centred on the mean', () => {
    const pca = fitPca(Float32Array.from([1, 2, 6]), 3, 1);
    expect(pca.components).toHaveLength(1);
    expect(Array.from(pca.components[0]!)).toEqual([1]);
    // Centred at the mean 3: −2, −1, 3; sample variance (4 + 1 + 9) / 2 = 7.
    expect(Array.from(pca.project(Float32Array.from([1, 2, 6]), 3))).toEqual([-2, -1, 3]);
    expect(pca.explainedVariance).toEqual([7]);
    expect(pca.explainedVarianceRatio).toEqual([1]);
  });

  it('gives a zero share when the rows do not vary', () => {
    const pca = fitPca(new Float64Array(6).fill(2), 3, 2);
    expect(pca.totalVariance).toBe(0);
    expect(pca.explainedVarianceRatio).toEqual([0, 0]);
  });

  it('rejects rows that do not match count × dim, or are not finite', () => {
    expect(() => fitPca(new Float32Array(5), 2, 3)).toThrow(
      `fitPca: 'rows' must be a Float32Array or Float64Array of count × dim = 6 values, got "5 values".`,
    );
    expect(() => fitPca([1, 2] as never, 1, 2)).toThrow(
      `fitPca: 'rows' must be a Float32Array or Float64Array of count × dim = 2 values, got [1, 2].`,
    );
    expect(() => fitPca(Float64Array.from([0, 1, Number.NaN, 3]), 2, 2)).toThrow(
      "fitPca: 'rows[2]' must be a finite number, got NaN.",
    );
    const pca = fitPca(Float64Array.from([0, 1, 2, 3]), 2, 2);
    expect(() => pca.project(new Float64Array(3), 2)).toThrow(
      `Pca.project: 'rows' must be a Float32Array or Float64Array of count × dim = 4 values, got "3 values".`,
    );
  });

  it('rejects more components than dimensions, and unknown options', () => {
    expect(() => fitPca(new Float32Array(6), 2, 3, { components: 4 })).toThrow(
      "fitPca: 'components' must be an integer in [1, 3], got 4.",
    );
    const call = () => fitPca(new Float32Array(6), 2, 3, { component: 1 } as never);
    expect(call).toThrow("fitPca: unknown option 'component'; did you mean 'components'?");
    expect(call).toThrow(UnknownOptionError);
  });
});
