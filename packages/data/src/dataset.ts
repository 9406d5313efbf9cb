import {
  checkBoolean,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkPositiveInteger,
  checkSeed,
  checkTensor,
  createRng,
  deriveSeed,
  formatValue,
  InvalidArgumentError,
} from '@aekit/core';
import {
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  tensor1d,
  tensor2d,
} from '@tensorflow/tfjs-core';
import { apportion } from './apportion';
import { DataFormatError } from './errors';
import type { IdxDataType, IdxTypedArray } from './idx';

/** How samples are stored: the type they were loaded as (IDX images stay `uint8`). */
export type SampleDtype = IdxDataType;

/** The typed arrays a dataset stores samples in. */
export type SampleArray = IdxTypedArray;

/** One mini-batch. The caller owns the tensors: `batch.dispose()` frees both. */
export interface Batch {
  /** The samples, `[batchSize, dim]`, float32, normalised and binarised as the dataset says. */
  readonly x: Tensor2D;
  /** Their labels, `[batchSize]`, int32; `undefined` when the dataset has none. */
  readonly labels: Tensor1D | undefined;
  /** The batch's number in this pass, from 0. */
  readonly index: number;
  /** Disposes `x` and `labels`. */
  dispose(): void;
}

/** Options of `Dataset.batches`. */
export interface BatchOptions {
  /** Leave out the last batch when it is smaller than `batchSize`. Default `false`. */
  readonly dropLast?: boolean;
  /**
   * The epoch whose draw a dynamically binarised dataset uses (an integer ≥ 0). Default: the
   * next epoch of the dataset's own counter, so each pass draws afresh; pass it explicitly to
   * make a resumed run draw exactly what an uninterrupted one would have (later passes without
   * it then continue from there).
   */
  readonly epoch?: number;
}

/** Options of `Dataset.split`. */
export interface SplitOptions {
  /** Shuffle before splitting, with this seed; both parts come out in shuffled order. */
  readonly seed?: number;
  /** Keep each label's share the same in both parts (largest remainder). Needs labels. */
  readonly stratify?: boolean;
}

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

/** Options shared by the constructors from arrays and tensors. */
export interface LabelOptions {
  /** One integer label ≥ 0 per sample. */
  readonly labels?: ArrayLike<number> | Tensor;
  /** Names of the classes, indexed by label. */
  readonly classNames?: readonly string[];
}

interface Storage {
  readonly values: SampleArray;
  readonly dtype: SampleDtype;
  readonly count: number;
  readonly dim: number;
  readonly labels: Int32Array | null;
}

interface Affine {
  readonly mul: Float64Array;
  readonly add: Float64Array;
}

type Binarization =
  | { readonly kind: 'threshold'; readonly threshold: number }
  | {
      readonly kind: 'draw';
      readonly seed: number;
      /** The next epoch of a dynamic draw, shared by every dataset derived after `binarize`; `null` for a static draw. */
      readonly counter: { next: number } | null;
    };

interface DatasetState {
  readonly storage: Storage;
  /** Positions in storage, in this dataset's order; `null` for all of storage in order. */
  readonly order: Uint32Array | null;
  readonly featureShape: readonly number[];
  readonly classNames: readonly string[] | null;
  /** Applied per value when a batch is made: `value · mul[feature] + add[feature]`. */
  readonly transform: Affine | null;
  /** Every value is known to lie in [0, 1] (after `normalize`). */
  readonly unitInterval: boolean;
  readonly binarization: Binarization | null;
}

