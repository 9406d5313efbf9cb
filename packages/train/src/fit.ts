import { type Batch, createRng, InvalidArgumentError, type TrainableModel } from '@aekit/core';
import { clone, dispose, tidy } from '@tensorflow/tfjs-core';
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
import { type NamedVariable, type RunState, resumeRun, saveCheckpoint } from './run-state';
import { TrainingOptimizer } from './training-optimizer';

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
  optimizer: TrainingOptimizer,
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
    optimizer.step(grads);
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

/** What one `fit` call trains: its checked arguments. */
interface FitPlan {
  readonly files: FileSystem | undefined;
  readonly model: TrainableModel;
  readonly options: ResolvedFitOptions;
  readonly training: EpochReader;
  readonly validation: EpochReader | undefined;
  /** The model's trainable variables, in the order the optimiser sees them. */
  readonly trained: readonly NamedVariable[];
}

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
  const plan = planFit(files, model, data, options, startParallel);
  const optimizer = await TrainingOptimizer.open(plan.options, plan.trained);
  const started = performance.now();
  let run: RunState | undefined;
  let source: GradientSource | undefined;
  try {
    run = await startRun(plan, optimizer);
    source = await openGradientSource(plan, startParallel);
    await trainEpochs(plan, run, source, optimizer);
    await finishRun(plan, run, started);
    return run.history;
  } finally {
    await source?.close();
    if (run?.bestWeights !== undefined) dispose([...run.bestWeights.values()]);
    optimizer.dispose();
  }
}

/** Checks the arguments at the public boundary, before anything is made. */
function planFit(
  files: FileSystem | undefined,
  model: unknown,
  data: FitData,
  options: FitOptions,
  startParallel: StartParallel | undefined,
): FitPlan {
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
  return { files, model: checkedModel, options: resolved, training, validation, trained };
}

/** A new run, or the run of `options.resume` with the model and optimiser as checkpointed. */
async function startRun(plan: FitPlan, optimizer: TrainingOptimizer): Promise<RunState> {
  const { options } = plan;
  if (options.resume !== undefined) {
    return resumeRun(plan.files!, options.resume, plan.model, optimizer, plan.trained);
  }
  return {
    epoch: 0,
    step: 0,
    rng: createRng(options.seed),
    history: emptyHistory(plan.validation !== undefined),
    best: undefined,
    bestWeights: undefined,
    lastFinite: new Map(),
  };
}

/** Where the gradients come from: this thread, or worker threads sharing each batch. */
async function openGradientSource(
  plan: FitPlan,
  startParallel: StartParallel | undefined,
): Promise<GradientSource> {
  const { model, trained, options } = plan;
  if (options.parallel === undefined || options.parallel.workers === 1) {
    return {
      gradients: (batch, step) => batchGradients(model, trained, batch, step, 1),
      close: async () => {},
    };
  }
  return startParallel!(model, trained, options.parallel, options.batchSize);
}

/** Trains epoch after epoch until `options.epochs`, early stopping, or the signal. */
async function trainEpochs(
  plan: FitPlan,
  run: RunState,
  source: GradientSource,
  optimizer: TrainingOptimizer,
): Promise<void> {
  const { options } = plan;
  const { history } = run;
  // A resumed run that had stopped early is finished; any other continues.
  if (history.stopReason !== 'earlyStopping') history.stopReason = 'completed';
  while (history.stopReason !== 'earlyStopping' && run.epoch < options.epochs) {
    if (options.signal?.aborted) {
      history.stopReason = 'aborted';
      return;
    }
    const learningRate = optimizer.startEpoch(run.epoch, options.epochs);
    await options.callbacks.onEpochStart?.({
      epoch: run.epoch + 1,
      epochs: options.epochs,
      step: run.step,
      learningRate,
    });
    const trainedEpoch = await trainEpoch(plan, run, source, optimizer, learningRate);
    if (trainedEpoch === 'aborted') {
      history.stopReason = 'aborted';
      return;
    }
    const stop = await endEpoch(plan, run, optimizer, learningRate, trainedEpoch);
    if (stop) return;
  }
}

