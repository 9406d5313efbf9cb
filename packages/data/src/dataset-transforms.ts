import {
  checkNumber,
  checkOneOf,
  checkOptionsObject,
  checkSeed,
  InvalidArgumentError,
} from '@aekit/core';
import {
  type Affine,
  type Binarization,
  type DatasetState,
  fillSamples,
  sizeOf,
} from './dataset-state';
import { DataFormatError } from './errors';

/**
 * What a dataset does to its values when a batch is made: `normalize` to [0, 1], standardising
 * (the statistics; `standardize` applies them to every split), and `binarize`. Each records an
 * affine map or a binarisation; none touches the stored samples.
 */

/** Options of `Dataset.normalize`. */
export interface NormalizeOptions {
  /** `'unit'`: map values linearly to [0, 1]. To standardise, use `standardize(splits)`. */
  readonly mode?: 'unit';
  /**
   * The range `[low, high]` the values come from, mapped to [0, 1]. Default `[0, 255]` for
   * `uint8` data (images); other data must say, because a range measured on the data itself
   * would carry the test split's statistics into training. Values outside it are an error.
   */
  readonly range?: readonly [number, number];
}

/** Options of `Dataset.binarize`. */
export interface BinarizeOptions {
  /**
   * `'static'`: the same binary values in every epoch — each value thresholded at `threshold`,
   * or, when `seed` is given, one Bernoulli draw fixed for good. `'dynamic'`: a fresh
   * Bernoulli draw with probability equal to the value in every epoch, as in the VAE
   * literature; each sample's draw depends only on `seed`, the epoch and the sample, never on
   * the order or the batch size.
   */
  readonly mode: 'static' | 'dynamic';
  /** Static thresholding: values above it become 1, others 0. Default 0.5. */
  readonly threshold?: number;
  /** Seed of the Bernoulli draws (an integer in [0, 2³²)). Default 0 for `'dynamic'`. */
  readonly seed?: number;
}

/** Options of `standardize`. */
export interface StandardizeOptions {
  /**
   * A feature whose standard deviation in the training split is at most this is only centred,
   * not scaled (for example the always-black border pixels of MNIST). Default 1e-8.
   */
  readonly minStd?: number;
}

const normalizeOptionNames = [
  'mode',
  'range',
] as const satisfies readonly (keyof NormalizeOptions)[];
const binarizeOptionNames = [
  'mode',
  'threshold',
  'seed',
] as const satisfies readonly (keyof BinarizeOptions)[];
/** The keys of `StandardizeOptions`. */
export const standardizeOptionNames = [
  'minStd',
] as const satisfies readonly (keyof StandardizeOptions)[];

/** `Dataset.normalize`: values mapped from `options.range` to [0, 1]. */
export function normalizeState(state: DatasetState, options: NormalizeOptions): DatasetState {
  const functionName = 'Dataset.normalize';
  checkOptionsObject(functionName, 'options', options, normalizeOptionNames);
  const { mode = 'unit' } = options;
  if (mode !== 'unit') {
    throw new InvalidArgumentError({
      functionName,
      argument: 'mode',
      rule: "'unit' (to [0, 1])",
      value: mode,
      hint:
        mode === 'standardize'
          ? 'To standardise, call standardize({ train, test }): it takes the mean and standard deviation from the training split only and applies them to every split.'
          : undefined,
    });
  }
  checkNotBinarised(state, functionName, 'Normalise first, then binarise.');
  if (options.range === undefined && state.unitInterval) return state;
  const rawBytes = state.storage.dtype === 'uint8' && state.transform === null;
  let low: number;
  let high: number;
  if (options.range === undefined) {
    if (!rawBytes) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'range',
        rule: `given for ${state.transform === null ? `${state.storage.dtype} data` : 'data that is already transformed'}: [low, high], the range the values come from`,
        value: undefined,
        hint: 'A range measured on the data itself would carry the test split into training; for images use [0, 255].',
      });
    }
    [low, high] = [0, 255];
  } else {
    const given = options.range;
    if (
      !Array.isArray(given) ||
      given.length !== 2 ||
      !given.every((bound) => typeof bound === 'number' && Number.isFinite(bound)) ||
      !(given[0] < given[1])
    ) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'range',
        rule: '[low, high]: two finite numbers with low < high',
        value: given,
      });
    }
    [low, high] = given;
    if (!(rawBytes && low <= 0 && high >= 255)) checkWithin(state, functionName, low, high);
  }
  const scale = 1 / (high - low);
  return {
    ...state,
    transform: composeAffine(
      state.transform,
      state.storage.dim,
      () => scale,
      () => -low * scale,
    ),
    unitInterval: true,
  };
}

