import {
  abs,
  add,
  customGrad,
  exp,
  log1p,
  mul,
  neg,
  onesLike,
  relu,
  sigmoid,
  square,
  step,
  sub,
  type Tensor,
  tanh,
} from '@tensorflow/tfjs-core';

/** The activations whose dense-layer Jacobians have closed forms here. */
export type DenseActivation = 'sigmoid' | 'tanh' | 'relu' | 'softplus' | 'linear';

/** Every `DenseActivation`, in a stable order (for argument checks). */
export const DENSE_ACTIVATIONS: readonly DenseActivation[] = [
  'sigmoid',
  'tanh',
  'relu',
  'softplus',
  'linear',
];

/**
 * softplus(l) = ln(1 + eˡ) = max(l, 0) + log1p(e^−|l|): no overflow for large l, full digits for
 * very negative l. Its gradient is σ(l) everywhere, including l = 0 (where differentiating the
 * max/abs form would give 1 or 0 instead of ½).
 */
export function stableSoftplus(logits: Tensor): Tensor {
  const op = customGrad((l, save) => {
    const input = l as Tensor;
    (save as (tensors: Tensor[]) => void)([input]);
    return {
      value: add(relu(input), log1p(exp(neg(abs(input))))),
      gradFunc: (dy: Tensor, saved: Tensor[]) => mul(dy, sigmoid(saved[0]!)),
    };
  });
  return op(logits);
}

/** h = σ(a) for a pre-activation `a`. */
export function activate(a: Tensor, activation: DenseActivation): Tensor {
  switch (activation) {
    case 'sigmoid':
      return sigmoid(a);
    case 'tanh':
      return tanh(a);
    case 'relu':
      return relu(a);
    case 'softplus':
      return stableSoftplus(a);
    case 'linear':
      return a;
  }
}

/**
 * σ'(a), element-wise: sigmoid h(1 − h), tanh 1 − h², relu 1 for a > 0 else 0 (tfjs's
 * convention at 0), softplus σ(a), linear 1. Differentiable in `a` (the relu step has gradient
 * 0), so penalties built from it train.
 */
export function activationDerivative(a: Tensor, activation: DenseActivation): Tensor {
  switch (activation) {
    case 'sigmoid': {
      const h = sigmoid(a);
      return mul(h, sub(1, h));
    }
    case 'tanh':
      return sub(1, square(tanh(a)));
    case 'relu':
      return step(a);
    case 'softplus':
      return sigmoid(a);
    case 'linear':
      return onesLike(a);
  }
}
