import { customGrad, type Scalar, scalar, type Tensor } from '@tensorflow/tfjs-core';
import {
  inverseFromCholesky,
  logDetFromCholesky,
  quadraticFormOfInverse,
  solveCholesky,
  solveLower,
  solveUpperTransposed,
  squaredNormOfSolve,
} from './cholesky';
import { meanDifference, readGaussianPair, scaledGradient } from './gaussian-pair';

/**
 * KL(N(μ₀, Σ₀) ‖ N(μ₁, Σ₁)) between two full-covariance Gaussians, in nats:
 *
 * ½ (tr(Σ₁⁻¹Σ₀) + (μ₁−μ₀)ᵀΣ₁⁻¹(μ₁−μ₀) − k + ln(det Σ₁ / det Σ₀)).
 *
 * Computed stably, with no inverse and no determinant: with Σ = L Lᵀ (Cholesky),
 * tr(Σ₁⁻¹Σ₀) = ‖L₁⁻¹L₀‖²_F, the Mahalanobis term is ‖L₁⁻¹(μ₁−μ₀)‖², and
 * ln det Σ = 2 Σ ln L_ii, all by triangular solves in float64.
 *
 * The factorisation runs on the host in float64: tfjs-core has no Cholesky kernel, and in
 * float32 the terms of size k that cancel in a small KL lose about three digits at k = 64 (see
 * `cholesky.ts`). The function therefore reads its inputs synchronously. A covariance may
 * differ from its transpose by float32 rounding; the symmetric part (Σ + Σᵀ)/2 is used.
 *
 * Differentiable in every argument, through closed-form gradients computed in float64:
 * ∂/∂μ₁ = Σ₁⁻¹δ = −∂/∂μ₀ (δ = μ₁ − μ₀), ∂/∂Σ₀ = ½(Σ₁⁻¹ − Σ₀⁻¹) and
 * ∂/∂Σ₁ = ½(Σ₁⁻¹ − Σ₁⁻¹(Σ₀ + δδᵀ)Σ₁⁻¹), symmetric matrices.
 *
 * @param mu0 `[k]` mean of the first distribution.
 * @param cov0 `[k, k]` covariance of the first distribution, symmetric positive definite.
 * @param mu1 `[k]` mean of the second distribution.
 * @param cov1 `[k, k]` covariance of the second distribution, symmetric positive definite.
 * @returns a scalar ≥ 0. The inputs are not disposed.
 * @throws InvalidArgumentError if a covariance is not symmetric positive definite or an entry
 *   is not finite; ShapeMismatchError if the shapes do not agree.
 */
export function klMultivariateGaussians(
  mu0: Tensor,
  cov0: Tensor,
  mu1: Tensor,
  cov1: Tensor,
): Scalar {
  const pair = readGaussianPair('klMultivariateGaussians', mu0, cov0, mu1, cov1);
  const { k } = pair;
  const L0 = pair.cov0.factor;
  const L1 = pair.cov1.factor;
  const delta = meanDifference(pair);

  const trace = squaredNormOfSolve(L1, k, L0);
  const mahalanobis = quadraticFormOfInverse(L1, k, delta);
  const logDetRatio = logDetFromCholesky(L1, k) - logDetFromCholesky(L0, k);
  // Exact arithmetic gives ≥ 0; rounding may give −1e-16 for equal distributions.
  const kl = Math.max(0, 0.5 * (trace + mahalanobis - k + logDetRatio));

  const op = customGrad(() => ({
    value: scalar(kl),
    gradFunc: (dy: Tensor) => {
      const inverse1 = inverseFromCholesky(L1, k);
      const inverse0 = inverseFromCholesky(L0, k);
      const w = solveCholesky(L1, k, delta); // Σ₁⁻¹δ
      // Σ₁⁻¹Σ₀Σ₁⁻¹ = N Nᵀ with N = L₁⁻ᵀ(L₁⁻¹L₀).
      const n = new Float64Array(k * k);
      const column = new Float64Array(k);
      for (let j = 0; j < k; j += 1) {
        for (let i = 0; i < k; i += 1) column[i] = L0[i * k + j]!;
        const solved = solveUpperTransposed(L1, k, solveLower(L1, k, column));
        for (let i = 0; i < k; i += 1) n[i * k + j] = solved[i]!;
      }
      const gCov0 = new Float64Array(k * k);
      const gCov1 = new Float64Array(k * k);
      for (let i = 0; i < k; i += 1) {
        for (let j = 0; j < k; j += 1) {
          let nnT = 0;
          for (let p = 0; p < k; p += 1) nnT += n[i * k + p]! * n[j * k + p]!;
          const index = i * k + j;
          gCov0[index] = 0.5 * (inverse1[index]! - inverse0[index]!);
          gCov1[index] = 0.5 * (inverse1[index]! - nnT - w[i]! * w[j]!);
        }
      }
      const gMu1 = w;
      const gMu0 = w.map((value) => -value);
      return [
        scaledGradient(dy, gMu0, [k]),
        scaledGradient(dy, gCov0, [k, k]),
        scaledGradient(dy, gMu1, [k]),
        scaledGradient(dy, gCov1, [k, k]),
      ];
    },
  }));
  return op(mu0, cov0, mu1, cov1) as Scalar;
}
