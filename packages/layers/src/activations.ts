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

/** The activations a layer can use, by name. */
export const activationNames = [
  'sigmoid',
  'relu',
  'tanh',
  'softplus',
  'leakyRelu',
  'elu',
  'linear',
] as const;

/**
 * An activation by name:
 * - `sigmoid`: 1 / (1 + e^(−x))
 * - `relu`: max(0, x)
 * - `tanh`: tanh(x)
 * - `softplus`: log(1 + e^x)
 * - `leakyRelu`: x for x ≥ 0, `leakyReluAlpha`·x below (slope 0.2, tfjs's default)
 * - `elu`: x for x > 0, e^x − 1 below (α = 1)
 * - `linear`: x
 */
export type ActivationName = (typeof activationNames)[number];

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