const dtypeOf = (values: SampleArray): SampleDtype => {
  if (values instanceof Uint8Array) return 'uint8';
  if (values instanceof Int8Array) return 'int8';
  if (values instanceof Int16Array) return 'int16';
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Float32Array) return 'float32';
  return 'float64';
};

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

  /**
   * A dataset from a flat array of `shape[0]` samples of `shape.slice(1)` values each,
   * row-major. Typed arrays keep their type (`Uint8Array` pixels stay bytes); plain arrays
   * become float32. The values are copied. NaN and ±Infinity are rejected, naming the row.
   */
  static fromArray(
    values: SampleArray | readonly number[],
    options: { readonly shape: readonly number[] } & LabelOptions,
  ): Dataset {
    const functionName = 'Dataset.fromArray';
    const isTyped = ArrayBuffer.isView(values) && !(values instanceof DataView);
    if (!isTyped && !Array.isArray(values)) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'values',
        rule: 'a typed array or an array of numbers',
        value: values,
      });
    }
    const shape = options?.shape;
    if (
      !Array.isArray(shape) ||
      shape.length < 1 ||
      !shape.every((size) => Number.isInteger(size) && size >= 0)
    ) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'shape',
        rule: 'an array [samples, ...feature sizes] of integers ≥ 0',
        value: shape,
      });
    }
    const count = shape[0]!;
    const featureShape = shape.length === 1 ? [1] : shape.slice(1);
    const dim = featureShape.reduce((product, size) => product * size, 1);
    if (count * dim !== values.length) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'shape',
        rule: `a shape whose sizes multiply to the ${values.length} values given`,
        value: shape,
      });
    }
    let stored: SampleArray;
    if (isTyped) {
      const typed = values as SampleArray;
      const supported = [
        Uint8Array,
        Int8Array,
        Int16Array,
        Int32Array,
        Float32Array,
        Float64Array,
      ].some((kind) => typed instanceof kind);
      if (!supported) {
        throw new InvalidArgumentError({
          functionName,
          argument: 'values',
          rule: 'a Uint8Array, Int8Array, Int16Array, Int32Array, Float32Array or Float64Array (or an array of numbers)',
          value: values,
        });
      }
      stored = typed.slice();
    } else {
      stored = Float32Array.from(values as readonly number[]);
    }
    checkFiniteValues(functionName, 'values', stored, dim, values);
    return createDataset({
      values: stored,
      count,
      featureShape,
      labels: resolveLabels(functionName, options.labels, count),
      classNames: resolveClassNames(functionName, options.classNames),
    });
  }

  /** A dataset from one array of numbers per sample (all of one length), stored as float32. */
  static fromRows(rows: readonly (readonly number[])[], options: LabelOptions = {}): Dataset {
    const functionName = 'Dataset.fromRows';
    if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'rows',
        rule: 'an array of arrays of numbers',
        value: rows,
      });
    }
    const dim = rows[0]?.length ?? 0;
    const values = new Float32Array(rows.length * dim);
    rows.forEach((row, index) => {
      if (row.length !== dim) {
        throw new DataFormatError({
          functionName,
          source: 'rows',
          row: index,
          problem: `'rows' row ${index} (counting from 0) has ${row.length} values, but row 0 has ${dim}.`,
        });
      }
      values.set(row, index * dim);
    });
    checkFiniteValues(functionName, 'rows', values, dim, rows.flat());
    return createDataset({
      values,
      count: rows.length,
      featureShape: [dim],
      labels: resolveLabels(functionName, options.labels, rows.length),
      classNames: resolveClassNames(functionName, options.classNames),
    });
  }

  /** A dataset from a tensor `[samples, ...features]` (read once and stored as float32). */
  static fromTensor(x: Tensor, options: LabelOptions = {}): Dataset {
    const functionName = 'Dataset.fromTensor';
    checkTensor(functionName, 'x', x, { dtype: ['float32', 'int32'] });
    if (x.rank < 1) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'x',
        rule: 'a tensor of rank ≥ 1, [samples, ...features]',
        value: x,
      });
    }
    const values = Float32Array.from(x.dataSync() as Float32Array | Int32Array);
    return Dataset.fromArray(values, { shape: x.shape, ...options });
  }

  /** The number of samples. */
  get size(): number {
    return this.state.order?.length ?? this.state.storage.count;
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
    const { storage, order } = this.state;
    if (storage.labels === null) return null;
    if (order === null) return storage.labels.slice();
    const labels = new Int32Array(order.length);
    for (let position = 0; position < order.length; position += 1) {
      labels[position] = storage.labels[order[position]!]!;
    }
    return labels;
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
    checkInteger('Dataset.sampleAt', 'index', index, { min: 0, max: this.size - 1 });
    const epoch =
      options.epoch === undefined
        ? 0
        : checkInteger('Dataset.sampleAt', 'epoch', options.epoch, { min: 0 });
    const x = new Float32Array(this.dim);
    this.fill(x, index, 1, epoch);
    const { storage, order } = this.state;
    const label = storage.labels?.[order === null ? index : order[index]!];
    return { x, label };
  }

  /** The samples in a random order given by `seed` (the same everywhere). */
  shuffle(seed: number): Dataset {
    checkSeed('Dataset.shuffle', 'seed', seed);
    const permutation = createRng(seed).permutation(this.size);
    return this.select(permutation);
  }

  /** The first `count` samples. */
  take(count: number): Dataset {
    checkInteger('Dataset.take', 'count', count, { min: 0, max: this.size });
    return this.select(range(0, count));
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
    const functionName = 'Dataset.split';
    const { size } = this;
    let count: number;
    if (typeof first === 'number' && first > 0 && first < 1) {
      count = Math.round(first * size);
    } else {
      if (typeof first !== 'number' || !Number.isInteger(first) || first < 0 || first > size) {
        throw new InvalidArgumentError({
          functionName,
          argument: 'first',
          rule: `a count, an integer in [0, ${size}], or a fraction strictly between 0 and 1`,
          value: first,
        });
      }
      count = first;
    }
    const seed =
      options.seed === undefined ? undefined : checkSeed(functionName, 'seed', options.seed);
    const stratify =
      options.stratify === undefined
        ? false
        : checkBoolean(functionName, 'stratify', options.stratify);
    const rng = seed === undefined ? undefined : createRng(seed);
    let firstPart: Uint32Array;
    let secondPart: Uint32Array;
    if (stratify) {
      const labels = this.labels;
      if (labels === null) {
        throw new InvalidArgumentError({
          functionName,
          argument: 'stratify',
          rule: 'false for a dataset without labels',
          value: true,
        });
      }
      [firstPart, secondPart] = stratifiedParts(labels, count, rng);
    } else {
      const positions = rng === undefined ? range(0, size) : rng.permutation(size);
      firstPart = positions.slice(0, count);
      secondPart = positions.slice(count);
    }
    return [this.select(firstPart), this.select(secondPart)];
  }

  /**
   * The samples whose label is one of `keep`, given as labels or class names, in this
   * dataset's order. Labels keep their values (and the class names stay as they were).
   */
  filterLabels(keep: readonly (number | string)[]): Dataset {
    const functionName = 'Dataset.filterLabels';
    const { classNames } = this.state;
    const labels = this.labels;
    if (labels === null) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'this',
        rule: 'a dataset with labels',
        value: 'a dataset without labels',
      });
    }
    if (!Array.isArray(keep) || keep.length === 0) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'keep',
        rule: 'a non-empty array of labels or class names',
        value: keep,
      });
    }
    const wanted = new Set<number>();
    keep.forEach((item, index) => {
      if (typeof item === 'string') {
        const label = classNames?.indexOf(item) ?? -1;
        if (label < 0) {
          throw new InvalidArgumentError({
            functionName,
            argument: `keep[${index}]`,
            rule:
              classNames === null
                ? 'a label (this dataset has no class names)'
                : `a label or one of the class names ${classNames.map((name) => formatValue(name)).join(', ')}`,
            value: item,
          });
        }
        wanted.add(label);
      } else {
        wanted.add(checkInteger(functionName, `keep[${index}]`, item, { min: 0 }));
      }
    });
    const positions: number[] = [];
    labels.forEach((label, position) => {
      if (wanted.has(label)) positions.push(position);
    });
    return this.select(Uint32Array.from(positions));
  }

  /**
   * Maps every value linearly from `range` to [0, 1] (default `[0, 255]` for `uint8` data).
   * Standardising (zero mean, unit variance) needs statistics from the training split only,
   * so it is done on all splits at once by `standardize({ train, test })`.
   */
  normalize(options: NormalizeOptions = {}): Dataset {
    const functionName = 'Dataset.normalize';
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
    const { state } = this;
    if (state.binarization !== null) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'this',
        rule: 'a dataset that is not binarised yet',
        value: 'a binarised dataset',
        hint: 'Normalise first, then binarise.',
      });
    }
    if (options.range === undefined && state.unitInterval) return this;
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
      if (!(rawBytes && low <= 0 && high >= 255)) this.checkWithin(functionName, low, high);
    }
    const scale = 1 / (high - low);
    return this.withState({
      transform: composeAffine(
        state.transform,
        this.dim,
        () => scale,
        () => -low * scale,
      ),
      unitInterval: true,
    });
  }

  /**
   * Binary samples for a Bernoulli likelihood. Needs values in [0, 1] (call `normalize`
   * first). `'dynamic'` draws afresh in every epoch (each `batches()` pass of this dataset
   * or of any dataset derived from it, such as its shuffles, is the next epoch); `'static'`
   * fixes the binary values once. See `BinarizeOptions`.
   */
  binarize(options: BinarizeOptions): Dataset {
    const functionName = 'Dataset.binarize';
    const mode = checkOneOf(functionName, 'mode', options?.mode, ['static', 'dynamic']);
    const { state } = this;
    if (state.binarization !== null) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'this',
        rule: 'a dataset that is not binarised yet',
        value: 'a binarised dataset',
      });
    }
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
    return this.withState({ binarization });
  }

  /**
   * The samples in mini-batches of `batchSize`, in this dataset's order (shuffle first for
   * a random order). Each batch's tensors are made when it is reached and belong to the
   * caller: dispose them (`batch.dispose()`). Stopping early leaves nothing behind.
   */
  batches(batchSize: number, options: BatchOptions = {}): Generator<Batch, void, undefined> {
    const functionName = 'Dataset.batches';
    checkPositiveInteger(functionName, 'batchSize', batchSize);
    const dropLast =
      options.dropLast === undefined
        ? false
        : checkBoolean(functionName, 'dropLast', options.dropLast);
    const explicitEpoch =
      options.epoch === undefined
        ? undefined
        : checkInteger(functionName, 'epoch', options.epoch, { min: 0 });
    return this.generateBatches(batchSize, dropLast, explicitEpoch);
  }

  private *generateBatches(
    batchSize: number,
    dropLast: boolean,
    explicitEpoch: number | undefined,
  ): Generator<Batch, void, undefined> {
    const epoch = this.nextEpoch(explicitEpoch);
    const { size, dim } = this;
    const { storage, order } = this.state;
    for (let start = 0, index = 0; start < size; start += batchSize, index += 1) {
      const count = Math.min(batchSize, size - start);
      if (count < batchSize && dropLast) return;
      const values = new Float32Array(count * dim);
      this.fill(values, start, count, epoch);
      let labelValues: Int32Array | undefined;
      if (storage.labels !== null) {
        labelValues = new Int32Array(count);
        for (let row = 0; row < count; row += 1) {
          const position = start + row;
          labelValues[row] = storage.labels[order === null ? position : order[position]!]!;
        }
      }
      const x = tensor2d(values, [count, dim], 'float32');
      const labels = labelValues === undefined ? undefined : tensor1d(labelValues, 'int32');
      yield {
        x,
        labels,
        index,
        dispose: () => {
          x.dispose();
          labels?.dispose();
        },
      };
    }
  }

  /**
   * All samples as one float32 tensor `[size, dim]`, which the caller disposes. A
   * dynamically binarised dataset draws the next epoch, or `epoch`.
   */
  toTensor(options: { readonly epoch?: number } = {}): Tensor2D {
    const explicitEpoch =
      options.epoch === undefined
        ? undefined
        : checkInteger('Dataset.toTensor', 'epoch', options.epoch, { min: 0 });
    const values = new Float32Array(this.size * this.dim);
    this.fill(values, 0, this.size, this.nextEpoch(explicitEpoch));
    return tensor2d(values, [this.size, this.dim], 'float32');
  }

  private nextEpoch(explicit: number | undefined): number {
    const binarization = this.state.binarization;
    if (binarization?.kind !== 'draw' || binarization.counter === null) return 0;
    if (explicit !== undefined) {
      binarization.counter.next = explicit + 1;
      return explicit;
    }
    const epoch = binarization.counter.next;
    binarization.counter.next += 1;
    return epoch;
  }

  /** Writes `count` samples from position `start` into `out`, transformed and binarised. */
  private fill(out: Float32Array, start: number, count: number, epoch: number): void {
    const { storage, order, transform, binarization } = this.state;
    const { values, dim } = storage;
    for (let row = 0; row < count; row += 1) {
      const sample = order === null ? start + row : order[start + row]!;
      const source = sample * dim;
      const target = row * dim;
      if (transform === null) {
        out.set(values.subarray(source, source + dim), target);
      } else {
        const { mul, add } = transform;
        for (let feature = 0; feature < dim; feature += 1) {
          out[target + feature] = values[source + feature]! * mul[feature]! + add[feature]!;
        }
      }
      if (binarization === null) continue;
      if (binarization.kind === 'threshold') {
        const { threshold } = binarization;
        for (let offset = target; offset < target + dim; offset += 1) {
          out[offset] = out[offset]! > threshold ? 1 : 0;
        }
      } else {
        // One generator per (epoch, sample): the draw is independent of order and batching.
        const rng = createRng(deriveSeed(binarization.seed, epoch, sample));
        for (let offset = target; offset < target + dim; offset += 1) {
          out[offset] = rng.nextFloat() < out[offset]! ? 1 : 0;
        }
      }
    }
  }

  /** Throws, naming the row, when a value of this dataset lies outside [low, high]. */
  private checkWithin(functionName: string, low: number, high: number): void {
    const row = new Float32Array(this.dim);
    for (let position = 0; position < this.size; position += 1) {
      this.fill(row, position, 1, 0);
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

  private select(positions: Uint32Array): Dataset {
    const { order } = this.state;
    const next = order === null ? positions : positions.map((position) => order[position]!);
    return this.withState({ order: next });
  }

  private withState(changes: Partial<DatasetState>): Dataset {
    return new Dataset({ ...this.state, ...changes });
  }
}

/** The private members of a dataset, for the functions of this module. */
interface Internals {
  readonly state: DatasetState;
  fill(out: Float32Array, start: number, count: number, epoch: number): void;
}

function internals(dataset: Dataset): Internals {
  return dataset as unknown as Internals;
}

function stateOf(dataset: Dataset): DatasetState {
  return internals(dataset).state;
}

function sameAffine(a: Affine | null, b: Affine | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.mul.every((value, i) => value === b.mul[i]) && a.add.every((value, i) => value === b.add[i])
  );
}