/** `Dataset.binarize`: binary samples, drawn or thresholded as `options` say. */
export function binarizeState(state: DatasetState, options: BinarizeOptions): DatasetState {
  const functionName = 'Dataset.binarize';
  checkOptionsObject(functionName, 'options', options, binarizeOptionNames);
  const mode = checkOneOf(functionName, 'mode', options?.mode, ['static', 'dynamic']);
  checkNotBinarised(state, functionName);
  if (!state.unitInterval) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'this',
      rule: 'a dataset whose values lie in [0, 1]',
      value: `a dataset of ${state.storage.dtype} values${state.transform === null ? '' : ', standardised'}`,
      hint: 'Call normalize() first.',
    });
  }
  const { threshold, seed } = options;
  let binarization: Binarization;
  if (mode === 'dynamic') {
    if (threshold !== undefined) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'threshold',
        rule: "undefined with mode 'dynamic' (a threshold fixes the values: use mode 'static')",
        value: threshold,
      });
    }
    binarization = {
      kind: 'draw',
      seed: seed === undefined ? 0 : checkSeed(functionName, 'seed', seed),
      counter: { next: 0 },
    };
  } else if (seed !== undefined) {
    if (threshold !== undefined) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'threshold',
        rule: "undefined when 'seed' is given (static binarisation either thresholds or draws once)",
        value: threshold,
      });
    }
    binarization = { kind: 'draw', seed: checkSeed(functionName, 'seed', seed), counter: null };
  } else {
    binarization = {
      kind: 'threshold',
      threshold:
        threshold === undefined
          ? 0.5
          : checkNumber(functionName, 'threshold', threshold, { min: 0, max: 1 }),
    };
  }
  return { ...state, binarization };
}

/**
 * The per-feature mean and scale (1 / standard deviation, or 1 where that is at most `minStd`)
 * of the values of `state` as batches would give them, in float64, in two passes.
 */
export function featureStatistics(
  state: DatasetState,
  minStd: number,
): { readonly mean: Float64Array; readonly scale: Float64Array } {
  const size = sizeOf(state);
  const { dim } = state.storage;
  const sums = new Float64Array(dim);
  const row = new Float32Array(dim);
  const fill = (position: number) => fillSamples(state, row, position, 1, 0);
  for (let position = 0; position < size; position += 1) {
    fill(position);
    for (let feature = 0; feature < dim; feature += 1) sums[feature]! += row[feature]!;
  }
  const mean = sums.map((sum) => sum / size);
  const squares = new Float64Array(dim);
  for (let position = 0; position < size; position += 1) {
    fill(position);
    for (let feature = 0; feature < dim; feature += 1) {
      const deviation = row[feature]! - mean[feature]!;
      squares[feature]! += deviation * deviation;
    }
  }
  const scale = squares.map((square) => {
    const std = Math.sqrt(square / size);
    return std > minStd ? 1 / std : 1;
  });
  return { mean, scale };
}

/** `state` standardised with `statistics`: `(value − mean) · scale` after its own transform. */
export function standardizeState(
  state: DatasetState,
  statistics: { readonly mean: Float64Array; readonly scale: Float64Array },
): DatasetState {
  const { mean, scale } = statistics;
  return {
    ...state,
    transform: composeAffine(
      state.transform,
      state.storage.dim,
      (feature) => scale[feature]!,
      (feature) => -mean[feature]! * scale[feature]!,
    ),
    unitInterval: false,
  };
}

/** Throws when `state` is binarised already (neither normalising nor binarising may follow). */
function checkNotBinarised(state: DatasetState, functionName: string, hint?: string): void {
  if (state.binarization === null) return;
  throw new InvalidArgumentError({
    functionName,
    argument: 'this',
    rule: 'a dataset that is not binarised yet',
    value: 'a binarised dataset',
    hint,
  });
}

/** Throws, naming the row, when a value of the dataset lies outside [low, high]. */
function checkWithin(state: DatasetState, functionName: string, low: number, high: number): void {
  const row = new Float32Array(state.storage.dim);
  for (let position = 0; position < sizeOf(state); position += 1) {
    fillSamples(state, row, position, 1, 0);
    for (let feature = 0; feature < row.length; feature += 1) {
      const value = row[feature]!;
      if (value < low || value > high) {
        throw new DataFormatError({
          functionName,
          source: 'this',
          row: position,
          problem: `row ${position} (counting from 0) holds ${value} at feature ${feature}, outside the range [${low}, ${high}] given to normalize.`,
        });
      }
    }
  }
}

/** Whether two transforms are the same map. */
export function sameAffine(a: Affine | null, b: Affine | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.mul.every((value, i) => value === b.mul[i]) && a.add.every((value, i) => value === b.add[i])
  );
}

function composeAffine(
  previous: Affine | null,
  dim: number,
  mulOf: (feature: number) => number,
  addOf: (feature: number) => number,
): Affine {
  const mul = new Float64Array(dim);
  const add = new Float64Array(dim);
  for (let feature = 0; feature < dim; feature += 1) {
    const m = mulOf(feature);
    const a = addOf(feature);
    mul[feature] = (previous?.mul[feature] ?? 1) * m;
    add[feature] = (previous?.add[feature] ?? 0) * m + a;
  }
  return { mul, add };
}