/** One epoch's training: its means, examples and time. */
interface TrainedEpoch {
  readonly train: LossValues;
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

/** One pass over the training data, a step per batch; `'aborted'` when the signal stopped it. */
async function trainEpoch(
  plan: FitPlan,
  run: RunState,
  source: GradientSource,
  optimizer: TrainingOptimizer,
  learningRate: number,
): Promise<TrainedEpoch | 'aborted'> {
  const { options } = plan;
  const epochNumber = run.epoch + 1;
  // Drawn every epoch, shuffled or not, so the generator's state depends only on epochs.
  const epochSeed = run.rng.nextSeed();
  const means = new LossMeans();
  const epochStart = performance.now();
  let seen = 0;
  let batchIndex = 0;
  for await (const batch of plan.training.epoch(
    options.batchSize,
    options.shuffle ? epochSeed : undefined,
    options.dropLast,
  )) {
    let reading: LossReading;
    const rows = batchRows(batch);
    try {
      reading = await trainStep(source, optimizer, batch, run);
    } finally {
      disposeBatch(batch);
    }
    means.add(reading, rows);
    seen += rows;
    batchIndex += 1;
    const step = run.step;
    run.step += 1;
    run.history.steps = run.step;
    await options.callbacks.onStepEnd?.({
      epoch: epochNumber,
      epochs: options.epochs,
      step,
      batch: batchIndex,
      batchSize: rows,
      learningRate,
      loss: toLossValues(reading),
      samplesPerSecond: seen / Math.max((performance.now() - epochStart) / 1000, 1e-9),
    });
    if (options.signal?.aborted) return 'aborted';
  }
  const seconds = (performance.now() - epochStart) / 1000;
  return { train: means.means(), seconds, samplesPerSecond: seen / Math.max(seconds, 1e-9) };
}

/**
 * After an epoch's training: validation, the history, early stopping, `onEpochEnd`, the
 * checkpoint. Returns whether early stopping ends training.
 */
async function endEpoch(
  plan: FitPlan,
  run: RunState,
  optimizer: TrainingOptimizer,
  learningRate: number,
  trainedEpoch: TrainedEpoch,
): Promise<boolean> {
  const { options } = plan;
  const { train, seconds, samplesPerSecond } = trainedEpoch;
  const validation =
    plan.validation === undefined
      ? undefined
      : await evaluate(plan.model, plan.validation, options.batchSize, run.step);
  const losses = { train, ...(validation === undefined ? {} : { validation }) };
  run.epoch += 1;
  recordEpoch(run.history, { epoch: run.epoch, ...losses, learningRate, samplesPerSecond });
  let stop = false;
  if (options.earlyStopping !== undefined) {
    stop = watchEarlyStopping(options.earlyStopping, run, plan.trained, losses);
    if (stop) run.history.stopReason = 'earlyStopping';
  }
  await options.callbacks.onEpochEnd?.({
    epoch: run.epoch,
    epochs: options.epochs,
    steps: run.step,
    learningRate,
    ...losses,
    seconds,
    samplesPerSecond,
  });
  const { checkpoint } = options;
  if (
    checkpoint !== undefined &&
    (run.epoch % checkpoint.everyEpochs === 0 || run.epoch === options.epochs || stop)
  ) {
    await saveCheckpoint(plan.files!, checkpoint.dir, plan.model, optimizer, run);
  }
  return stop;
}

/** Restores the best weights when early stopping asks for it, and calls `onTrainEnd`. */
async function finishRun(plan: FitPlan, run: RunState, started: number): Promise<void> {
  const { options } = plan;
  let restoredEpoch: number | undefined;
  if (options.earlyStopping?.restoreBestWeights && run.bestWeights !== undefined) {
    const weights = run.bestWeights;
    tidy(() => {
      for (const [name, variable] of plan.trained) {
        const best = weights.get(name);
        if (best !== undefined) variable.assign(best);
      }
    });
    restoredEpoch = run.best?.epoch;
  }
  await options.callbacks.onTrainEnd?.({
    epochs: run.epoch,
    steps: run.step,
    stopReason: run.history.stopReason,
    seconds: (performance.now() - started) / 1000,
    ...(restoredEpoch === undefined ? {} : { restoredEpoch }),
  });
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