function range(start: number, end: number): Uint32Array {
  const positions = new Uint32Array(end - start);
  for (let index = 0; index < positions.length; index += 1) positions[index] = start + index;
  return positions;
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

/** Positions (into `labels`) of the two parts of a stratified split. */
function stratifiedParts(
  labels: Int32Array,
  count: number,
  rng: ReturnType<typeof createRng> | undefined,
): [Uint32Array, Uint32Array] {
  const byLabel = new Map<number, number[]>();
  labels.forEach((label, position) => {
    let group = byLabel.get(label);
    if (group === undefined) {
      group = [];
      byLabel.set(label, group);
    }
    group.push(position);
  });
  const groups = [...byLabel.entries()].sort((a, b) => a[0] - b[0]).map((entry) => entry[1]);
  const shares = apportion(
    groups.map((group) => group.length),
    count,
  );
  const first: number[] = [];
  const second: number[] = [];
  groups.forEach((group, index) => {
    const members =
      rng === undefined ? group : Array.from(rng.permutation(group.length), (i) => group[i]!);
    first.push(...members.slice(0, shares[index]));
    second.push(...members.slice(shares[index]));
  });
  const arrange = (positions: number[]): Uint32Array => {
    if (rng === undefined) return Uint32Array.from(positions.sort((a, b) => a - b));
    const permutation = rng.permutation(positions.length);
    return Uint32Array.from(permutation, (i) => positions[i]!);
  };
  return [arrange(first), arrange(second)];
}

/** The first non-finite value: an error naming its row (and feature). */
function checkFiniteValues(
  functionName: string,
  argument: string,
  stored: SampleArray,
  dim: number,
  original: ArrayLike<number>,
): void {
  if (!(stored instanceof Float32Array || stored instanceof Float64Array)) return;
  for (let index = 0; index < stored.length; index += 1) {
    if (Number.isFinite(stored[index]!)) continue;
    const row = Math.floor(index / Math.max(dim, 1));
    const value = original[index]!;
    const why = Number.isFinite(value) ? `${value}, which does not fit in float32` : String(value);
    throw new DataFormatError({
      functionName,
      source: argument,
      row,
      problem: `'${argument}' row ${row} (counting from 0) holds ${why} at feature ${index - row * dim}; every value must be finite.`,
    });
  }
}

/** Labels as int32, checked: one integer ≥ 0 per sample. */
export function resolveLabels(
  functionName: string,
  labels: ArrayLike<number> | Tensor | undefined,
  count: number,
): Int32Array | null {
  if (labels === undefined) return null;
  let values: ArrayLike<number>;
  if (typeof (labels as Tensor).dataSync === 'function') {
    const tensor = checkTensor(functionName, 'labels', labels, { rank: 1 });
    values = tensor.dataSync() as ArrayLike<number>;
  } else if (
    (ArrayBuffer.isView(labels) && !(labels instanceof DataView)) ||
    Array.isArray(labels)
  ) {
    values = labels as ArrayLike<number>;
  } else {
    throw new InvalidArgumentError({
      functionName,
      argument: 'labels',
      rule: 'an array, a typed array or a 1-D tensor of integer labels',
      value: labels,
    });
  }
  if (values.length !== count) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'labels',
      rule: `one label per sample, ${count}`,
      value: `${values.length} labels`,
    });
  }
  const resolved = new Int32Array(count);
  for (let row = 0; row < count; row += 1) {
    const label = values[row]!;
    if (!Number.isInteger(label) || label < 0 || label > 0x7fffffff) {
      throw new DataFormatError({
        functionName,
        source: 'labels',
        row,
        problem: `'labels' row ${row} (counting from 0) holds ${formatValue(label)}; a label must be an integer ≥ 0.`,
      });
    }
    resolved[row] = label;
  }
  return resolved;
}

