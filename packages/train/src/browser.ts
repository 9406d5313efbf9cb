import type { Autoencoder, TrainableModel } from '@aekit/core';
import { fitWith } from './fit';
import type { FitData } from './fit-data';
import type { FitOptions } from './fit-options';
import type { History } from './history';
import { noFileSystem } from './model-files';

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
 * - In the browser there is no file system: `checkpoint` and `resume` throw; save the model
 *   with `modelToBytes`.
 * - The data is not disposed; memory stays flat from epoch to epoch.
 *
 * @param data `[N, inputDim]` float32 examples, `{ x, labels? }`, or a `BatchSource`.
 */
export function fit(
  model: TrainableModel,
  data: FitData,
  options: FitOptions = {},
): Promise<History> {
  return fitWith(undefined, model, data, options);
}

/** Needs a file system: in the browser use `modelToBytes(model)` and offer the bytes for download. */
export async function saveModel(_model: TrainableModel, dir: string): Promise<void> {
  noFileSystem('saveModel', 'dir', dir);
}

/** Needs a file system: in the browser use `modelFromBytes(config, weights)` on uploaded files. */
export async function loadModel<M extends TrainableModel = Autoencoder>(dir: string): Promise<M> {
  return noFileSystem('loadModel', 'dir', dir);
}
