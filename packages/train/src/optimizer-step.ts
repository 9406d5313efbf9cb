import {
  type OptimizerStepAttrs,
  type OptimizerStepMethod,
  optimizerStepKernelName,
  optimizerStepStateNames,
} from '@aekit/core';
import {
  AdamOptimizer,
  engine,
  getBackend,
  getKernel,
  MomentumOptimizer,
  type NamedAttrMap,
  type NamedTensorMap,
  type Optimizer,
  SGDOptimizer,
  type Tensor,
  tidy,
  type Variable,
  variable,
  zerosLike,
} from '@tensorflow/tfjs-core';

/** A gradient for the variable registered under `name`, as `Optimizer.applyGradients` takes it. */
export interface NamedGradient {
  readonly name: string;
  readonly tensor: Tensor | undefined;
}

interface OptimizerVariable {
  originalName: string;
  variable: Variable;
}

/** The private fields of tfjs 4.22's optimisers that the fused step reads and updates. */
interface OptimizerInternals {
  learningRate: number;
  incrementIterations(): void;
  // SGD / momentum
  momentum?: number;
  useNesterov?: boolean;
  accumulations?: (OptimizerVariable | undefined)[];
  // Adam
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  accBeta1?: Variable;
  accBeta2?: Variable;
  accumulatedFirstMoment?: (OptimizerVariable | undefined)[];
  accumulatedSecondMoment?: (OptimizerVariable | undefined)[];
}

/**
 * The fused method for exactly these classes (a subclass may change the update, so it keeps its
 * own `applyGradients`).
 */
function methodOf(optimizer: Optimizer): OptimizerStepMethod | undefined {
  switch (optimizer.constructor) {
    case AdamOptimizer:
      return 'adam';
    case MomentumOptimizer:
      return 'momentum';
    case SGDOptimizer:
      return 'sgd';
    default:
      return undefined;
  }
}

/** Whether `applyOptimizerStep` fuses the update of `optimizer` on the active backend. */
export function canFuseOptimizerStep(optimizer: Optimizer): boolean {
  return (
    methodOf(optimizer) !== undefined &&
    getKernel(optimizerStepKernelName, getBackend()) !== undefined
  );
}

/** The state slot `slot` of variable `index`, created as tfjs does (zeros, not trainable). */
function stateVariable(
  slots: (OptimizerVariable | undefined)[],
  index: number,
  name: string,
  suffix: string,
): Variable {
  let slot = slots[index];
  if (slot === undefined) {
    const value = engine().registeredVariables[name]!;
    slot = {
      originalName: `${name}/${suffix}`,
      variable: tidy(() => variable(zerosLike(value), false)),
    };
    slots[index] = slot;
  }
  return slot.variable;
}

/**
 * `optimizer.applyGradients(gradients)`, in one fused kernel call when the active backend has
 * `@aekit/core`'s optimiser-step kernel (registered by `@aekit/runtime-wasm` on `wasm` and `cpu`)
 * and `optimizer` is exactly tfjs's Adam, SGD or momentum optimiser; otherwise tfjs's own code.
 * The fused step leaves the optimiser in the state tfjs's would: the same moment variables
 * (names, order), β powers and iteration count, so `getWeights`, checkpoints and a later
 * unfused step carry on from it. Gradients are not disposed.
 */
export function applyOptimizerStep(
  optimizer: Optimizer,
  gradients: readonly NamedGradient[],
): void {
  const method = methodOf(optimizer);
  // A variable without a gradient is a case tfjs handles in its own way (Adam still creates
  // its moments); it is rare, so it takes tfjs's path.
  if (
    method === undefined ||
    getKernel(optimizerStepKernelName, getBackend()) === undefined ||
    gradients.some((gradient) => gradient.tensor === undefined)
  ) {
    optimizer.applyGradients(
      gradients.map(({ name, tensor }) => ({ name, tensor: tensor as Tensor })),
    );
    return;
  }
  const internals = optimizer as unknown as OptimizerInternals;
  const stateNames = optimizerStepStateNames(method);
  internals.accumulations ??= [];
  internals.accumulatedFirstMoment ??= [];
  internals.accumulatedSecondMoment ??= [];
  const slotsOf: Record<string, (OptimizerVariable | undefined)[]> = {
    accumulation: internals.accumulations,
    m: internals.accumulatedFirstMoment,
    v: internals.accumulatedSecondMoment,
  };
  const suffixOf: Record<string, string> = { accumulation: 'momentum', m: 'm', v: 'v' };
  const inputs: NamedTensorMap = {};
  const targets: Variable[] = [];
  gradients.forEach(({ name, tensor }, index) => {
    const value = engine().registeredVariables[name];
    if (value === undefined) throw new Error(`applyOptimizerStep: no variable named '${name}'.`);
    inputs[`value${index}`] = value;
    inputs[`gradient${index}`] = tensor!;
    targets.push(value);
    for (const state of stateNames) {
      const slot = stateVariable(slotsOf[state]!, index, name, suffixOf[state]!);
      inputs[`${state}${index}`] = slot;
      targets.push(slot);
    }
  });
  const attrs: OptimizerStepAttrs = {
    method,
    count: gradients.length,
    learningRate: internals.learningRate,
    ...(method === 'momentum'
      ? { momentum: internals.momentum!, useNesterov: internals.useNesterov === true }
      : {}),
    ...(method === 'adam'
      ? { beta1: internals.beta1!, beta2: internals.beta2!, epsilon: internals.epsilon! }
      : {}),
  };
  if (method === 'adam') {
    inputs.accBeta1 = internals.accBeta1!;
    inputs.accBeta2 = internals.accBeta2!;
    targets.push(internals.accBeta1!, internals.accBeta2!);
  }
  const outputs = engine().runKernel(
    optimizerStepKernelName,
    inputs,
    attrs as unknown as NamedAttrMap,
  ) as Tensor[];
  targets.forEach((target, index) => {
    target.assign(outputs[index]!);
  });
  for (const output of outputs) output.dispose();
  internals.incrementIterations();
}
