/**
 * The contract of a fused optimiser step: one tfjs kernel that updates every trained variable
 * of a model in a single call, instead of the 2–15 element-wise kernels per variable that
 * tfjs's optimisers run. `@aekit/runtime-wasm` registers it on `wasm` and `cpu`; `@aekit/train`
 * runs it whenever the active backend has it (and tfjs's own optimiser code otherwise). The
 * kernel is a plain function of its inputs: it never writes into an input, so parameters held
 * elsewhere (a clone, a cached packed copy of a weight matrix) are never changed behind the
 * engine's back.
 *
 * Inputs, for each variable i in 0…count−1 (all float32, `value{i}`, `gradient{i}` and every
 * state tensor of variable i have the same shape):
 * - `value{i}`, `gradient{i}`;
 * - `sgd`: no state;
 * - `momentum`: `accumulation{i}`;
 * - `adam`: `m{i}`, `v{i}`, and once for all variables the scalars `accBeta1`, `accBeta2`
 *   (β₁ᵗ, β₂ᵗ for the step t ≥ 1 being taken, as tfjs's Adam keeps them: they start at β₁, β₂).
 *
 * Outputs, in this order: for each variable i, its new value, then its new state in the order
 * above; for `adam` finally the new `accBeta1`, `accBeta2` (β₁ᵗ⁺¹, β₂ᵗ⁺¹). The updates are
 * exactly those of tfjs 4.22's `SGDOptimizer`, `MomentumOptimizer` and `AdamOptimizer`:
 *
 *   sgd       θ ← θ − η g
 *   momentum  a ← μ a + g;   θ ← θ − η a              (Nesterov: θ ← θ − η (g + μ a))
 *   adam      m ← β₁ m + (1 − β₁) g;   v ← β₂ v + (1 − β₂) g²
 *             θ ← θ − η (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 */
export const optimizerStepKernelName = 'AekitOptimizerStep';

/** The optimisers the fused step implements. */
export type OptimizerStepMethod = 'sgd' | 'momentum' | 'adam';

/** Attributes of the `AekitOptimizerStep` kernel. */
export interface OptimizerStepAttrs {
  readonly method: OptimizerStepMethod;
  /** Number of variables updated. */
  readonly count: number;
  /** η. */
  readonly learningRate: number;
  /** μ, for `momentum`. */
  readonly momentum?: number;
  /** Nesterov momentum, for `momentum`. Default false. */
  readonly useNesterov?: boolean;
  /** β₁, β₂, ε, for `adam`. */
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

/** The state tensors each variable carries for `method`, in kernel input/output order. */
export function optimizerStepStateNames(method: OptimizerStepMethod): readonly string[] {
  switch (method) {
    case 'sgd':
      return [];
    case 'momentum':
      return ['accumulation'];
    case 'adam':
      return ['m', 'v'];
  }
}
