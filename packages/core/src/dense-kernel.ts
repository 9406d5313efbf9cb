/**
 * The contract of a dense-layer kernel with its own gradient: `y = act(x·W + b)` (or with
 * `transposeW`, `act(x·Wᵀ + b)`) in one kernel call, whose gradient computes only what the
 * backward pass needs. `@aekit/runtime-wasm` registers it (on `wasm` and `cpu`, with the
 * gradient); `@aekit/layers`' `applyDense` uses it under a gradient tape where the active
 * backend has it, so a training step runs one kernel per layer forward instead of three, and the
 * gradient of a layer's input is computed only when something needs it (a network's first
 * layer, whose input is data, skips that product).
 *
 * Inputs: `x [batch, inDim]`, `W [inDim, outDim]` (`[outDim, inDim]` with `transposeW`),
 * `b [outDim]`, all float32. Output: `y [batch, outDim]`. Gradient, with g = dy ⊙ act′ (for
 * relu, act′ = 1 where y > 0, else 0):
 *
 *   ∂x = g·Wᵀ (g·W with transposeW),  ∂W = xᵀ·g (gᵀ·x with transposeW),  ∂b = Σ_batch g
 */
export const denseKernelName = 'AekitDense';

/** The activations the dense kernel fuses. */
export const denseKernelActivations = ['linear', 'relu'] as const;

/** Attributes of the `AekitDense` kernel. */
export interface DenseKernelAttrs {
  readonly transposeW: boolean;
  readonly activation: (typeof denseKernelActivations)[number];
}
