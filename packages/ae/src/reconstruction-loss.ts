import { bernoulliLogLikelihood, checkOneOf, checkSameShape, checkTensor } from '@aekit/core';
import {
  mean,
  neg,
  type Scalar,
  square,
  sub,
  sum,
  type Tensor1D,
  type Tensor2D,
  tidy,
} from '@tensorflow/tfjs-core';
import { type ReconstructionLoss, reconstructionLosses } from './reconstruction-loss-names';

// The names live in a module of their own, which loads no TensorFlow.js (`@aekit/ae/options`).
export { type ReconstructionLoss, reconstructionLosses } from './reconstruction-loss-names';

function checkPair(functionName: string, x: unknown, output: unknown): void {
  const target = checkTensor(functionName, 'x', x, { rank: 2, dtype: 'float32' });
  const predicted = checkTensor(functionName, 'output', output, { rank: 2, dtype: 'float32' });
  checkSameShape(functionName, 'x', target, 'output', predicted);
}

/**
 * The reconstruction loss of each example (see `ReconstructionLoss` for the formulas).
 * @param x      `[batch, D]` targets.
 * @param output `[batch, D]` the decoder's output: the reconstruction x̂ for `'mse-sum'` and
 *               `'mse'`, the logits l for `'bernoulli'`.
 * @returns `[batch]`. Differentiable; the inputs are not disposed.
 */
export function reconstructionErrors(
  x: Tensor2D,
  output: Tensor2D,
  loss: ReconstructionLoss,
): Tensor1D {
  checkPair('reconstructionErrors', x, output);
  const kind = checkOneOf('reconstructionErrors', 'loss', loss, reconstructionLosses);
  return tidy(() => errorsOf(x, output, kind));
}

function errorsOf(x: Tensor2D, output: Tensor2D, loss: ReconstructionLoss): Tensor1D {
  switch (loss) {
    case 'mse-sum':
      return sum(square(sub(x, output)), 1);
    case 'mse':
      return mean(square(sub(x, output)), 1);
    case 'bernoulli':
      return neg(bernoulliLogLikelihood(x, output));
  }
}

/**
 * The reconstruction term of a loss: `reconstructionErrors` averaged over the batch,
 * (1/B) Σ_b error_b.
 * @param x      `[batch, D]` targets.
 * @param output `[batch, D]` reconstructions (logits for `'bernoulli'`).
 * @returns a scalar. Differentiable; the inputs are not disposed.
 */
export function reconstructionLoss(
  x: Tensor2D,
  output: Tensor2D,
  loss: ReconstructionLoss,
): Scalar {
  checkPair('reconstructionLoss', x, output);
  const kind = checkOneOf('reconstructionLoss', 'loss', loss, reconstructionLosses);
  return tidy(() => mean(errorsOf(x, output, kind)));
}