export function resolveClassNames(
  functionName: string,
  classNames: readonly string[] | undefined,
): readonly string[] | null {
  if (classNames === undefined) return null;
  if (!Array.isArray(classNames) || !classNames.every((name) => typeof name === 'string')) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'classNames',
      rule: 'an array of strings',
      value: classNames,
    });
  }
  return Object.freeze([...classNames]);
}

/**
 * A dataset over `values` as they are (not copied): for loaders, which have checked them.
 * Throws when a label has no class name.
 */
export function createDataset(parts: {
  readonly values: SampleArray;
  readonly count: number;
  readonly featureShape: readonly number[];
  readonly labels: Int32Array | null;
  readonly classNames: readonly string[] | null;
  readonly functionName?: string;
}): Dataset {
  const { values, count, featureShape, labels, classNames } = parts;
  const dim = featureShape.reduce((product, size) => product * size, 1);
  if (labels !== null && classNames !== null) {
    const unnamed = labels.findIndex((label) => label >= classNames.length);
    if (unnamed >= 0) {
      throw new InvalidArgumentError({
        functionName: parts.functionName ?? 'Dataset',
        argument: 'classNames',
        rule: 'a name for every label',
        value: classNames,
        hint: `Row ${unnamed} (counting from 0) has label ${labels[unnamed]}, but there are only ${classNames.length} class names.`,
      });
    }
  }
  const state: DatasetState = {
    storage: { values, dtype: dtypeOf(values), count, dim, labels },
    order: null,
    featureShape: Object.freeze([...featureShape]),
    classNames,
    transform: null,
    unitInterval: false,
    binarization: null,
  };
  return new (Dataset as unknown as new (state: DatasetState) => Dataset)(state);
}

