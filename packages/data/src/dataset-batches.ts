import {
  type Batch,
  checkBoolean,
  checkInteger,
  checkOptionsObject,
  checkPositiveInteger,
} from '@aekit/core';
import { type Tensor1D, type Tensor2D, tensor1d, tensor2d } from '@tensorflow/tfjs-core';
import { type DatasetState, fillSamples, nextEpoch, sampleIndex, sizeOf } from './dataset-state';

/**
 * Reading a dataset out as float32: mini-batches of tensors, one tensor of everything, or one
 * sample as numbers. Transforms and binarisation are applied here, a batch at a time.
 */

/**
 * One mini-batch of a dataset: `@aekit/core`'s `Batch` (what a `BatchSource` yields, so a
 * `Dataset` is one), with its number in the pass and a `dispose()`. The caller owns the tensors:
 * `batch.dispose()` frees both.
 */
export interface DatasetBatch extends Batch {
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

const batchOptionNames = ['dropLast', 'epoch'] as const satisfies readonly (keyof BatchOptions)[];

/** `Dataset.sampleAt`: one sample as `batches` would give it, and its label. */
export function sampleOf(
  state: DatasetState,
  index: number,
  options: { readonly epoch?: number },
): { readonly x: Float32Array; readonly label: number | undefined } {
  checkOptionsObject('Dataset.sampleAt', 'options', options, ['epoch']);
  checkInteger('Dataset.sampleAt', 'index', index, { min: 0, max: sizeOf(state) - 1 });
  const epoch =
    options.epoch === undefined
      ? 0
      : checkInteger('Dataset.sampleAt', 'epoch', options.epoch, { min: 0 });
  const x = new Float32Array(state.storage.dim);
  fillSamples(state, x, index, 1, epoch);
  const label = state.storage.labels?.[sampleIndex(state, index)];
  return { x, label };
}

/** `Dataset.batches`: the options checked now, the batches made as they are reached. */
export function batchesOf(
  state: DatasetState,
  batchSize: number,
  options: BatchOptions,
): Generator<DatasetBatch, void, undefined> {
  const functionName = 'Dataset.batches';
  checkOptionsObject(functionName, 'options', options, batchOptionNames);
  checkPositiveInteger(functionName, 'batchSize', batchSize);
  const dropLast =
    options.dropLast === undefined
      ? false
      : checkBoolean(functionName, 'dropLast', options.dropLast);
  const explicitEpoch =
    options.epoch === undefined
      ? undefined
      : checkInteger(functionName, 'epoch', options.epoch, { min: 0 });
  return generateBatches(state, batchSize, dropLast, explicitEpoch);
}

function* generateBatches(
  state: DatasetState,
  batchSize: number,
  dropLast: boolean,
  explicitEpoch: number | undefined,
): Generator<DatasetBatch, void, undefined> {
  const epoch = nextEpoch(state, explicitEpoch);
  const size = sizeOf(state);
  const { storage } = state;
  const { dim } = storage;
  for (let start = 0, index = 0; start < size; start += batchSize, index += 1) {
    const count = Math.min(batchSize, size - start);
    if (count < batchSize && dropLast) return;
    const values = new Float32Array(count * dim);
    fillSamples(state, values, start, count, epoch);
    let labelValues: Int32Array | undefined;
    if (storage.labels !== null) {
      labelValues = new Int32Array(count);
      for (let row = 0; row < count; row += 1) {
        labelValues[row] = storage.labels[sampleIndex(state, start + row)]!;
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

/** `Dataset.toTensor`: every sample as one float32 tensor `[size, dim]`. */
export function tensorOf(state: DatasetState, options: { readonly epoch?: number }): Tensor2D {
  checkOptionsObject('Dataset.toTensor', 'options', options, ['epoch']);
  const explicitEpoch =
    options.epoch === undefined
      ? undefined
      : checkInteger('Dataset.toTensor', 'epoch', options.epoch, { min: 0 });
  const size = sizeOf(state);
  const { dim } = state.storage;
  const values = new Float32Array(size * dim);
  fillSamples(state, values, 0, size, nextEpoch(state, explicitEpoch));
  return tensor2d(values, [size, dim], 'float32');
}
