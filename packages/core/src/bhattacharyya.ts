import { customGrad, type Scalar, scalar, type Tensor } from '@tensorflow/tfjs-core';
import {
  cholesky,
  inverseFromCholesky,
  logDetFromCholesky,
  quadraticFormOfInverse,
  solveCholesky,
} from './cholesky';
import { meanDifference, readGaussianPair, scaledGradient } from './gaussian-pair';

/**
 * Bhattacharyya distance between two full-covariance Gaussians, in nats:
 * D_B = −ln ∫ √(p(z) q(z)) dz
 *     = ⅛ δᵀΣ⁻¹δ + ½ ln(det Σ / √(det Σ₀ det Σ₁)),  Σ = (Σ₀ + Σ₁)/2, δ = μ₁ − μ₀.
 *
 * Like `klMultivariateGaussians`, it is computed in float64 on the host from Cholesky factors
 * (the quadratic form by a triangular solve, log-determinants from the factors' diagonals; no
 * inverse, no determinant), reads its inputs synchronously, and is differentiable in every
 * argument through closed-form gradients: ∂/∂μ₁ = ¼Σ⁻¹δ = −∂/∂μ₀ and
 * ∂/∂Σ₀ = −1/16 Σ⁻¹δδᵀΣ⁻¹ + ¼(Σ⁻¹ − Σ₀⁻¹) (likewise Σ₁). Symmetric, ≥ 0, and 0 only for equal
 * distributions.
 *
 * @param mu0 `[k]` mean of the first distribution.
 * @param cov0 `[k, k]` covariance of the first distribution, symmetric positive definite.
 * @param mu1 `[k]` mean of the second distribution.
 * @param cov1 `[k, k]` covariance of the second distribution, symmetric positive definite.
 * @returns a scalar ≥ 0. The inputs are not disposed.
 * @throws InvalidArgumentError if a covariance is not symmetric positive definite or an entry
 *   is not finite; ShapeMismatchError if the shapes do not agree.
 */
export function bhattacharyyaGaussians(
  mu0: Tensor,
  cov0: Tensor,
  mu1: Tensor,
  cov1: Tensor,
): Scalar {
  const pair = readGaussianPair('bhattacharyyaGaussians', mu0, cov0, mu1, cov1);
  const { k } = pair;
  const L0 = pair.cov0.factor;
  const L1 = pair.cov1.factor;
  const delta = meanDifference(pair);
  const average = new Float64Array(k * k);
  for (let i = 0; i < k * k; i += 1) {
    average[i] = 0.5 * (pair.cov0.matrix[i]! + pair.cov1.matrix[i]!);
  }
  // The mean of two SPD matrices is SPD; only rounding could break this, and not in float64.
  const averaged = cholesky(average, k);
  if (!averaged.ok)
    throw new Error('bhattacharyyaGaussians: (Σ₀ + Σ₁)/2 is not positive definite.');
  const L = averaged.factor;

  const mahalanobis = quadraticFormOfInverse(L, k, delta);
  const logDets =
    logDetFromCholesky(L, k) - 0.5 * (logDetFromCholesky(L0, k) + logDetFromCholesky(L1, k));
  // Exact arithmetic gives ≥ 0; rounding may give −1e-16 for equal distributions.
  const distance = Math.max(0, mahalanobis / 8 + logDets / 2);

  const op = customGrad(() => ({
    value: scalar(distance),
    gradFunc: (dy: Tensor) => {
      const inverse = inverseFromCholesky(L, k);
      const inverse0 = inverseFromCholesky(L0, k);
      const inverse1 = inverseFromCholesky(L1, k);
      const w = solveCholesky(L, k, delta); // Σ⁻¹δ
      const gCov0 = new Float64Array(k * k);
      const gCov1 = new Float64Array(k * k);
      for (let i = 0; i < k; i += 1) {
        for (let j = 0; j < k; j += 1) {
          const index = i * k + j;
          const shared = (-w[i]! * w[j]!) / 16 + inverse[index]! / 4;
          gCov0[index] = shared - inverse0[index]! / 4;
          gCov1[index] = shared - inverse1[index]! / 4;
        }
      }
      return [
        scaledGradient(
          dy,
          w.map((value) => -value / 4),
          [k],
        ),
        scaledGradient(dy, gCov0, [k, k]),
        scaledGradient(
          dy,
          w.map((value) => value / 4),
          [k],
        ),
        scaledGradient(dy, gCov1, [k, k]),
      ];
    },
  }));
  return op(mu0, cov0, mu1, cov1) as Scalar;
}
