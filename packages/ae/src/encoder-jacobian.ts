import {
  type DenseActivation,
  type DenseLayer,
  InvalidArgumentError,
  jacobian,
  mlpJacobianFrobeniusSquared,
} from '@aekit/core';
import { applyMlp, type Mlp } from '@aekit/layers';
import {
  sqrt,
  square,
  sum,
  type Tensor1D,
  type Tensor2D,
  tidy,
  transpose,
} from '@tensorflow/tfjs-core';
import { checkBatch, checkMlp } from './check-mlp';
import { closedFormActivations } from './closed-form-activations';

// The list lives in a module of its own, which loads no TensorFlow.js (`@aekit/ae/options`).
export { closedFormActivations } from './closed-form-activations';

function hasClosedForm(stack: Mlp): boolean {
  return stack.layers.every((layer) =>
    (closedFormActivations as readonly string[]).includes(layer.activation),
  );
}

/** The stack as `@aekit/core` dense layers (W as `[in, out]`), inside the caller's tidy. */
function denseLayers(stack: Mlp): DenseLayer[] {
  return stack.layers.map((layer) => ({
    W: layer.tied ? (transpose(layer.W) as Tensor2D) : layer.W,
    b: layer.b,
    activation: layer.activation as DenseActivation,
  }));
}

/**
 * ‖J_f(x)‖²_F per example for an encoder f given as an `Mlp`: Σ_ij (∂f_i/∂x_j)², exactly, by
 * `@aekit/core` (the closed form Σ_j σ'(a_j)² ‖W_{·j}‖² for one layer, the batched chain
 * J = D_L W_Lᵀ ⋯ D_1 W_1ᵀ for several). Differentiable in `x` and every weight: this is the
 * contractive penalty. Every activation must have a closed-form derivative (`sigmoid`, `tanh`,
 * `relu`, `softplus`, `linear`).
 * @param encoder `[inputDim, …, latentDim]`.
 * @param x `[batch, inputDim]`.
 * @returns `[batch]`. The inputs are not disposed.
 */
export function encoderJacobianFrobeniusSquared(encoder: Mlp, x: Tensor2D): Tensor1D {
  const name = 'encoderJacobianFrobeniusSquared';
  const stack = checkMlp(name, 'encoder', encoder);
  checkBatch(name, 'x', x, stack.widths[0]!);
  if (!hasClosedForm(stack)) {
    const index = stack.layers.findIndex(
      (layer) => !(closedFormActivations as readonly string[]).includes(layer.activation),
    );
    throw new InvalidArgumentError({
      functionName: name,
      argument: `encoder.layers[${index}].activation`,
      rule: `one of ${closedFormActivations.map((item) => `'${item}'`).join(', ')} (activations with a closed-form derivative)`,
      value: stack.layers[index]!.activation,
    });
  }
  return tidy(() => mlpJacobianFrobeniusSquared(x, denseLayers(stack)));
}

/**
 * ‖J_f(x)‖_F per example for any encoder f given as an `Mlp`, for analysis (the contractive
 * family's `jacobianNorm`, and the same figure for every other family). Exact: closed forms
 * where every activation has one, else reverse-mode autodiff (`@aekit/core`'s `jacobian`, one
 * backward pass per block of output units). Not meant to be differentiated; train with
 * `encoderJacobianFrobeniusSquared`.
 * @param encoder `[inputDim, …, latentDim]`.
 * @param x `[batch, inputDim]`.
 * @returns `[batch]`. The inputs are not disposed.
 */
export function encoderJacobianNorm(encoder: Mlp, x: Tensor2D): Tensor1D {
  const name = 'encoderJacobianNorm';
  const stack = checkMlp(name, 'encoder', encoder);
  checkBatch(name, 'x', x, stack.widths[0]!);
  return tidy(() => {
    if (hasClosedForm(stack)) return sqrt(mlpJacobianFrobeniusSquared(x, denseLayers(stack)));
    const full = jacobian((input) => applyMlp(stack, input), x);
    return sqrt(sum(square(full), [1, 2])) as Tensor1D;
  });
}

/**
 * ‖J_f(x)‖_F per example for any encoder f given as a function `[batch, inputDim] →
 * [batch, latentDim]` (e.g. a convolutional encoder and its code layer), for analysis: exact,
 * by reverse-mode autodiff (`@aekit/core`'s `jacobian`). Not meant to be differentiated.
 * @returns `[batch]`. The inputs are not disposed.
 */
export function functionJacobianNorm(f: (x: Tensor2D) => Tensor2D, x: Tensor2D): Tensor1D {
  return tidy(() => sqrt(sum(square(jacobian(f, x)), [1, 2])) as Tensor1D);
}
