import type { GradConfig } from '@tensorflow/tfjs-core';
import {
  add,
  avgPool,
  exp,
  getGradient,
  image,
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
  type Tensor4D,
  tanh,
  zerosLike,
} from '@tensorflow/tfjs-core';

/**
 * Why this exists: tfjs 4.22 computes a gradient of a gradient wrongly — silently — through
 * every kernel whose registered gradient reads the kernel's *output* (`outputsToSave`):
 * `Sigmoid`, `Tanh`, `Elu`, `Exp` among the activations. The engine saves that output as a
 * clone whose tape node it records *before* the kernel's own node, so the outer backward pass
 * does not see that the clone depends on the kernel's input, and drops the term σ″ of the
 * second derivative (measured: ∂‖J‖²_F/∂b is exactly 0 for a tanh layer, and the weights'
 * gradients are off by up to 50 %). Inputs are saved as clones too, but their nodes come after
 * the nodes that made them, so gradients that read only inputs are right to every order.
 *
 * These are the same gradients written from the saved input (σ′ recomputed from x: one more
 * element-wise kernel in the backward pass), so a vector–Jacobian product inside a gradient —
 * the contractive penalty of any encoder — differentiates correctly.
 */
const inputGradients: Record<string, (dy: Tensor, x: Tensor, attrs: NamedAttrMap) => Tensor> = {
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
  // tfjs's reads where(greater(x, 0), …), and `Greater` has no gradient: σ′ = step(x, α).
  LeakyRelu: (dy, x, attrs) => mul(dy, step(x, (attrs as { alpha: number }).alpha)),
};

/**
 * Comparisons and logical ops have a zero derivative wherever they have one, but tfjs registers
 * no gradient for them, so a second backward pass through a gradient that uses `where` (a
 * user's piecewise activation, say) stopped with "gradient function not found for Greater".
 */
const zeroGradientKernels = [
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'Equal',
  'NotEqual',
  'LogicalAnd',
  'LogicalOr',
  'LogicalNot',
];

/** Marks the gradients registered here, so a later call sees they are in place. */
const marker = Symbol.for('@aekit/ae.second-order-gradient');

/** Registers `config` unless this module's gradient for its kernel is registered already. */
function ensure(config: GradConfig): void {
  const current = getGradient(config.kernelName) as (GradConfig & { [marker]?: true }) | undefined;
  if (current?.[marker] === true) return;
  registerGradient(Object.assign({ ...config }, { [marker]: true as const }));
}

/**
 * Gradients of the linear gradient kernels of pooling and upsampling, which tfjs lacks: each
 * is dy ↦ Aᵀdy for the linear map A of its forward op, so its own gradient in dy is A ddx.
 * (`MaxPoolGrad` is missing too and is not added: its A selects each window's maximum.)
 */
const linearGradKernelGradients: GradConfig[] = [
  {
    kernelName: 'AvgPoolGrad',
    inputsToSave: ['input'],
    gradFunc: (ddx, saved, attrs) => {
      const [input] = saved as [Tensor];
      const { filterSize, strides, pad } = attrs as unknown as {
        filterSize: [number, number];
        strides: [number, number];
        pad: 'valid' | 'same' | number;
      };
      return {
        dy: () => avgPool(ddx as Tensor4D, filterSize, strides, pad),
        input: () => zerosLike(input),
      };
    },
  },
  {
    kernelName: 'ResizeNearestNeighborGrad',
    inputsToSave: ['images', 'dy'],
    gradFunc: (ddx, saved, attrs) => {
      const [images, dy] = saved as [Tensor, Tensor];
      const { alignCorners, halfPixelCenters } = attrs as unknown as {
        alignCorners: boolean;
        halfPixelCenters: boolean;
      };
      return {
        dy: () =>
          image.resizeNearestNeighbor(
            ddx as Tensor4D,
            [dy.shape[1]!, dy.shape[2]!],
            alignCorners,
            halfPixelCenters,
          ),
        images: () => zerosLike(images),
      };
    },
  },
];

/** Every gradient this module registers. */
const gradients: GradConfig[] = [
  ...Object.entries(inputGradients).map(
    ([kernelName, gradient]): GradConfig => ({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        const [x] = saved as [Tensor];
        return { x: () => gradient(dy as Tensor, x, attrs) };
      },
    }),
  ),
  ...zeroGradientKernels.map((kernelName): GradConfig => {
    const inputs = kernelName === 'LogicalNot' ? ['x'] : ['a', 'b'];
    return {
      kernelName,
      inputsToSave: inputs,
      gradFunc: (_dy, saved) =>
        Object.fromEntries(
          inputs.map((input, index) => [input, () => zerosLike(saved[index] as Tensor)]),
        ),
    };
  }),
  ...linearGradKernelGradients,
];

/** The kernels `installSecondOrderGradients` registers gradients for. */
export const secondOrderGradientKernels: readonly string[] = gradients.map(
  (config) => config.kernelName,
);

/**
 * Makes gradients of gradients right, and possible, through what tfjs 4.22 gets wrong or
 * lacks: `Sigmoid`, `Tanh`, `Elu`, `Exp` and `LeakyRelu` get their gradients computed from the
 * saved input (see above; the first-order values are tfjs's), comparisons and logical ops a
 * zero gradient, `AvgPoolGrad` and `ResizeNearestNeighborGrad` theirs. The registry is global
 * to tfjs, so this holds on every backend; a call after they are in place costs a few map
 * look-ups (and re-registers them if something registered tfjs's own since). `MaxPoolGrad`
 * still has no gradient.
 */
export function installSecondOrderGradients(): void {
  for (const config of gradients) ensure(config);
}
