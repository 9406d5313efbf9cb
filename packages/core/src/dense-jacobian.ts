import {
  add,
  matMul,
  mul,
  square,
  sum,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  tidy,
} from '@tensorflow/tfjs-core';
import { activationDerivative, DENSE_ACTIVATIONS, type DenseActivation } from './activations';
import { checkOneOf } from './checks';
import { checkFloatTensor } from './math-checks';

/** One dense layer h = σ(x W + b): `W` is `[inDim, outDim]`, `b` is `[outDim]`. */
export interface DenseLayer {
  readonly W: Tensor2D;
  readonly b: Tensor1D;
  readonly activation: DenseActivation;
}

/**
 * Checks a dense layer's parameters against its input width; `prefix` names them in errors
 * (`'W'` or `'layers[1].W'`). Returns the layer's output width.
 */
export function checkDenseLayer(
  functionName: string,
  prefix: string,
  inDim: number,
  W: unknown,
  b: unknown,
  activation: unknown,
): number {
  const weights = checkFloatTensor(functionName, `${prefix}W`, W, 2, [inDim, null]);
  const outDim = weights.shape[1]!;
  checkFloatTensor(functionName, `${prefix}b`, b, 1, [outDim]);
  checkOneOf(functionName, `${prefix}activation`, activation, DENSE_ACTIVATIONS);
  return outDim;
}

/**
 * ‖∂h/∂x‖²_F for one dense layer h = σ(x W + b), per example, in closed form: the Jacobian is
 * diag(σ'(a)) Wᵀ with a = x W + b, so ‖J‖²_F = Σ_j σ'(a_j)² Σ_i W_ij². With h = σ(a):
 * sigmoid σ' = h(1 − h), tanh 1 − h², relu 1 for a > 0 else 0, softplus sigmoid(a), linear 1.
 * This is the contractive autoencoder's penalty for a one-layer encoder.
 *
 * Costs one forward pass plus O(inDim · outDim) for the column norms of W, independent of the
 * batch; never forms the Jacobian.
 *
 * @param x `[batch, inDim]` inputs.
 * @param W `[inDim, outDim]` weights.
 * @param b `[outDim]` biases.
 * @param activation one of `'sigmoid'`, `'tanh'`, `'relu'`, `'softplus'`, `'linear'`.
 * @returns `[batch]`. Differentiable in `x`, `W` and `b`; the inputs are not disposed.
 */
export function denseJacobianFrobeniusSquared(
  x: Tensor,
  W: Tensor,
  b: Tensor,
  activation: DenseActivation,
): Tensor1D {
  const name = 'denseJacobianFrobeniusSquared';
  const input = checkFloatTensor(name, 'x', x, 2);
  checkDenseLayer(name, '', input.shape[1]!, W, b, activation);
  return tidy(() => denseFrobeniusSquared(input, W, b, activation));
}

/** The closed form, on checked arguments, inside the caller's tidy. */
export function denseFrobeniusSquared(
  x: Tensor,
  W: Tensor,
  b: Tensor,
  activation: DenseActivation,
): Tensor1D {
  const derivative = activationDerivative(add(matMul(x as Tensor2D, W as Tensor2D), b), activation);
  const columnNorms = sum(square(W), 0);
  return sum(mul(square(derivative), columnNorms), 1) as Tensor1D;
}
