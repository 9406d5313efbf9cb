import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import {
  type BatchOptions,
  batchesOf,
  type DatasetBatch,
  sampleOf,
  tensorOf,
} from './dataset-batches';
import {
  createState,
  type LabelOptions,
  type LoadedSamples,
  stateFromArray,
  stateFromRows,
  stateFromTensor,
} from './dataset-construction';
import {
  filterLabelsState,
  type SplitOptions,
  shuffleState,
  splitState,
  takeState,
} from './dataset-selection';
import {
  type DatasetState,
  labelsInOrder,
  type SampleArray,
  type SampleDtype,
  sizeOf,
} from './dataset-state';
import {
  type BinarizeOptions,
  binarizeState,
  type NormalizeOptions,
  normalizeState,
} from './dataset-transforms';

// Set by the class's static block, which may call its private constructor and read its state.
let datasetFrom: (state: DatasetState) => Dataset;
let stateOfDataset: (dataset: Dataset) => DatasetState;

/**
 * An in-memory dataset of `size` samples of `dim` values each, with optional integer labels
 * and class names. Samples are stored as loaded (Fashion-MNIST's 70,000 images stay one
 * `Uint8Array` of 55 MB) and turned into float32 one batch at a time. Every operation returns
 * a new dataset that shares the stored samples: `shuffle`, `take`, `split` and
 * `filterLabels` only reorder or select them, `normalize`, `standardize` and `binarize` only
 * record what `batches` and `toTensor` apply.
 *
 * ```ts
 * const { train } = await loadFashionMnist();
 * const data = train.normalize().binarize({ mode: 'dynamic', seed: 1 });
 * for (let epoch = 0; epoch < 10; epoch += 1) {
 *   for (const batch of data.shuffle(epoch).batches(128)) {
 *     // … train on batch.x …
 *     batch.dispose();
 *   }
 * }
 * ```
 */
export class Dataset {
  private readonly state: DatasetState;

  private constructor(state: DatasetState) {
    this.state = state;
  }

  static {
    datasetFrom = (state) => new Dataset(state);
    stateOfDataset = (dataset) => dataset.state;
  }

  /**
   * A dataset from a flat array of `shape[0]` samples of `shape.slice(1)` values each,
   * row-major. Typed arrays keep their type (`Uint8Array` pixels stay bytes); plain arrays
   * become float32. The values are copied. NaN and ±Infinity are rejected, naming the row.
   */
  static fromArray(
    values: SampleArray | readonly number[],
    options: { readonly shape: readonly number[] } & LabelOptions,
  ): Dataset {
    return new Dataset(stateFromArray(values, options));
  }

  /** A dataset from one array of numbers per sample (all of one length), stored as float32. */
  static fromRows(rows: readonly (readonly number[])[], options: LabelOptions = {}): Dataset {
    return new Dataset(stateFromRows(rows, options));
  }

  /** A dataset from a tensor `[samples, ...features]` (read once and stored as float32). */
  static fromTensor(x: Tensor, options: LabelOptions = {}): Dataset {
    return new Dataset(stateFromTensor(x, options));
  }

  /** The number of samples. */
  get size(): number {
    return sizeOf(this.state);
  }

  /** The number of values per sample (`784` for 28 × 28 images). */
  get dim(): number {
    return this.state.storage.dim;
  }

  /** The shape of one sample (`[28, 28]` for IDX images). */
  get featureShape(): readonly number[] {
    return this.state.featureShape;
  }

  /** How the samples are stored (`'uint8'` for IDX images, `'float32'` for CSV). */
  get dtype(): SampleDtype {
    return this.state.storage.dtype;
  }

  /**
   * Bytes of stored sample values. Datasets made from one another share their storage, so
   * this is the memory they hold together, not each.
   */
  get sampleBytes(): number {
    return this.state.storage.values.byteLength;
  }

  /** Names of the classes, indexed by label, or `null`. */
  get classNames(): readonly string[] | null {
    return this.state.classNames;
  }

  /** Whether the samples carry labels. */
  get hasLabels(): boolean {
    return this.state.storage.labels !== null;
  }

  /** The labels in this dataset's order (a fresh copy), or `null` when there are none. */
  get labels(): Int32Array | null {
    return labelsInOrder(this.state);
  }

