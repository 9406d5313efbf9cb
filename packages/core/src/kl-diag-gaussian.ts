import {
  add,
  exp,
  expm1,
  mul,
  neg,
  square,
  sub,
  sum,
  type Tensor,
  type Tensor1D,
  tidy,
} from '@tensorflow/tfjs-core';
import { checkFloatTensorsAlike } from './math-checks';

/**
 * KL(N(μ, diag σ²) ‖ N(0, I)) per example, in nats: the VAE's regulariser.
 *
 * ½ Σ_j (exp(logVar_j) + μ_j² − 1 − logVar_j), summed over the features of each row.
 * Evaluated as ½ Σ_j (expm1(logVar_j) − logVar_j + μ_j²), which keeps its digits near
 * logVar = 0 where exp(logVar) − 1 − logVar cancels.
 *
 * @param mu `[batch, dim]` posterior means.
 * @param logVar `[batch, dim]` posterior log-variances ln σ².
 * @returns `[batch]`, ≥ 0. Differentiable in both arguments; the inputs are not disposed.
 */
export function klDiagGaussianStdNormal(mu: Tensor, logVar: Tensor): Tensor1D {
  const name = 'klDiagGaussianStdNormal';
  checkFloatTensorsAlike(name, 2, [
    ['mu', mu],
    ['logVar', logVar],
  ]);
  return tidy(() => {
    const perFeature = add(sub(expm1(logVar), logVar), square(mu));
    return mul(sum(perFeature, 1), 0.5) as Tensor1D;
  });
}

/**
 * KL(N(μ₀, diag σ₀²) ‖ N(μ₁, diag σ₁²)) per example, in nats.
 *
 * ½ Σ_j (logVar1_j − logVar0_j + (σ₀_j² + (μ₀_j − μ₁_j)²) / σ₁_j² − 1), evaluated as
 * ½ Σ_j (expm1(d_j) − d_j + (μ₀_j − μ₁_j)² exp(−logVar1_j)) with d = logVar0 − logVar1, so
 * that variances never appear on their own (no overflow of σ² before the ratio is taken) and
 * nearby distributions keep their digits.
 *
 * @param mu0 `[batch, dim]` means of the first distribution.
 * @param logVar0 `[batch, dim]` log-variances of the first distribution.
 * @param mu1 `[batch, dim]` means of the second distribution.
 * @param logVar1 `[batch, dim]` log-variances of the second distribution.
 * @returns `[batch]`, ≥ 0. Differentiable in every argument; the inputs are not disposed.
 */
export function klDiagGaussians(
  mu0: Tensor,
  logVar0: Tensor,
  mu1: Tensor,
  logVar1: Tensor,
): Tensor1D {
  const name = 'klDiagGaussians';
  checkFloatTensorsAlike(name, 2, [
    ['mu0', mu0],
    ['logVar0', logVar0],
    ['mu1', mu1],
    ['logVar1', logVar1],
  ]);
  return tidy(() => {
    const d = sub(logVar0, logVar1);
    const mean = mul(square(sub(mu0, mu1)), exp(neg(logVar1)));
    const perFeature = add(sub(expm1(d), d), mean);
    return mul(sum(perFeature, 1), 0.5) as Tensor1D;
  });
}
