import {
  add,
  exp,
  getGradient,
  minimum,
  mul,
  type NamedAttrMap,
  registerGradient,
  scalar,
  sigmoid,
  square,
  step,
  sub,
  type Tensor,
  tanh,
} from '@tensorflow/tfjs-core';

/**
 * Why this exists: tfjs 4.22 computes a gradient of a gradient wrongly — silently — through
 * every kernel whose registered gradient reads the kernel's *output* (`outputsToSave`):
 * `Sigmoid`, `Tanh`, `Elu`, `Exp` among the activations. The engine saves that output as a
 * clone whose tape node it records *before* the kernel's own node, so the outer backward pass
 * does not see that the clone depends on the kernel's input, and drops the term σ″ of the
 * second derivative (measured: ∂‖J‖²_F/∂b is exactly 0 for a tanh layer, and the weights'
 * gradients are off by 50 %). Inputs are saved as clones too, but their nodes come after the
 * nodes that made them, so gradients that read only inputs are right to every order.
 *
 * These are the same gradients written from the saved input (σ′ recomputed from x: one more
 * element-wise kernel in the backward pass), so a vector–Jacobian product inside a gradient —
 * the contractive penalty of any encoder — differentiates correctly.
 */
const inputGradients: Record<string, (dy: Tensor, x: Tensor) => Tensor> = {
  Sigmoid: (dy, x) => {
    const y = sigmoid(x);
    return mul(dy, mul(y, sub(scalar(1), y)));
  },
  Tanh: (dy, x) => mul(dy, sub(scalar(1), square(tanh(x)))),
  // σ′ = s + (1 − s)·exp(min(x, 0)) with s = step(x): step has a (zero) gradient where
  // `greater` has none, and min(x, 0) keeps exp finite where s = 1.
  Elu: (dy, x) => {
    const s = step(x);
    return mul(dy, add(s, mul(sub(scalar(1), s), exp(minimum(x, 0)))));
  },
  Exp: (dy, x) => mul(dy, exp(x)),
};

/** The kernels `installSecondOrderGradients` re-registers. */
export const secondOrderGradientKernels = Object.keys(inputGradients);

/**
 * Makes gradients of gradients right through `Sigmoid`, `Tanh`, `Elu` and `Exp` (see above) by
 * registering their gradients computed from the saved input, once per process; idempotent.
 * The first-order values are the same as tfjs's. The registry is global to tfjs, so this holds
 * for every backend.
 */
export function installSecondOrderGradients(): void {
  for (const [kernelName, gradient] of Object.entries(inputGradients)) {
    const current = getGradient(kernelName) as { outputsToSave?: boolean[] } | undefined;
    if (current !== undefined && !(current.outputsToSave ?? []).some(Boolean)) continue;
    registerGradient({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], _attrs?: NamedAttrMap) => {
        const [x] = saved as [Tensor];
        return { x: () => gradient(dy as Tensor, x) };
      },
    });
  }
}
