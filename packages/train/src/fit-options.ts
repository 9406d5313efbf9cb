import {
  checkBoolean,
  checkInteger,
  checkKnownFields,
  checkNumber,
  checkOptionsObject,
  checkPositiveInteger,
  checkSeed,
  InvalidArgumentError,
} from '@aekit/core';
import type { Optimizer } from '@tensorflow/tfjs-core';
import type { FitData } from './fit-data';
import { checkOptimizer, type OptimizerName } from './optimizers';
import { checkSchedule, type LearningRateSchedule } from './schedules';

/** Loss values by name: `total` and every term the model reports, as numbers. */
export interface LossValues {
  readonly total: number;
  readonly [term: string]: number;
}

/** Passed to `onEpochStart`. Epochs count from 1; steps from 0, as in `LossContext.step`. */
export interface EpochStartInfo {
  readonly epoch: number;
  readonly epochs: number;
  /** The step the epoch starts with. */
  readonly step: number;
  readonly learningRate: number;
}

/** Passed to `onStepEnd` after each optimisation step. */
export interface StepEndInfo {
  readonly epoch: number;
  readonly epochs: number;
  /** The step just taken (from 0). */
  readonly step: number;
  /** The batch just trained on, from 1 within the epoch. */
  readonly batch: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** The batch's loss: `total` and every named term. */
  readonly loss: LossValues;
  /** Examples per second over the epoch so far. */
  readonly samplesPerSecond: number;
}

/** Passed to `onEpochEnd`. */
export interface EpochEndInfo {
  readonly epoch: number;
  readonly epochs: number;
  /** Steps taken so far. */
  readonly steps: number;
  readonly learningRate: number;
  /** Means over the epoch's examples. */
  readonly train: LossValues;
  /** Means over the validation examples, when `validation` is given. */
  readonly validation?: LossValues;
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

/** Why training ended. */
export type StopReason = 'completed' | 'earlyStopping' | 'aborted';

/** Passed to `onTrainEnd`. */
export interface TrainEndInfo {
  /** Epochs completed (including those before a resume). */
  readonly epochs: number;
  readonly steps: number;
  readonly stopReason: StopReason;
  /** Seconds this call of `fit` ran. */
  readonly seconds: number;
  /** The epoch whose weights the model holds at the end, when early stopping restored them. */
  readonly restoredEpoch?: number;
}

/**
 * Called during training with plain numbers, never tensors. A callback may return a promise;
 * `fit` waits for it. An error thrown by a callback ends `fit` with that error.
 */
export interface FitCallbacks {
  readonly onEpochStart?: (info: EpochStartInfo) => void | Promise<void>;
  readonly onStepEnd?: (info: StepEndInfo) => void | Promise<void>;
  readonly onEpochEnd?: (info: EpochEndInfo) => void | Promise<void>;
  readonly onTrainEnd?: (info: TrainEndInfo) => void | Promise<void>;
}

/** Stop when a monitored loss stops improving. */
export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping, ≥ 1. */
  readonly patience: number;
  /** An improvement must lower the loss by more than this. Default 0. */
  readonly minDelta?: number;
  /**
   * The loss watched, `'validation.<term>'` or `'train.<term>'`. Default `'validation.total'`
   * when `validation` is given, else `'train.total'`.
   */
  readonly monitor?: string;
  /** Whether the model ends with the weights of its best epoch. Default true. */
  readonly restoreBestWeights?: boolean;
}

/** Where and how often `fit` saves checkpoints (Node only). */
export interface CheckpointOptions {
  /** Folder of the checkpoint (`checkpoint.safetensors`), created if needed. */
  readonly dir: string;
  /** Save after every this many epochs, and after the last. Default 1. */
  readonly everyEpochs?: number;
}

/**
 * Data-parallel training on worker threads (Node): each step's batch is split into `workers`
 * nearly equal shares; this thread computes the gradient of one, each worker thread (with a
 * WASM instance of its own) that of another, the gradients are summed through
 * `SharedArrayBuffer` (each weighted by its share of the rows, so the sum is the gradient of
 * the whole batch's mean loss) and this thread applies one optimiser update and sends the new
 * weights back. The result is the same update as training on the whole batch in one thread,
 * up to float32 rounding and the model's random draws: a worker's replica of the model is built
 * with its own `config.seed` (when the config has one), so its noise is independent of this
 * thread's, as the noise of different rows is in one thread.
 *
 * It pays for large batches only: each step's weights out, gradients back and single update do
 * not shrink with the shares, and two threads slow each other's memory-bound kernels. Measured
 * on two cores (784-400-20 VAE on WASM; `pnpm bench` sweeps batch sizes): two workers trained
 * at 0.72× one thread's samples/s with batches of 128 and 1.15× with 512; with 256, 0.87× in the
 * benchmark's short runs and 1.19× once the workers' WebAssembly had warmed up in a longer one.
 */
