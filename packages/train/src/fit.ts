import { type Batch, createRng, InvalidArgumentError, type TrainableModel } from '@aekit/core';
import { clone, dispose, type Optimizer, tidy } from '@tensorflow/tfjs-core';
import { NonFiniteLossError } from './errors';
import type { FileSystem } from './file-system';
import { type EpochReader, type FitData, readFitData } from './fit-data';
import {
  type FitOptions,
  type LossValues,
  type ResolvedFitOptions,
  resolveFitOptions,
} from './fit-options';
import { batchGradients, type GradientSource } from './gradient-shares';
import { emptyHistory, type History, recordEpoch } from './history';
import { LossMeans, type LossReading, packLoss, toLossValues } from './loss-reading';
import { noFileSystem } from './model-files';
import { applyOptimizerStep } from './optimizer-step';
import { captureOptimizerState, createOptimizer, setLearningRate } from './optimizers';
import { type NamedVariable, type RunState, resumeRun, saveCheckpoint } from './run-state';
import { scheduledLearningRate } from './schedules';

function checkModel(model: unknown): TrainableModel {
  const candidate = model as Partial<TrainableModel> | null;
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
      rule: 'a model (config.inputDim, lossTerms, variables), such as an Autoencoder',
      value: model,
    });
  }
  return candidate as TrainableModel;
}

function disposeBatch(batch: Batch): void {
  batch.x.dispose();
  batch.labels?.dispose();
}

function batchRows(batch: Batch): number {
  return batch.x.shape[0];
}

/**
 * One optimisation step. The loss and its terms are read before the update is applied: a NaN
 * or infinite value throws `NonFiniteLossError` and leaves the weights as they were.
 */
async function trainStep(
  source: GradientSource,
  optimizer: Optimizer,
  trained: readonly NamedVariable[],
  batch: Batch,
  state: RunState,
): Promise<LossReading> {
  const { names, values, grads } = await source.gradients(batch, state.step);
  try {
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
    // has no gradient and is skipped by the optimiser. Fused into one kernel call where the
    // backend has it (see applyOptimizerStep).
    applyOptimizerStep(
      optimizer,
      trained.map(([, variable]) => ({ name: variable.name, tensor: grads[variable.name] })),
    );
    return reading;
  } finally {
    dispose(Object.values(grads));
  }
}

/** Mean loss over `data` in evaluation mode (`training: false`). */
async function evaluate(
  model: TrainableModel,
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

/** Starts data-parallel gradient computation on worker threads (Node only). */
export type StartParallel = (
  model: TrainableModel,
  trained: readonly NamedVariable[],
  parallel: NonNullable<ResolvedFitOptions['parallel']>,
  batchSize: number,
) => Promise<GradientSource>;

/**
 * `fit` with the file system for checkpoints (`undefined` in a browser) and the worker-thread
 * starter for `options.parallel` (`undefined` where there are no worker threads). See `fit`.
 */
export async function fitWith(
  files: FileSystem | undefined,
  model: TrainableModel,
  data: FitData,
  options: FitOptions = {},
  startParallel?: StartParallel,
): Promise<History> {
  const checkedModel = checkModel(model);
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
  if (startParallel === undefined && (resolved.parallel?.workers ?? 1) > 1) {
    throw new InvalidArgumentError({
      functionName: 'fit',
      argument: 'options.parallel.workers',
      rule: '1 here: data-parallel training needs worker threads (Node)',
      value: resolved.parallel!.workers,
    });
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
  let source: GradientSource | undefined;
  try {
    if (!ownsOptimizer && (resolved.checkpoint !== undefined || resolved.resume !== undefined)) {
      await checkOptimizerCanSave(optimizer, trained);
    }
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
    source =
      resolved.parallel === undefined || resolved.parallel.workers === 1
        ? {
            gradients: (batch, step) => batchGradients(checkedModel, trained, batch, step, 1),
            close: async () => {},
          }
        : await startParallel!(checkedModel, trained, resolved.parallel, batchSize);
    const { history } = run;
    // A resumed run that had stopped early is finished; any other continues.
    if (history.stopReason !== 'earlyStopping') history.stopReason = 'completed';
    while (history.stopReason !== 'earlyStopping' && run.epoch < epochs) {
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
          reading = await trainStep(source, optimizer, trained, batch, run);
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
          loss: toLossValues(reading),
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
    await source?.close();
    if (run?.bestWeights !== undefined) dispose([...run.bestWeights.values()]);
    if (ownsOptimizer) optimizer.dispose();
  }
}

/** Fails before training, not at the first checkpoint, when an optimiser cannot save its state. */
async function checkOptimizerCanSave(
  optimizer: Optimizer,
  trained: readonly NamedVariable[],
): Promise<void> {
  try {
    await captureOptimizerState(optimizer, trained);
  } catch (error) {
    throw new InvalidArgumentError(
      {
        functionName: 'fit',
        argument: 'options.optimizer',
        rule: 'an optimiser that can save and restore its state (getWeights/setWeights), for checkpoints',
        value: optimizer.getClassName(),
      },
      { cause: error },
    );
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
