import { checkOneOf } from '@aekit/core';
import {
  clone,
  elu,
  leakyRelu,
  relu,
  sigmoid,
  softplus,
  type Tensor,
  tanh,
} from '@tensorflow/tfjs-core';
import { type ActivationName, activationNames } from './activation-names';

// The names live in a module of their own, which loads no TensorFlow.js (`@aekit/layers/options`).
export { type ActivationName, activationNames } from './activation-names';

/** The slope of `leakyRelu` for negative inputs. */
export const leakyReluAlpha = 0.2;

/** Checks that `value` names an activation; returns it typed. */
export function checkActivation(
  functionName: string,
  argument: string,
  value: unknown,
): ActivationName {
  return checkOneOf(functionName, argument, value, activationNames);
}

/**
 * Applies `activation` element-wise. For `linear` it may return `x` itself: internal use only,
 * inside code that owns `x` and tracks what it frees.
 */
export function activateOwned<T extends Tensor>(x: T, activation: ActivationName): T {
  switch (activation) {
    case 'sigmoid':
      return sigmoid(x);
    case 'relu':
      return relu(x);
    case 'tanh':
      return tanh(x);
    case 'softplus':
      return softplus(x);
    case 'leakyRelu':
      return leakyRelu(x, leakyReluAlpha);
    case 'elu':
      return elu(x);
    case 'linear':
      return x;
  }
}

/**
 * `activation(x)` element-wise, any shape. The input is not disposed; the caller owns the
 * result (a new tensor even for `linear`).
 */
export function activate<T extends Tensor>(x: T, activation: ActivationName): T {
  const name = checkActivation('activate', 'activation', activation);
  return name === 'linear' ? clone(x) : activateOwned(x, name);
}
