import { describe, expect, it } from 'vitest';
import { projectTo2d, symmetricEigen } from './pca';

function close(actual: number, expected: number, atol = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(atol + 1e-9 * Math.abs(expected));
}

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

describe('symmetricEigen', () => {
  it('finds A v = λ v for every pair, sorted, with orthonormal vectors', () => {
    const matrix = Float64Array.from([4, 1, -2, 0.5, 1, 3, 0, 1, -2, 0, 5, 2, 0.5, 1, 2, 1]);
    const { values, vectors } = symmetricEigen(matrix, 4);
    for (let i = 1; i < 4; i += 1) expect(values[i - 1]!).toBeGreaterThanOrEqual(values[i]!);
    // The trace is the sum of the eigenvalues.
    close(
      values.reduce((sum, value) => sum + value, 0),
      4 + 3 + 5 + 1,
    );
    vectors.forEach((vector, i) => {
      for (let row = 0; row < 4; row += 1) {
        let product = 0;
        for (let column = 0; column < 4; column += 1) {
          product += matrix[row * 4 + column]! * vector[column]!;
        }
        close(product, values[i]! * vector[row]!);
      }
      vectors.forEach((other, j) => {
        const dot = vector.reduce((sum, value, k) => sum + value * other[k]!, 0);
        close(dot, i === j ? 1 : 0);
      });
    });
  });
});

describe('projectTo2d', () => {
  // Four points with covariance diag(4.5, 0.5, 0) (mean (1, 2, 3)), then rotated: the first
  // two principal components are the rotated x and y axes, explaining 90% and 10%.
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
    const { coordinates, explained } = projectTo2d(points, 4, 3);
    close(explained[0], 0.9, 1e-6);
    close(explained[1], 0.1, 1e-6);
    base.forEach((point, row) => {
      // float32 inputs: about 1e-6 of their magnitude.
      close(Math.abs(coordinates[row * 2]!), Math.abs(point[0]!), 1e-5);
      close(Math.abs(coordinates[row * 2 + 1]!), Math.abs(point[1]!), 1e-5);
    });
  });

  it('puts a 1-D code on the horizontal axis', () => {
    const { coordinates, explained } = projectTo2d(Float32Array.from([1, 2, 6]), 3, 1);
    // Centred at the mean 3: −2, −1, 3 (up to sign), and y = 0.
    expect(Array.from(coordinates).map((value) => Math.abs(value))).toEqual([2, 0, 1, 0, 3, 0]);
    expect(explained).toEqual([1, 0]);
  });
});
