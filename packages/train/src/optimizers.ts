import { checkOneOf, InvalidArgumentError } from '@aekit/core';
import {
  AdamOptimizer,
  Optimizer,
  type Tensor,
  tensor,
  train,
  Variable,
} from '@tensorflow/tfjs-core';
import type { StoredTensor } from './safetensors';

/*
 * The tfjs-level pieces of an optimiser's life (creation, learning rate, state capture and
 * restore); `TrainingOptimizer` (training-optimizer.ts) is the one object that uses them in `fit`.
 */

/** The optimisers `fit` creates by name (tfjs's defaults otherwise; momentum 0.9). */
export const optimizerNames = ['adam', 'sgd', 'momentum', 'rmsprop', 'adagrad'] as const;
/** An optimiser `fit` creates by name. */
export type OptimizerName = (typeof optimizerNames)[number];

/** A new optimiser of `name` with `learningRate`. */
export function createOptimizer(name: OptimizerName, learningRate: number): Optimizer {
  switch (name) {
    case 'adam':
      return train.adam(learningRate);
    case 'sgd':
      return train.sgd(learningRate);
    case 'momentum':
      return train.momentum(learningRate, 0.9);
    case 'rmsprop':
      return train.rmsprop(learningRate);
    case 'adagrad':
      return train.adagrad(learningRate);
  }
}

/** Checks `value` is an optimiser name or a `tf.Optimizer`. */
export function checkOptimizer(
  functionName: string,
  argument: string,
  value: unknown,
): OptimizerName | Optimizer {
  if (value instanceof Optimizer) return value;
  if (typeof value === 'string') return checkOneOf(functionName, argument, value, optimizerNames);
  throw new InvalidArgumentError({
    functionName,
    argument,
    rule: `one of ${optimizerNames.map((name) => `'${name}'`).join(', ')} or a tf.Optimizer`,
    value,
  });
}

interface LearningRateHolder {
  setLearningRate?: (learningRate: number) => void;
  learningRate?: unknown;
}

/**
 * Sets a tfjs optimiser's learning rate. SGD and momentum keep it in a tensor they rebuild in
 * `setLearningRate`; Adam, RMSProp, Adagrad and the others read the `learningRate` field at
 * every step.
 */
export function setLearningRate(optimizer: Optimizer, learningRate: number): void {
  const holder = optimizer as unknown as LearningRateHolder;
  if (typeof holder.setLearningRate === 'function') holder.setLearningRate(learningRate);
  else if (typeof holder.learningRate === 'number') holder.learningRate = learningRate;
  else {
    throw new InvalidArgumentError({
      functionName: 'fit',
      argument: 'options.optimizer',
      rule: 'an optimiser whose learning rate can be set (any tf.train optimiser), for a learningRate or schedule',
      value: optimizer.getClassName(),
    });
  }
}

/** An optimiser's saved state: its class, its weights in order, and hidden extras. */
export interface OptimizerState {
  readonly className: string;
  /** The weights' names, in `getWeights()` order (moments renamed to logical variable names). */
  readonly names: readonly string[];
  readonly weights: readonly StoredTensor[];
  /** State tfjs keeps outside `getWeights()` (Adam's β₁ᵗ and β₂ᵗ accumulators). */
  readonly extras: Readonly<Record<string, StoredTensor>>;
}

/** Adam's running powers β₁ᵗ, β₂ᵗ: private in tfjs, and `setWeights` recomputes them with `pow`,
 *  which is not bit-identical to the running product, so checkpoints carry the exact values. */
interface AdamAccumulators {
  accBeta1?: Variable;
  accBeta2?: Variable;
}

const adamExtras = ['accBeta1', 'accBeta2'] as const;

async function store(value: Tensor): Promise<StoredTensor> {
  if (value.dtype !== 'float32' && value.dtype !== 'int32') {
    throw new Error(`optimiser state of dtype ${value.dtype} cannot be saved`);
  }
  const data = await value.data();
  return value.dtype === 'float32'
    ? { dtype: 'F32', shape: [...value.shape], data: data as Float32Array }
    : { dtype: 'I32', shape: [...value.shape], data: data as Int32Array };
}

function renameWeight(name: string, from: ReadonlyMap<string, string>): string {
  const slash = name.lastIndexOf('/');
  if (slash < 0) return name;
  const owner = from.get(name.slice(0, slash));
  return owner === undefined ? name : `${owner}${name.slice(slash)}`;
}

/**
 * The optimiser's complete state. `variables` are the trained variables with their logical
 * names, in the order the optimiser sees them; moment names use the logical names.
 */
export async function captureOptimizerState(
  optimizer: Optimizer,
  variables: readonly (readonly [string, Variable])[],
): Promise<OptimizerState> {
  const weights = await optimizer.getWeights();
  const logicalByGlobal = new Map(variables.map(([logical, variable]) => [variable.name, logical]));
  try {
    const stored = await Promise.all(weights.map((weight) => store(weight.tensor)));
    const extras: Record<string, StoredTensor> = {};
    if (optimizer instanceof AdamOptimizer) {
      const accumulators = optimizer as unknown as AdamAccumulators;
      for (const name of adamExtras) {
        const value = accumulators[name];
        if (value instanceof Variable) extras[name] = await store(value);
      }
    }
    return {
      className: optimizer.getClassName(),
      names: weights.map((weight) => renameWeight(weight.name, logicalByGlobal)),
      weights: stored,
      extras,
    };
  } finally {
    // getWeights() returns the optimiser's own variables and a fresh iteration-count tensor.
    for (const weight of weights) if (!(weight.tensor instanceof Variable)) weight.tensor.dispose();
  }
}

/**
 * Restores `state` into a fresh optimiser of the same class, so the next step is exactly the
 * one the saved optimiser would have taken: moments, iteration count and (for Adam) β powers.
 */
export async function restoreOptimizerState(
  optimizer: Optimizer,
  state: OptimizerState,
  variables: readonly (readonly [string, Variable])[],
): Promise<void> {
  const globalByLogical = new Map(variables.map(([logical, variable]) => [logical, variable.name]));
  const values = state.weights.map((stored, index) => ({
    name: renameWeight(state.names[index]!, globalByLogical),
    tensor: tensor(stored.data, [...stored.shape], stored.dtype === 'F32' ? 'float32' : 'int32'),
  }));
  try {
    await optimizer.setWeights(values);
  } finally {
    // setWeights made the optimiser's own variables from these (sharing their data).
    for (const value of values) value.tensor.dispose();
  }
  if (optimizer instanceof AdamOptimizer) {
    const accumulators = optimizer as unknown as AdamAccumulators;
    for (const name of adamExtras) {
      const saved = state.extras[name];
      const target = accumulators[name];
      if (saved !== undefined && target instanceof Variable) {
        const value = tensor(saved.data, [...saved.shape], 'float32');
        target.assign(value);
        value.dispose();
      }
    }
  }
}