  /** Whether `normalize` has put every value in [0, 1]. */
  get isNormalized(): boolean {
    return this.state.unitInterval;
  }

  /** How the dataset binarises, or `null`. */
  get binarization(): { readonly mode: 'static' | 'dynamic' } | null {
    const binarization = this.state.binarization;
    if (binarization === null) return null;
    return {
      mode: binarization.kind === 'draw' && binarization.counter !== null ? 'dynamic' : 'static',
    };
  }

  /**
   * One sample as `batches` would give it, and its label. A dynamically binarised dataset
   * uses the draw of `epoch` (default 0) and does not advance its epoch counter.
   */
  sampleAt(
    index: number,
    options: { readonly epoch?: number } = {},
  ): { readonly x: Float32Array; readonly label: number | undefined } {
    return sampleOf(this.state, index, options);
  }

  /** The samples in a random order given by `seed` (the same everywhere). */
  shuffle(seed: number): Dataset {
    return new Dataset(shuffleState(this.state, seed));
  }

  /** The first `count` samples. */
  take(count: number): Dataset {
    return new Dataset(takeState(this.state, count));
  }

  /**
   * Two parts: the first holds `first` samples (an integer count) or that fraction of them
   * (a number strictly between 0 and 1, rounded to the nearest count), the second the rest.
   * Without a seed the parts keep this dataset's order; with one they are drawn at random and
   * come out shuffled. `stratify` gives every label the same share in both parts.
   *
   * ```ts
   * const [train, validation] = data.split(0.9, { seed: 1, stratify: true });
   * ```
   */
  split(first: number, options: SplitOptions = {}): [Dataset, Dataset] {
    const [firstPart, secondPart] = splitState(this.state, first, options);
    return [new Dataset(firstPart), new Dataset(secondPart)];
  }

  /**
   * The samples whose label is one of `keep`, given as labels or class names, in this
   * dataset's order. Labels keep their values (and the class names stay as they were).
   */
  filterLabels(keep: readonly (number | string)[]): Dataset {
    return new Dataset(filterLabelsState(this.state, keep));
  }

  /**
   * Maps every value linearly from `range` to [0, 1] (default `[0, 255]` for `uint8` data).
   * Standardising (zero mean, unit variance) needs statistics from the training split only,
   * so it is done on all splits at once by `standardize({ train, test })`.
   */
  normalize(options: NormalizeOptions = {}): Dataset {
    const next = normalizeState(this.state, options);
    return next === this.state ? this : new Dataset(next);
  }

  /**
   * Binary samples for a Bernoulli likelihood. Needs values in [0, 1] (call `normalize`
   * first). `'dynamic'` draws afresh in every epoch (each `batches()` pass of this dataset
   * or of any dataset derived from it, such as its shuffles, is the next epoch); `'static'`
   * fixes the binary values once. See `BinarizeOptions`.
   */
  binarize(options: BinarizeOptions): Dataset {
    return new Dataset(binarizeState(this.state, options));
  }

  /**
   * The samples in mini-batches of `batchSize`, in this dataset's order (shuffle first for
   * a random order). Each batch's tensors are made when it is reached and belong to the
   * caller: dispose them (`batch.dispose()`). Stopping early leaves nothing behind.
   */
  batches(batchSize: number, options: BatchOptions = {}): Generator<DatasetBatch, void, undefined> {
    return batchesOf(this.state, batchSize, options);
  }

  /**
   * All samples as one float32 tensor `[size, dim]`, which the caller disposes. A
   * dynamically binarised dataset draws the next epoch, or `epoch`.
   */
  toTensor(options: { readonly epoch?: number } = {}): Tensor2D {
    return tensorOf(this.state, options);
  }
}

/** The dataset of `state` (for this package's modules; not exported from it). */
export function datasetOf(state: DatasetState): Dataset {
  return datasetFrom(state);
}

/** The state of `dataset` (for this package's modules; not exported from it). */
export function stateOf(dataset: Dataset): DatasetState {
  return stateOfDataset(dataset);
}

/**
 * A dataset over `values` as they are (not copied): for loaders, which have checked them.
 * Throws when a label has no class name.
 */
export function createDataset(parts: LoadedSamples): Dataset {
  return datasetFrom(createState(parts));
}
