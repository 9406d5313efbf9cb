import {
  add,
  exp,
  isFinite as isFiniteTensor,
  log,
  max,
  squeeze,
  sub,
  sum,
  type Tensor,
  tidy,
  where,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { checkBoolean, checkTensor } from './checks';
import { ShapeMismatchError } from './errors';
import { checkAxis } from './math-checks';

function checkReducible(functionName: string, t: unknown, axis: unknown, keepDims: unknown) {
  const tensor = checkTensor(functionName, 't', t, { dtype: 'float32' });
  if (tensor.rank === 0) {
    throw new ShapeMismatchError({
      functionName,
      argument: 't',
      expected: 'rank ≥ 1',
      actual: tensor.shape,
    });
  }
  checkBoolean(functionName, 'keepDims', keepDims);
  const checkedAxis = checkAxis(functionName, axis, tensor.rank);
  if (tensor.shape[checkedAxis] === 0) {
    throw new ShapeMismatchError({
      functionName,
      argument: 't',
      expected: `at least one entry along axis ${checkedAxis}`,
      actual: tensor.shape,
    });
  }
  return { tensor, axis: checkedAxis };
}

/** ln Σ exp(t) along `axis` of a checked tensor, shifting by the (finite) maximum first. */
function shiftedLogSumExp(t: Tensor, axis: number, keepDims: boolean): Tensor {
  const peak = max(t, axis, true);
  // An all −∞ (or +∞) slice has a non-finite maximum; shifting by 0 there gives −∞ (or +∞).
  const shift = where(isFiniteTensor(peak), peak, zerosLike(peak));
  const result = add(log(sum(exp(sub(t, shift)), axis, true)), shift);
  return keepDims ? result : squeeze(result, [axis]);
}

/**
 * ln Σᵢ exp(tᵢ) along `axis`, stable for any magnitude: the maximum m is subtracted before
 * exponentiating, m + ln Σ exp(t − m), so values like ±1e4 neither overflow nor underflow.
 * Slices of −∞ give −∞. Differentiable (the gradient is softmax(t) along `axis`).
 *
 * @param t a float32 tensor of rank ≥ 1.
 * @param axis the axis to reduce, in [−rank, rank − 1].
 * @param keepDims keep the reduced axis with size 1 (default false).
 * @returns `t`'s shape without `axis`. The input is not disposed.
 */
export function logSumExp(t: Tensor, axis: number, keepDims = false): Tensor {
  const checked = checkReducible('logSumExp', t, axis, keepDims);
  return tidy(() => shiftedLogSumExp(checked.tensor, checked.axis, keepDims));
}

/**
 * ln((1/n) Σᵢ exp(tᵢ)) = logSumExp(t, axis) − ln n along `axis`, n its size: the log of a mean of
 * likelihoods given their logs (importance-weighted bounds, Monte Carlo marginal likelihoods).
 * Stable for any magnitude, like `logSumExp`.
 *
 * @param t a float32 tensor of rank ≥ 1.
 * @param axis the axis to reduce, in [−rank, rank − 1].
 * @param keepDims keep the reduced axis with size 1 (default false).
 * @returns `t`'s shape without `axis`. The input is not disposed.
 */
export function logMeanExp(t: Tensor, axis: number, keepDims = false): Tensor {
  const checked = checkReducible('logMeanExp', t, axis, keepDims);
  const count = checked.tensor.shape[checked.axis]!;
  return tidy(() => sub(shiftedLogSumExp(checked.tensor, checked.axis, keepDims), Math.log(count)));
}
