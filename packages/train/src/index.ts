import type { Autoencoder, TrainableModel } from '@aekit/core';
import { fitWith } from './fit';
import type { FitData } from './fit-data';
import type { FitOptions } from './fit-options';
import type { History } from './history';
import { loadModelWith, saveModelWith } from './model-files';
import { nodeFileSystem } from './node-file-system';
import { startParallel } from './parallel';

export { checkpointFileName } from './checkpoint';
export type { NonFiniteLossDetails } from './errors';
export { ModelFileError, NonFiniteLossError } from './errors';
export type { FitData, LabeledTensors } from './fit-data';
export type {
  CheckpointOptions,
  EarlyStoppingOptions,
  EpochEndInfo,
  EpochStartInfo,
  FitCallbacks,
  FitOptions,
  LossValues,
  ParallelOptions,
  StepEndInfo,
  StopReason,
  TrainEndInfo,
} from './fit-options';
export type { History } from './history';
export type { ModelBytes, SavedModelConfig } from './model-bytes';
export {
  configFileName,
  modelFormat,
  modelFormatVersion,
  modelFromBytes,
  modelToBytes,
  weightsFileName,
} from './model-bytes';
export type { OptimizerName } from './optimizers';
export { optimizerNames } from './optimizers';
export type { SafetensorsContent, SafetensorsDtype, StoredTensor } from './safetensors';
export { decodeSafetensors, encodeSafetensors } from './safetensors';
export type { LearningRateSchedule } from './schedules';

/**
 * Trains `model` on `data` and resolves with the `History` of every epoch. It works with any
 * `Autoencoder`: it minimises `model.lossTerms(x, { step, training: true }).total` and reports
 * every named term.
 *
 * ```ts
 * const history = await fit(model, xTrain, { epochs: 20, batchSize: 128, validation: xTest,
 *   earlyStopping: { patience: 3 }, checkpoint: { dir: 'runs/vae' } });
 * ```
 *
 * - Same seed, same backend, same data: the same losses, step for step.
 * - A NaN or infinite loss throws `NonFiniteLossError` naming the step and the term; that step
 *   is not applied and the last checkpoint is intact.
 * - `checkpoint` saves model, optimiser state, epoch, step and the shuffling state atomically;
 *   `resume: dir` continues exactly where it stopped (also after the process was killed).
 * - The data is not disposed; memory stays flat from epoch to epoch.
 * - Adam, SGD and momentum run as one fused kernel per step where `@aekit/runtime-wasm` has
 *   registered it (same values as tfjs's own update); `parallel: { workers: 2 }` splits each
 *   batch among worker threads (see `ParallelOptions`).
 *
 * @param data `[N, inputDim]` float32 examples, `{ x, labels? }`, or a `BatchSource`.
 */
export function fit(
  model: TrainableModel,
  data: FitData,
  options: FitOptions = {},
): Promise<History> {
  return fitWith(nodeFileSystem, model, data, options, startParallel);
}

/**
 * Saves `model` as folder `dir` with `config.json` (family, hyper-parameters, input shape,
 * versions, format version) and `weights.safetensors`, written atomically: a complete folder
 * under a temporary name, flushed to disk, then renamed into place. `dir` must be new or hold
 * only a previously saved model, which is replaced whole.
 */
export function saveModel(model: TrainableModel, dir: string): Promise<void> {
  return saveModelWith(nodeFileSystem, model, dir);
}

/**
 * Loads the model saved in folder `dir`. Its family (`config.json`'s `family`) must be
 * registered — import the family's package, e.g. `import '@aekit/vae'`. Missing or corrupt
 * files, an unknown family or format version, a missing tensor or a shape that disagrees with
 * the config each throw a `ModelFileError` naming the file. The caller owns the model.
 */
export function loadModel<M extends TrainableModel = Autoencoder>(dir: string): Promise<M> {
  return loadModelWith<M>(nodeFileSystem, dir);
}