export interface ParallelOptions {
  /** Threads computing gradients, this one included, ≥ 1 (1: no worker threads). */
  readonly workers: number;
  /**
   * Modules each worker imports before it builds its replica of the model: paths, `file:`
   * URLs or package names (resolved from the current folder or the main script). They must
   * register the model's family. Default: the package the family was registered from (e.g.
   * `@aekit/vae`). Workers also import `@aekit/runtime-wasm` to start the backend this thread
   * runs on.
   */
  readonly modules?: readonly string[];
}

/** Options of `fit`; every field is optional. */
export interface FitOptions {
  /** Total epochs, counting any done before a resume. Default 10. */
  readonly epochs?: number;
  /** Examples per step. Default 128. */
  readonly batchSize?: number;
  /** Drop the last, smaller batch of each epoch. Default false. */
  readonly dropLast?: boolean;
  /** Draw a new order of the training examples each epoch. Default true. */
  readonly shuffle?: boolean;
  /**
   * `'adam'` (default), `'sgd'`, `'momentum'` (0.9), `'rmsprop'`, `'adagrad'` (tfjs's
   * defaults otherwise), or a `tf.Optimizer` you own (`fit` does not dispose it).
   */
  readonly optimizer?: OptimizerName | Optimizer;
  /** The initial learning rate. Default 1e-3 for a named optimiser; an instance keeps its own unless this is given. */
  readonly learningRate?: number;
  /** How the learning rate changes per epoch (see `LearningRateSchedule`). Default constant. */
  readonly schedule?: LearningRateSchedule;
  /** Data to evaluate after each epoch (no noise, no dropout). */
  readonly validation?: FitData;
  readonly earlyStopping?: EarlyStoppingOptions;
  /** Seed of the shuffling, an integer in [0, 2³²). Default 0. */
  readonly seed?: number;
  /** Stops training after the current step when aborted; `fit` resolves with `stopReason: 'aborted'`. */
  readonly signal?: AbortSignal;
  readonly callbacks?: FitCallbacks;
  /** Save checkpoints (Node only). */
  readonly checkpoint?: CheckpointOptions;
  /** A checkpoint folder to continue from (Node only); it must hold a checkpoint. */
  readonly resume?: string;
  /** Split each batch among worker threads (Node only). Default: one thread. */
  readonly parallel?: ParallelOptions;
}

/** `FitOptions` checked, with defaults. */
export interface ResolvedFitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly dropLast: boolean;
  readonly shuffle: boolean;
  readonly optimizer: OptimizerName | Optimizer;
  readonly learningRate: number | undefined;
  readonly schedule: LearningRateSchedule | undefined;
  readonly earlyStopping:
    | {
        readonly patience: number;
        readonly minDelta: number;
        readonly monitor: { readonly split: 'train' | 'validation'; readonly term: string };
        readonly restoreBestWeights: boolean;
      }
    | undefined;
  readonly seed: number;
  readonly signal: AbortSignal | undefined;
  readonly callbacks: FitCallbacks;
  readonly checkpoint: { readonly dir: string; readonly everyEpochs: number } | undefined;
  readonly resume: string | undefined;
  readonly parallel:
    | { readonly workers: number; readonly modules: readonly string[] | undefined }
    | undefined;
}

/** The keys of `FitOptions` and of its nested options objects. */
const fitOptionNames = [
  'epochs',
  'batchSize',
  'dropLast',
  'shuffle',
  'optimizer',
  'learningRate',
  'schedule',
  'validation',
  'earlyStopping',
  'seed',
  'signal',
  'callbacks',
  'checkpoint',
  'resume',
  'parallel',
] as const satisfies readonly (keyof FitOptions)[];
const earlyStoppingOptionNames = [
  'patience',
  'minDelta',
  'monitor',
  'restoreBestWeights',
] as const satisfies readonly (keyof EarlyStoppingOptions)[];
const checkpointOptionNames = [
  'dir',
  'everyEpochs',
] as const satisfies readonly (keyof CheckpointOptions)[];
const parallelOptionNames = [
  'workers',
  'modules',
] as const satisfies readonly (keyof ParallelOptions)[];
const callbackNames = [
  'onEpochStart',
  'onStepEnd',
  'onEpochEnd',
  'onTrainEnd',
] as const satisfies readonly (keyof FitCallbacks)[];

/**
 * Checks that the nested options object `options.<name>` is an object whose keys are all in
 * `known`; an unknown key is named with its path: `fit: unknown option 'checkpoint.dri'; …`.
 */
function checkObject(
  name: string,
  value: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError({
      functionName: 'fit',
      argument: `options.${name}`,
      rule: 'an object',
      value,
    });
  }
  const record = value as Record<string, unknown>;
  checkKnownFields('fit', record, known, `${name}.`);
  return record;
}

function checkFolder(argument: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidArgumentError({
      functionName: 'fit',
      argument,
      rule: 'a non-empty folder path',
      value,
    });
  }
  return value;
}

