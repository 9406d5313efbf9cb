import { checkInteger, checkOptionsObject, checkPositiveInteger } from '@aekit/core';
import { checkRows } from './labelled-features';

/** Options of `fitPca`. */
export interface PcaOptions {
  /** How many principal directions, in [1, dim]. Default min(2, dim). */
  readonly components?: number;
}

const pcaOptionNames = ['components'] as const;

/** A fitted principal-component projection. */
export interface Pca {
  /** Feature means, `[dim]`. */
  readonly mean: Float64Array;
  /** Unit-length principal directions, `components[c]` is `[dim]`, by decreasing variance. */
  readonly components: readonly Float64Array[];
  /** Variance along each component. */
  readonly explainedVariance: readonly number[];
  /** The total variance, Σ_j Var(x_j) (the covariance's trace): what the components explain a share of. */
  readonly totalVariance: number;
  /** Each component's share of `totalVariance`, in [0, 1] (all 0 when the rows do not vary). */
  readonly explainedVarianceRatio: readonly number[];
  /**
   * Projects rows onto the components, centred on `mean`.
   * @param rows  `[count, dim]` row-major, finite
   * @returns     `[count, components.length]` row-major, float64
   */
  project(rows: Float32Array | Float64Array, count: number): Float64Array;
}

/**
 * PCA by power iteration with deflation on the sample covariance matrix (divided by count − 1),
 * in float64 whatever the rows' type. Deterministic: each component's largest entry is positive.
 *
 * @param rows    `[count, dim]` row-major, finite
 * @param count   number of rows
 * @param dim     features per row
 * @param options `components`: how many principal directions (default min(2, dim)); an unknown
 *   key is an error.
 */
export function fitPca(
  rows: Float32Array | Float64Array,
  count: number,
  dim: number,
  options: PcaOptions = {},
): Pca {
  checkPositiveInteger('fitPca', 'count', count);
  checkPositiveInteger('fitPca', 'dim', dim);
  checkOptionsObject('fitPca', 'options', options, pcaOptionNames);
  const components = checkInteger('fitPca', 'components', options.components ?? Math.min(2, dim), {
    min: 1,
    max: dim,
  });
  checkRows('fitPca', 'rows', rows, count, dim);
  const mean = new Float64Array(dim);
  for (let i = 0; i < count; i += 1) {
    for (let j = 0; j < dim; j += 1) mean[j]! += rows[i * dim + j]!;
  }
  for (let j = 0; j < dim; j += 1) mean[j]! /= count;

  // Covariance (upper triangle mirrored), float64.
  const covariance = new Float64Array(dim * dim);
  const centered = new Float64Array(dim);
  for (let i = 0; i < count; i += 1) {
    for (let j = 0; j < dim; j += 1) centered[j] = rows[i * dim + j]! - mean[j]!;
    for (let a = 0; a < dim; a += 1) {
      const value = centered[a]!;
      if (value === 0) continue;
      const offset = a * dim;
      for (let b = a; b < dim; b += 1) covariance[offset + b]! += value * centered[b]!;
    }
  }
  const denominator = Math.max(1, count - 1);
  for (let a = 0; a < dim; a += 1) {
    for (let b = a; b < dim; b += 1) {
      const value = covariance[a * dim + b]! / denominator;
      covariance[a * dim + b] = value;
      covariance[b * dim + a] = value;
    }
  }

  const found: Float64Array[] = [];
  const variances: number[] = [];
  for (let c = 0; c < components; c += 1) {
    let vector: Float64Array = new Float64Array(dim);
    // A deterministic start that is not orthogonal to any component in practice.
    for (let j = 0; j < dim; j += 1) vector[j] = 1 + ((j * 7919) % 97) / 97;
    normalise(vector);
    let eigenvalue = 0;
    for (let iteration = 0; iteration < 500; iteration += 1) {
      const next = multiply(covariance, vector, dim);
      for (const previous of found) subtractProjection(next, previous);
      const norm = Math.hypot(...next);
      if (norm === 0) break;
      for (let j = 0; j < dim; j += 1) next[j]! /= norm;
      const change = 1 - Math.abs(dot(next, vector));
      vector = next;
      eigenvalue = norm;
      if (change < 1e-12) break;
    }
    // Fix the sign so results do not flip between runs: largest entry positive.
    let largest = 0;
    for (let j = 1; j < dim; j += 1)
      if (Math.abs(vector[j]!) > Math.abs(vector[largest]!)) largest = j;
    if (vector[largest]! < 0) for (let j = 0; j < dim; j += 1) vector[j] = -vector[j]!;
    found.push(vector);
    variances.push(eigenvalue);
  }

  let totalVariance = 0;
  for (let j = 0; j < dim; j += 1) totalVariance += covariance[j * dim + j]!;

  return {
    mean,
    components: found,
    explainedVariance: variances,
    totalVariance,
    explainedVarianceRatio: variances.map((variance) =>
      totalVariance > 0 ? Math.min(1, variance / totalVariance) : 0,
    ),
    project(data, rowsCount) {
      checkPositiveInteger('Pca.project', 'count', rowsCount);
      checkRows('Pca.project', 'rows', data, rowsCount, dim);
      const out = new Float64Array(rowsCount * found.length);
      for (let i = 0; i < rowsCount; i += 1) {
        found.forEach((component, c) => {
          let sum = 0;
          for (let j = 0; j < dim; j += 1) sum += (data[i * dim + j]! - mean[j]!) * component[j]!;
          out[i * found.length + c] = sum;
        });
      }
      return out;
    },
  };
}

function multiply(matrix: Float64Array, vector: Float64Array, dim: number): Float64Array {
  const out = new Float64Array(dim);
  for (let a = 0; a < dim; a += 1) {
    let sum = 0;
    const offset = a * dim;
    for (let b = 0; b < dim; b += 1) sum += matrix[offset + b]! * vector[b]!;
    out[a] = sum;
  }
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j += 1) sum += a[j]! * b[j]!;
  return sum;
}

function normalise(vector: Float64Array): void {
  const norm = Math.hypot(...vector);
  for (let j = 0; j < vector.length; j += 1) vector[j]! /= norm;
}

function subtractProjection(vector: Float64Array, direction: Float64Array): void {
  const amount = dot(vector, direction);
  for (let j = 0; j < vector.length; j += 1) vector[j]! -= amount * direction[j]!;
}
