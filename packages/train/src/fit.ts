import { type Autoencoder, type Batch, createRng, InvalidArgumentError, Rng } from '@aekit/core';
import {
  clone,
  dispose,
  keep,
  type Optimizer,
  type Scalar,
  stack,
  type Tensor,
  tensor,
  tidy,
  type Variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import {
  type Checkpoint,
  checkpointFileName,
  checkpointPrefixes,
  optimizerStateOf,
  optimizerTensors,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint';
import { NonFiniteLossError } from './errors';
import type { FileSystem } from './file-system';
import { type EpochReader, type FitData, readFitData } from './fit-data';
import {
  type FitOptions,
  type LossValues,
  type ResolvedFitOptions,
  resolveFitOptions,
} from './fit-options';
import { emptyHistory, type History, recordEpoch } from './history';
import { assignVariables, readVariables } from './model-bytes';
import { noFileSystem } from './model-files';
import {
  captureOptimizerState,
  createOptimizer,
  restoreOptimizerState,
  setLearningRate,
} from './optimizers';
import type { StoredTensor } from './safetensors';
import { scheduledLearningRate } from './schedules';

type NamedVariable = readonly [string, Variable];

function checkAutoencoder(model: unknown): Autoencoder {
  const candidate = model as Partial<Autoencoder> | null;
  const valid =
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.lossTerms === 'function' &&
    typeof candidate.variables === 'function' &&
    typeof candidate.config === 'object' &&
    candidate.config !== null &&
    Number.isInteger(candidate.config.inputDim) &&
    (candidate.config.inputDim as number) >= 1;
  if (!valid) {
    throw new InvalidArgumentError({
      functionName: 'fit',
      argument: 'model',
      rule: 'an Autoencoder (config.inputDim, lossTerms, variables)',
      value: model,
    });
  }
  return candidate as Autoencoder;
}

/** Names and numbers of one loss evaluation: `values[0]` is the total. */
interface LossReading {
  readonly names: readonly string[];
  readonly values: Float32Array;
}

/**
 * `model.lossTerms` packed into one tensor `[total, ...terms]`, so a single read brings every
 * value back. Checks that the total and the terms are scalars.
 */
function packLoss(model: Autoencoder, batch: Batch, step: number, training: boolean) {
  const { total, terms } = model.lossTerms(batch.x, {
    step,
    training,
    ...(batch.labels === undefined ? {} : { labels: batch.labels }),
  });
  const names = Object.keys(terms);
  if (names.includes('total')) {
    throw new InvalidArgumentError({
      functionName: 'fit',
      argument: 'model.lossTerms(...).terms',
      rule: "named terms other than 'total' (which is reserved for the sum)",
      value: names,
    });
  }
  const scalars = [total, ...names.map((name) => terms[name]!)];
  scalars.forEach((value, index) => {
    if (value?.rank !== 0) {
      throw new InvalidArgumentError({
        functionName: 'fit',
        argument: `model.lossTerms(...).${index === 0 ? 'total' : `terms.${names[index - 1]}`}`,
        rule: 'a scalar tensor',
        value,
      });
    }
  });
  return { total, names, packed: stack(scalars) };
}

function toLossValues(reading: LossReading, scale = 1): Record<string, number> {
  const values: Record<string, number> = { total: reading.values[0]! * scale };
  reading.names.forEach((name, index) => {
    values[name] = reading.values[index + 1]! * scale;
  });
  return values;
}

/** Running sums of loss values weighted by batch size. */
class LossMeans {
  private readonly sums = new Map<string, number>();
  private count = 0;

  add(reading: LossReading, batchSize: number): void {
    const names = ['total', ...reading.names];
    names.forEach((name, index) => {
      this.sums.set(name, (this.sums.get(name) ?? 0) + reading.values[index]! * batchSize);
    });
    this.count += batchSize;
  }

  means(): LossValues {
    const means: Record<string, number> = {};
    for (const [name, sum] of this.sums) means[name] = sum / this.count;
    return means as LossValues;
  }
}

function disposeBatch(batch: Batch): void {
  batch.x.dispose();
  batch.labels?.dispose();
}

function batchRows(batch: Batch): number {
  return batch.x.shape[0];
}

/** The state a run carries from epoch to epoch (and through a checkpoint). */
interface RunState {
  epoch: number;
  step: number;
  rng: Rng;
  history: History;
  best: { value: number; epoch: number; wait: number } | undefined;
  bestWeights: Map<string, Tensor> | undefined;
  /** Last finite value of each loss term, for the message of a NonFiniteLossError. */
  lastFinite: Map<string, { value: number; step: number }>;
}

/**
 * One optimisation step. The loss and its terms are read before the update is applied: a NaN
 * or infinite value throws `NonFiniteLossError` and leaves the weights as they were.
 */
async function trainStep(
  model: Autoencoder,
  optimizer: Optimizer,
  trained: readonly NamedVariable[],
  batch: Batch,
  state: RunState,
): Promise<LossReading> {
  let names: readonly string[] = [];
  let packed: Tensor | undefined;
  const { value, grads } = variableGrads(
    () => {
      const loss = packLoss(model, batch, state.step, true);
      names = loss.names;
      packed = keep(loss.packed);
      return loss.total as Scalar;
    },
    trained.map(([, variable]) => variable),
  );
  try {
    const values = (await packed!.data()) as Float32Array;
    const reading = { names, values };
    const allNames = ['total', ...names];
    if (!values.every(Number.isFinite)) {
      // Name the first bad named term (the cause) rather than the total (its consequence).
      const index = Math.max(
        values.findIndex((value, position) => position > 0 && !Number.isFinite(value)),
        0,
      );
      const term = allNames[index]!;
      const lastFinite = state.lastFinite.get(term);
      throw new NonFiniteLossError({
        step: state.step,
        epoch: state.epoch + 1,
        term,
        value: values[index]!,
        ...(lastFinite === undefined ? {} : { lastFinite }),
      });
    }
    allNames.forEach((name, index) => {
      state.lastFinite.set(name, { value: values[index]!, step: state.step });
    });
    // In the order of `trained`, so the optimiser's per-variable state lines up with it in
    // every run (tfjs indexes its moments by position). A variable the loss does not reach
    // has no gradient and is skipped by the optimiser.
    optimizer.applyGradients(
      trained.map(([, variable]) => ({ name: variable.name, tensor: grads[variable.name]! })),
    );
    return reading;
  } finally {
    dispose([value, packed!, ...Object.values(grads)]);
  }
}

/** Mean loss over `data` in evaluation mode (`training: false`). */
async function evaluate(
  model: Autoencoder,
  data: EpochReader,
  batchSize: number,
  step: number,
): Promise<LossValues> {
  const means = new LossMeans();
  for await (const batch of data.epoch(batchSize, undefined, false)) {
    try {
      let names: readonly string[] = [];
      const packed = tidy(() => {
        const loss = packLoss(model, batch, step, false);
        names = loss.names;
        return loss.packed;
      });
      const values = (await packed.data()) as Float32Array;
      packed.dispose();
      means.add({ names, values }, batchRows(batch));
    } finally {
      disposeBatch(batch);
    }
  }
  return means.means();
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
async function resumeRun(
  files: FileSystem,
  dir: string,
  model: Autoencoder,
  optimizer: Optimizer,
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
  if (state.optimizer.className !== optimizer.getClassName()) {
    throw new InvalidArgumentError({
      functionName: 'fit',
      argument: 'options.optimizer',
      rule: `the optimiser the checkpoint ${file} was written with, ${state.optimizer.className}`,
      value: optimizer.getClassName(),
    });
  }
  assignVariables(model.variables(), checkpoint.tensors, {
    functionName: 'fit',
    file,
    prefix: checkpointPrefixes.model,
    builtFrom: 'the model passed to fit',
  });
  await restoreOptimizerState(optimizer, optimizerStateOf(checkpoint, file), trained);
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

async function saveCheckpoint(
  files: FileSystem,
  dir: string,
  model: Autoencoder,
  optimizer: Optimizer,
  trained: readonly NamedVariable[],
  run: RunState,
): Promise<void> {
  const tensors = await readVariables('fit', model.variables(), checkpointPrefixes.model);
  if (run.bestWeights !== undefined) {
    for (const [name, value] of run.bestWeights) {
      tensors.set(`${checkpointPrefixes.best}${name}`, await storedCopy(value));
    }
  }
  const optimizerState = await captureOptimizerState(optimizer, trained);
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

/**
 * `fit` with the file system for checkpoints (`undefined` in a browser). See `fit`.
 */
export async function fitWith(
  files: FileSystem | undefined,
  model: Autoencoder,
  data: FitData,
  options: FitOptions = {},
): Promise<History> {
  const checkedModel = checkAutoencoder(model);
  const resolved: ResolvedFitOptions = resolveFitOptions(options);
  const inputDim = checkedModel.config.inputDim;
  const training = readFitData('fit', 'data', data, inputDim);
  const validation =
    options.validation === undefined
      ? undefined
      : readFitData('fit', 'options.validation', options.validation, inputDim);
  if (files === undefined && resolved.checkpoint !== undefined) {
    noFileSystem('fit', 'options.checkpoint.dir', resolved.checkpoint.dir);
  }
  if (files === undefined && resolved.resume !== undefined) {
    noFileSystem('fit', 'options.resume', resolved.resume);
  }
  const trained: NamedVariable[] = Object.entries(checkedModel.variables()).filter(
    ([, variable]) => variable.trainable,
  );
  if (trained.length === 0) {
    throw new InvalidArgumentError({
      functionName: 'fit',
      argument: 'model',
      rule: 'a model with trainable variables',
      value: Object.keys(checkedModel.variables()),
    });
  }
  const { callbacks, epochs, batchSize } = resolved;
  const ownsOptimizer = typeof resolved.optimizer === 'string';
  const optimizer =
    typeof resolved.optimizer === 'string'
      ? createOptimizer(resolved.optimizer, resolved.learningRate!)
      : resolved.optimizer;
  const started = performance.now();
  let run: RunState | undefined;
  try {
    run =
      resolved.resume === undefined
        ? {
            epoch: 0,
            step: 0,
            rng: createRng(resolved.seed),
            history: emptyHistory(validation !== undefined),
            best: undefined,
            bestWeights: undefined,
            lastFinite: new Map(),
          }
        : await resumeRun(files!, resolved.resume, checkedModel, optimizer, trained);
    const { history } = run;
    while (run.epoch < epochs) {
      if (resolved.signal?.aborted) {
        history.stopReason = 'aborted';
        break;
      }
      const epochNumber = run.epoch + 1;
      const learningRate =
        resolved.learningRate === undefined
          ? undefined
          : scheduledLearningRate(resolved.schedule, resolved.learningRate, run.epoch, epochs);
      if (learningRate !== undefined) setLearningRate(optimizer, learningRate);
      const reportedRate =
        learningRate ??
        (optimizer as unknown as { learningRate?: number }).learningRate ??
        Number.NaN;
      await callbacks.onEpochStart?.({
        epoch: epochNumber,
        epochs,
        step: run.step,
        learningRate: reportedRate,
      });
      // Drawn every epoch, shuffled or not, so the generator's state depends only on epochs.
      const epochSeed = run.rng.nextSeed();
      const means = new LossMeans();
      const epochStart = performance.now();
      let seen = 0;
      let batchIndex = 0;
      let aborted = false;
      for await (const batch of training.epoch(
        batchSize,
        resolved.shuffle ? epochSeed : undefined,
        resolved.dropLast,
      )) {
        let reading: LossReading;
        const rows = batchRows(batch);
        try {
          reading = await trainStep(checkedModel, optimizer, trained, batch, run);
        } finally {
          disposeBatch(batch);
        }
        means.add(reading, rows);
        seen += rows;
        batchIndex += 1;
        const step = run.step;
        run.step += 1;
        history.steps = run.step;
        await callbacks.onStepEnd?.({
          epoch: epochNumber,
          epochs,
          step,
          batch: batchIndex,
          batchSize: rows,
          learningRate: reportedRate,
          loss: toLossValues(reading) as LossValues,
          samplesPerSecond: seen / Math.max((performance.now() - epochStart) / 1000, 1e-9),
        });
        if (resolved.signal?.aborted) {
          aborted = true;
          break;
        }
      }
      if (aborted) {
        history.stopReason = 'aborted';
        break;
      }
      const seconds = (performance.now() - epochStart) / 1000;
      const samplesPerSecond = seen / Math.max(seconds, 1e-9);
      const trainMeans = means.means();
      const validationMeans =
        validation === undefined
          ? undefined
          : await evaluate(checkedModel, validation, batchSize, run.step);
      run.epoch = epochNumber;
      recordEpoch(history, {
        epoch: epochNumber,
        train: trainMeans,
        ...(validationMeans === undefined ? {} : { validation: validationMeans }),
        learningRate: reportedRate,
        samplesPerSecond,
      });
      let stop = false;
      if (resolved.earlyStopping !== undefined) {
        stop = watchEarlyStopping(resolved.earlyStopping, run, trained, {
          train: trainMeans,
          ...(validationMeans === undefined ? {} : { validation: validationMeans }),
        });
        if (stop) history.stopReason = 'earlyStopping';
      }
      await callbacks.onEpochEnd?.({
        epoch: epochNumber,
        epochs,
        steps: run.step,
        learningRate: reportedRate,
        train: trainMeans,
        ...(validationMeans === undefined ? {} : { validation: validationMeans }),
        seconds,
        samplesPerSecond,
      });
      const { checkpoint } = resolved;
      if (
        checkpoint !== undefined &&
        (run.epoch % checkpoint.everyEpochs === 0 || run.epoch === epochs || stop)
      ) {
        await saveCheckpoint(files!, checkpoint.dir, checkedModel, optimizer, trained, run);
      }
      if (stop) break;
    }
    let restoredEpoch: number | undefined;
    if (resolved.earlyStopping?.restoreBestWeights && run.bestWeights !== undefined) {
      const weights = run.bestWeights;
      tidy(() => {
        for (const [name, variable] of trained) {
          const best = weights.get(name);
          if (best !== undefined) variable.assign(best);
        }
      });
      restoredEpoch = run.best?.epoch;
    }
    await callbacks.onTrainEnd?.({
      epochs: run.epoch,
      steps: run.step,
      stopReason: history.stopReason,
      seconds: (performance.now() - started) / 1000,
      ...(restoredEpoch === undefined ? {} : { restoredEpoch }),
    });
    return history;
  } finally {
    if (run?.bestWeights !== undefined) dispose([...run.bestWeights.values()]);
    if (ownsOptimizer) optimizer.dispose();
  }
}

/** Updates the early-stopping state after an epoch; returns whether to stop. */
function watchEarlyStopping(
  settings: NonNullable<ResolvedFitOptions['earlyStopping']>,
  run: RunState,
  trained: readonly NamedVariable[],
  values: { train: LossValues; validation?: LossValues },
): boolean {
  const { split, term } = settings.monitor;
  const watched = values[split]?.[term];
  if (watched === undefined) {
    throw new InvalidArgumentError({
      functionName: 'fit',
      argument: 'options.earlyStopping.monitor',
      rule: `a loss the model reports (${split}.${Object.keys(values[split] ?? {}).join(`, ${split}.`)})`,
      value: `${split}.${term}`,
    });
  }
  const improved = run.best === undefined || watched < run.best.value - settings.minDelta;
  if (improved) {
    run.best = { value: watched, epoch: run.epoch, wait: 0 };
    run.history.bestEpoch = run.epoch;
    if (settings.restoreBestWeights) {
      if (run.bestWeights !== undefined) dispose([...run.bestWeights.values()]);
      run.bestWeights = new Map(trained.map(([name, variable]) => [name, clone(variable)]));
    }
    return false;
  }
  run.best = { ...run.best!, wait: run.best!.wait + 1 };
  return run.best.wait >= settings.patience;
}