function resolveEarlyStopping(
  value: unknown,
  hasValidation: boolean,
): ResolvedFitOptions['earlyStopping'] {
  if (value === undefined) return undefined;
  const options = checkObject('earlyStopping', value, earlyStoppingOptionNames);
  const monitor = options.monitor ?? (hasValidation ? 'validation.total' : 'train.total');
  const match = typeof monitor === 'string' ? /^(train|validation)\.(.+)$/.exec(monitor) : null;
  if (match === null || (match[1] === 'validation' && !hasValidation)) {
    throw new InvalidArgumentError({
      functionName: 'fit',
      argument: 'options.earlyStopping.monitor',
      rule: hasValidation
        ? "'train.<term>' or 'validation.<term>'"
        : "'train.<term>' ('validation.<term>' needs options.validation)",
      value: monitor,
    });
  }
  return {
    patience: checkPositiveInteger('fit', 'options.earlyStopping.patience', options.patience),
    minDelta: checkNumber('fit', 'options.earlyStopping.minDelta', options.minDelta ?? 0, {
      min: 0,
    }),
    monitor: { split: match[1] as 'train' | 'validation', term: match[2]! },
    restoreBestWeights: checkBoolean(
      'fit',
      'options.earlyStopping.restoreBestWeights',
      options.restoreBestWeights ?? true,
    ),
  };
}

function resolveCallbacks(value: unknown): FitCallbacks {
  if (value === undefined) return {};
  const callbacks = checkObject('callbacks', value, callbackNames);
  for (const name of callbackNames) {
    if (callbacks[name] !== undefined && typeof callbacks[name] !== 'function') {
      throw new InvalidArgumentError({
        functionName: 'fit',
        argument: `options.callbacks.${name}`,
        rule: 'a function',
        value: callbacks[name],
      });
    }
  }
  return callbacks as FitCallbacks;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}

/** Checks `fit`'s options at the public boundary and fills in the defaults. */
export function resolveFitOptions(value: unknown): ResolvedFitOptions {
  // `null` stands for no options, as `undefined` does.
  const options = checkOptionsObject('fit', 'options', value ?? undefined, fitOptionNames);
  const optimizer = checkOptimizer('fit', 'options.optimizer', options.optimizer ?? 'adam');
  const learningRate =
    options.learningRate === undefined
      ? typeof optimizer === 'string'
        ? 1e-3
        : undefined
      : checkNumber('fit', 'options.learningRate', options.learningRate, {
          min: 0,
          minExclusive: true,
        });
  const schedule =
    options.schedule === undefined
      ? undefined
      : checkSchedule('fit', 'options.schedule', options.schedule);
  if (schedule !== undefined && learningRate === undefined) {
    throw new InvalidArgumentError({
      functionName: 'fit',
      argument: 'options.learningRate',
      rule: 'a finite number > 0 when a schedule is given with an optimiser instance',
      value: undefined,
    });
  }
  if (options.signal !== undefined && !isAbortSignal(options.signal)) {
    throw new InvalidArgumentError({
      functionName: 'fit',
      argument: 'options.signal',
      rule: 'an AbortSignal',
      value: options.signal,
    });
  }
  let checkpoint: ResolvedFitOptions['checkpoint'];
  if (options.checkpoint !== undefined) {
    const given = checkObject('checkpoint', options.checkpoint, checkpointOptionNames);
    checkpoint = {
      dir: checkFolder('options.checkpoint.dir', given.dir),
      everyEpochs: checkPositiveInteger(
        'fit',
        'options.checkpoint.everyEpochs',
        given.everyEpochs ?? 1,
      ),
    };
  }
  let parallel: ResolvedFitOptions['parallel'];
  if (options.parallel !== undefined) {
    const given = checkObject('parallel', options.parallel, parallelOptionNames);
    const modules = given.modules;
    if (
      modules !== undefined &&
      (!Array.isArray(modules) || !modules.every((item) => typeof item === 'string' && item !== ''))
    ) {
      throw new InvalidArgumentError({
        functionName: 'fit',
        argument: 'options.parallel.modules',
        rule: 'an array of module paths, file: URLs or package names',
        value: modules,
      });
    }
    parallel = {
      workers: checkInteger('fit', 'options.parallel.workers', given.workers, { min: 1, max: 64 }),
      modules: modules as readonly string[] | undefined,
    };
  }
  return {
    parallel,
    epochs: checkPositiveInteger('fit', 'options.epochs', options.epochs ?? 10),
    batchSize: checkPositiveInteger('fit', 'options.batchSize', options.batchSize ?? 128),
    dropLast: checkBoolean('fit', 'options.dropLast', options.dropLast ?? false),
    shuffle: checkBoolean('fit', 'options.shuffle', options.shuffle ?? true),
    optimizer,
    learningRate,
    schedule,
    earlyStopping: resolveEarlyStopping(options.earlyStopping, options.validation !== undefined),
    seed: checkSeed('fit', 'options.seed', options.seed ?? 0),
    signal: options.signal as AbortSignal | undefined,
    callbacks: resolveCallbacks(options.callbacks),
    checkpoint,
    resume:
      options.resume === undefined ? undefined : checkFolder('options.resume', options.resume),
  };
}