/** Named datasets with a `train` split, as `standardize` takes them: `{ train, test }`. */
export type Splits = { readonly train: Dataset };

/**
 * Standardises every split (zero mean, unit variance per feature) with the mean and standard
 * deviation of `splits.train` alone, so nothing about the other splits leaks into training.
 * Returns the same keys. Split off a validation set before, not after, standardising.
 *
 * ```ts
 * const { train, test } = standardize(await loadFashionMnist());
 * ```
 */
export function standardize<const S extends Splits>(
  splits: S & { readonly [K in keyof S]: Dataset },
  options: StandardizeOptions = {},
): { readonly [K in keyof S]: Dataset } {
  const functionName = 'standardize';
  if (typeof splits !== 'object' || splits === null || !(splits.train instanceof Dataset)) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'splits',
      rule: 'an object of datasets with a `train` dataset, e.g. { train, test }',
      value: splits,
    });
  }
  const minStd =
    options.minStd === undefined
      ? 1e-8
      : checkNumber(functionName, 'minStd', options.minStd, { min: 0 });
  const train = splits.train;
  const trainTransform = stateOf(train).transform;
  for (const [name, dataset] of Object.entries(splits) as [string, unknown][]) {
    if (!(dataset instanceof Dataset)) {
      throw new InvalidArgumentError({
        functionName,
        argument: `splits.${name}`,
        rule: 'a Dataset',
        value: dataset,
      });
    }
    const state = stateOf(dataset);
    if (state.binarization !== null) {
      throw new InvalidArgumentError({
        functionName,
        argument: `splits.${name}`,
        rule: 'a dataset that is not binarised',
        value: 'a binarised dataset',
      });
    }
    if (dataset.dim !== train.dim) {
      throw new InvalidArgumentError({
        functionName,
        argument: `splits.${name}`,
        rule: `a dataset of ${train.dim} values per sample, like splits.train`,
        value: `a dataset of ${dataset.dim}`,
      });
    }
    if (!sameAffine(state.transform, trainTransform)) {
      throw new InvalidArgumentError({
        functionName,
        argument: `splits.${name}`,
        rule: 'a dataset normalised exactly like splits.train (or, like it, not at all)',
        value: 'a dataset normalised differently',
      });
    }
  }
  if (train.size === 0) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'splits.train',
      rule: 'a dataset with at least one sample',
      value: 'an empty dataset',
    });
  }
  // Mean, then the mean squared deviation (two passes, float64), of the values as batches
  // would give them.
  const { dim, size } = train;
  const sums = new Float64Array(dim);
  const row = new Float32Array(dim);
  const fill = (position: number) => internals(train).fill(row, position, 1, 0);
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
  const result: Record<string, Dataset> = {};
  for (const [name, dataset] of Object.entries(splits) as [string, Dataset][]) {
    const state = stateOf(dataset);
    result[name] = new (Dataset as unknown as new (state: DatasetState) => Dataset)({
      ...state,
      transform: composeAffine(
        state.transform,
        dim,
        (feature) => scale[feature]!,
        (feature) => -mean[feature]! * scale[feature]!,
      ),
      unitInterval: false,
    });
  }
  return result as { readonly [K in keyof S]: Dataset };
}
