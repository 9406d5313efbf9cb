import { InvalidArgumentError, Rng, type TrainableModel } from '@aekit/core';
import { type Tensor, tensor, type Variable } from '@tensorflow/tfjs-core';
import {
  type Checkpoint,
  checkpointFileName,
  checkpointPrefixes,
  optimizerStateOf,
  optimizerTensors,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint';
import type { FileSystem } from './file-system';
import type { History } from './history';
import { assignVariables, readVariables } from './model-bytes';
import type { StoredTensor } from './safetensors';
import type { TrainingOptimizer } from './training-optimizer';

/** A trained variable under its logical name. */
export type NamedVariable = readonly [string, Variable];

/** The state a run carries from epoch to epoch (and through a checkpoint). */
export interface RunState {
  epoch: number;
  step: number;
  rng: Rng;
  history: History;
  best: { value: number; epoch: number; wait: number } | undefined;
  bestWeights: Map<string, Tensor> | undefined;
  /** Last finite value of each loss term, for the message of a NonFiniteLossError. */
  lastFinite: Map<string, { value: number; step: number }>;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

async function storedCopy(tensor: Tensor): Promise<StoredTensor> {
  return { dtype: 'F32', shape: [...tensor.shape], data: (await tensor.data()) as Float32Array };
}

/** Restores a run from the checkpoint in `dir`: model, optimiser, generator, history. */
export async function resumeRun(
  files: FileSystem,
  dir: string,
  model: TrainableModel,
  optimizer: TrainingOptimizer,
  trained: readonly NamedVariable[],
): Promise<RunState> {
  const checkpoint = await readCheckpoint(files, dir);
  const file = files.join(dir, checkpointFileName);
  const { state } = checkpoint;
  const savedConfig = state.modelConfig as Record<string, unknown>;
  const givenConfig = model.config as Record<string, unknown>;
  const differing = [...new Set([...Object.keys(savedConfig), ...Object.keys(givenConfig)])]
    .sort()
    .find((key) => stableJson(savedConfig[key]) !== stableJson(givenConfig[key]));
  if (differing !== undefined) {
    throw new InvalidArgumentError({
      functionName: 'fit',
      argument: `model.config.${differing}`,
      rule: `${JSON.stringify(savedConfig[differing])}, as in the model the checkpoint ${file} was written for`,
      value: givenConfig[differing],
    });
  }
  optimizer.checkSameClass(state.optimizer.className, file);
  assignVariables(model.variables(), checkpoint.tensors, {
    functionName: 'fit',
    file,
    prefix: checkpointPrefixes.model,
    builtFrom: 'the model passed to fit',
  });
  await optimizer.restore(optimizerStateOf(checkpoint, file));
  let bestWeights: Map<string, Tensor> | undefined;
  if (state.earlyStopping !== undefined) {
    bestWeights = new Map();
    for (const [name] of trained) {
      const stored = checkpoint.tensors.get(`${checkpointPrefixes.best}${name}`);
      if (stored !== undefined) {
        bestWeights.set(name, tensor(stored.data, [...stored.shape], 'float32'));
      }
    }
    if (bestWeights.size === 0) bestWeights = undefined;
  }
  return {
    epoch: state.epoch,
    step: state.step,
    rng: Rng.fromState(state.rng),
    history: state.history,
    best:
      state.earlyStopping === undefined
        ? undefined
        : {
            value: state.earlyStopping.best,
            epoch: state.earlyStopping.bestEpoch,
            wait: state.earlyStopping.wait,
          },
    bestWeights,
    lastFinite: new Map(),
  };
}

/** Saves the run after its epoch `run.epoch` as the checkpoint in `dir`. */
export async function saveCheckpoint(
  files: FileSystem,
  dir: string,
  model: TrainableModel,
  optimizer: TrainingOptimizer,
  run: RunState,
): Promise<void> {
  const tensors = await readVariables('fit', model.variables(), checkpointPrefixes.model);
  if (run.bestWeights !== undefined) {
    for (const [name, value] of run.bestWeights) {
      tensors.set(`${checkpointPrefixes.best}${name}`, await storedCopy(value));
    }
  }
  const optimizerState = await optimizer.capture();
  for (const [name, value] of optimizerTensors(optimizerState)) tensors.set(name, value);
  const checkpoint: Checkpoint = {
    state: {
      format: 'aekit-checkpoint',
      formatVersion: 1,
      modelConfig: model.config,
      epoch: run.epoch,
      step: run.step,
      rng: run.rng.getState(),
      history: run.history,
      ...(run.best === undefined
        ? {}
        : {
            earlyStopping: { best: run.best.value, bestEpoch: run.best.epoch, wait: run.best.wait },
          }),
      optimizer: {
        className: optimizerState.className,
        names: optimizerState.names,
        extras: Object.keys(optimizerState.extras),
      },
    },
    tensors,
  };
  await writeCheckpoint(files, dir, checkpoint);
}
