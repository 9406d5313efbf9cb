import {
  add,
  engine,
  exp,
  getBackend,
  getKernel,
  mul,
  neg,
  square,
  sub,
  sum,
  type Tensor,
  type Tensor1D,
  tidy,
} from '@tensorflow/tfjs-core';
import { stableSoftplus } from './activations';
import { bernoulliLogLikelihoodKernelName } from './bernoulli-kernel';
import { checkNumber, checkTensor } from './checks';
import { ShapeMismatchError } from './errors';
import { checkFloatTensorsAlike } from './math-checks';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/**
 * Bernoulli log-likelihood of `x` given logits, per example, in nats:
 * Σ_j x_j ln σ(l_j) + (1 − x_j) ln(1 − σ(l_j)) = Σ_j x_j l_j − softplus(l_j).
 *
 * Computed from the logits (never from probabilities), so a saturated output (|l| in the
 * hundreds) gives a large finite value, never log(0). The gradient with respect to the logits
 * is x − σ(l). `x` is usually binary; values in [0, 1] (grey levels) give the usual
 * cross-entropy, which is not a normalised density there.
 *
 * @param x `[batch, dim]` targets.
 * @param logits `[batch, dim]` decoder outputs before the sigmoid.
 * @returns `[batch]`, ≤ 0. Differentiable; the inputs are not disposed.
 */
export function bernoulliLogLikelihood(x: Tensor, logits: Tensor): Tensor1D {
  checkFloatTensorsAlike('bernoulliLogLikelihood', 2, [
    ['x', x],
    ['logits', logits],
  ]);
  if (getKernel(bernoulliLogLikelihoodKernelName, getBackend()) !== undefined) {
    // One kernel (with its own gradient) where the backend has one: see bernoulli-kernel.ts.
    return engine().runKernel(bernoulliLogLikelihoodKernelName, { x, logits }) as Tensor1D;
  }
  return tidy(() => sum(sub(mul(x, logits), stableSoftplus(logits)), 1) as Tensor1D);
}

/**
 * Gaussian log-likelihood of `x` under N(mean, diag exp(logVar)), per example, in nats:
 * −½ Σ_j (ln 2π + logVar_j + (x_j − mean_j)² e^−logVar_j), the constant included.
 *
 * `logVar` is a tensor for a learned variance — `[batch, dim]` (one per output, e.g. from a
 * decoder head) or `[dim]` (one per feature, shared by the batch) — or a number for a fixed
 * variance σ² = e^logVar.
 *
 * Relation to the mean squared error: with a fixed variance σ² and d features,
 * −log p(x) = ‖x − mean‖² / (2σ²) + (d/2) ln(2πσ²) = (d / (2σ²)) · MSE + (d/2) ln(2πσ²),
 * where MSE = ‖x − mean‖² / d is the per-example mean squared error. Maximising a fixed-variance
 * Gaussian likelihood is therefore minimising the MSE; the variance only scales it (and adds a
 * constant). logVar = 0 (σ² = 1) gives ½‖x − mean‖² + (d/2) ln 2π; logVar = −ln 2 (σ² = ½)
 * gives exactly the sum of squared errors plus (d/2) ln π. In a VAE, σ² sets the weight of the
 * reconstruction against the KL term.
 *
 * @param x `[batch, dim]` targets.
 * @param mean `[batch, dim]` predicted means.
 * @param logVar a finite number, or a float32 tensor `[batch, dim]` or `[dim]`: ln σ².
 * @returns `[batch]`. Differentiable in `x`, `mean` and a tensor `logVar`; the inputs are not
 *   disposed.
 */
export function gaussianLogLikelihood(x: Tensor, mean: Tensor, logVar: Tensor | number): Tensor1D {
  const name = 'gaussianLogLikelihood';
  const [checkedX] = checkFloatTensorsAlike(name, 2, [
    ['x', x],
    ['mean', mean],
  ]);
  const [batch, dim] = checkedX!.shape as [number, number];
  if (typeof logVar === 'number') {
    checkNumber(name, 'logVar', logVar);
    return tidy(() => {
      const squared = sum(square(sub(x, mean)), 1);
      const constant = dim * (LOG_TWO_PI + logVar);
      return mul(add(mul(squared, Math.exp(-logVar)), constant), -0.5) as Tensor1D;
    });
  }
  const lv = checkTensor(name, 'logVar', logVar, { dtype: 'float32' });
  const fits =
    (lv.rank === 2 && lv.shape[0] === batch && lv.shape[1] === dim) ||
    (lv.rank === 1 && lv.shape[0] === dim);
  if (!fits) {
    throw new ShapeMismatchError({
      functionName: name,
      argument: 'logVar',
      expected: `shape [${batch}, ${dim}] or [${dim}] (the shape of 'x' or one entry per feature), or be a number`,
      actual: lv.shape,
    });
  }
  return tidy(() => {
    const perFeature = add(add(lv, mul(square(sub(x, mean)), exp(neg(lv)))), LOG_TWO_PI);
    // A [dim] logVar broadcasts over the batch.
    return mul(sum(perFeature, 1), -0.5) as Tensor1D;
  });
}
