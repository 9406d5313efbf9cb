import { mul, type Tensor, tensor1d, tensor2d } from '@tensorflow/tfjs-core';
import { readSpdMatrix } from './cholesky';
import { InvalidArgumentError, ShapeMismatchError } from './errors';
import { checkFloatTensor } from './math-checks';

/** A covariance read to float64: its symmetrised entries and its Cholesky factor. */
export interface SpdMatrix {
  readonly matrix: Float64Array;
  readonly factor: Float64Array;
}

/** The four checked arguments of a divergence between two full-covariance Gaussians. */
export interface GaussianPair {
  readonly k: number;
  readonly mu0: Float64Array;
  readonly mu1: Float64Array;
  readonly cov0: SpdMatrix;
  readonly cov1: SpdMatrix;
}

function readFiniteVector(functionName: string, argument: string, t: Tensor): Float64Array {
  const values = Float64Array.from(t.dataSync() as Float32Array);
  const bad = values.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: 'a tensor of finite values',
      value: t,
      hint: `Entry [${bad}] is ${values[bad]}.`,
    });
  }
  return values;
}

/**
 * Checks `mu0 [k]`, `cov0 [k, k]`, `mu1 [k]`, `cov1 [k, k]` (float32, finite, covariances
 * symmetric positive definite) and reads them to float64 with the covariances' Cholesky
 * factors. Shapes are checked before any value is read.
 */
export function readGaussianPair(
  functionName: string,
  mu0: unknown,
  cov0: unknown,
  mu1: unknown,
  cov1: unknown,
): GaussianPair {
  const m0 = checkFloatTensor(functionName, 'mu0', mu0, 1);
  const k = m0.shape[0]!;
  if (k === 0) {
    throw new ShapeMismatchError({
      functionName,
      argument: 'mu0',
      expected: 'at least one dimension',
      actual: m0.shape,
    });
  }
  const c0 = checkFloatTensor(functionName, 'cov0', cov0, 2, [k, k]);
  const m1 = checkFloatTensor(functionName, 'mu1', mu1, 1, [k]);
  const c1 = checkFloatTensor(functionName, 'cov1', cov1, 2, [k, k]);
  return {
    k,
    mu0: readFiniteVector(functionName, 'mu0', m0),
    cov0: readSpdMatrix(functionName, 'cov0', c0),
    mu1: readFiniteVector(functionName, 'mu1', m1),
    cov1: readSpdMatrix(functionName, 'cov1', c1),
  };
}

/** δ = μ₁ − μ₀ in float64. */
export function meanDifference(pair: GaussianPair): Float64Array {
  const delta = new Float64Array(pair.k);
  for (let i = 0; i < pair.k; i += 1) delta[i] = pair.mu1[i]! - pair.mu0[i]!;
  return delta;
}

/** A float64 k-vector or k × k matrix as a float32 tensor, times the upstream scalar `dy`. */
export function scaledGradient(dy: Tensor, values: Float64Array, shape: readonly number[]): Tensor {
  const data = Float32Array.from(values);
  const t = shape.length === 1 ? tensor1d(data) : tensor2d(data, [shape[0]!, shape[1]!]);
  const scaled = mul(dy, t);
  t.dispose();
  return scaled;
}
