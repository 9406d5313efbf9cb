import type { Autoencoder } from '@aekit/core';
import type { Dataset } from '@aekit/data';
import * as tf from '@tensorflow/tfjs-core';
import type { FamilyAdapter, LabelledCalls, LabelledRows } from './family-contract';

/** Rows processed per call when a whole split goes through a model. */
export const inferenceBatchSize = 500;

/**
 * A subset of `dataset` as one row-major array: all of it when it has at most `limit`
 * examples, else `limit` examples drawn with `seed` (the same ones every time).
 */
export function takeRows(dataset: Dataset, limit: number, seed = 0): LabelledRows {
  const chosen = dataset.size > limit ? dataset.shuffle(seed).take(limit) : dataset;
  const x = chosen.toTensor({ epoch: 0 });
  try {
    return {
      x: x.dataSync() as Float32Array,
      labels: chosen.labels,
      count: chosen.size,
      dim: chosen.dim,
    };
  } finally {
    x.dispose();
  }
}

/** One batch of rows as tensors, made and freed by `forEachBatch`. */
export interface RowBatch {
  /** `[count, dim]` */
  readonly x: tf.Tensor2D;
  /** `[count]` int32, when the labels were asked for and the rows have them. */
  readonly labels: tf.Tensor1D | undefined;
  /** The batch's first row in the rows. */
  readonly start: number;
  /** Rows in the batch (`batchSize`, fewer in the last). */
  readonly count: number;
}

/**
 * The one batch loop of the CLI: cuts `rows` into batches of `batchSize`, makes each batch's
 * tensors (labels only when `withLabels` and the rows have them), runs `call` inside `tf.tidy`,
 * hands the values of the tensor it returns to `take` and frees that tensor. Nothing is left
 * behind, whatever `call` makes.
 */
export function forEachBatch(
  rows: LabelledRows,
  options: { readonly batchSize: number; readonly withLabels: boolean },
  call: (batch: RowBatch) => tf.Tensor,
  take: (values: tf.TypedArray, shape: readonly number[], start: number, count: number) => void,
): void {
  const { batchSize, withLabels } = options;
  for (let start = 0; start < rows.count; start += batchSize) {
    const count = Math.min(batchSize, rows.count - start);
    const result = tf.tidy(() => {
      const x = tf.tensor2d(rows.x.subarray(start * rows.dim, (start + count) * rows.dim), [
        count,
        rows.dim,
      ]);
      const labels =
        withLabels && rows.labels !== null
          ? tf.tensor1d(rows.labels.subarray(start, start + count), 'int32')
          : undefined;
      return call({ x, labels, start, count });
    });
    try {
      take(result.dataSync(), result.shape, start, count);
    } finally {
      result.dispose();
    }
  }
}

/**
 * Applies `call` (e.g. `encode`) to `rows` in batches and gathers the results as one
 * row-major array `[count, outDim]`. Labels go along when the adapter says the model needs
 * them; `start` is the batch's first row (to seed per-batch noise).
 */
export function mapRows(
  adapter: FamilyAdapter,
  model: Autoencoder,
  rows: LabelledRows,
  call: (
    model: LabelledCalls,
    x: tf.Tensor2D,
    labels: tf.Tensor1D | undefined,
    start: number,
  ) => tf.Tensor2D | tf.Tensor1D,
): { values: Float32Array; dim: number } {
  const withLabels = adapter.needsLabels(model);
  if (withLabels && rows.labels === null) {
    throw new Error('mapRows: the model needs labels, but the data has none.');
  }
  const parts: Float32Array[] = [];
  let dim = 1;
  forEachBatch(
    rows,
    { batchSize: inferenceBatchSize, withLabels },
    ({ x, labels, start }) => call(model as unknown as LabelledCalls, x, labels, start),
    (values, shape) => {
      dim = shape.length === 2 ? shape[1]! : 1;
      parts.push(values as Float32Array);
    },
  );
  const values = new Float32Array(rows.count * dim);
  let offset = 0;
  for (const part of parts) {
    values.set(part, offset);
    offset += part.length;
  }
  return { values, dim };
}

/** The codes of `rows`: `encode(x)`, `[count, latentDim]`. */
export function encodeRows(
  adapter: FamilyAdapter,
  model: Autoencoder,
  rows: LabelledRows,
): { values: Float32Array; dim: number } {
  return mapRows(adapter, model, rows, (m, x, labels) => m.encode(x, labels));
}

/** The reconstructions of `rows`: `reconstruct(x)`, `[count, inputDim]`. */
export function reconstructRows(
  adapter: FamilyAdapter,
  model: Autoencoder,
  rows: LabelledRows,
): Float32Array {
  return mapRows(adapter, model, rows, (m, x, labels) => m.reconstruct(x, labels)).values;
}

/**
 * The mean of each loss term over `rows` in evaluation mode (`training: false`), per example,
 * by name: `total` and every term.
 */
export function meanLossTerms(
  model: Autoencoder,
  rows: LabelledRows,
  step: number,
): Record<string, number> {
  const sums: Record<string, number> = {};
  let names: string[] = [];
  forEachBatch(
    rows,
    { batchSize: inferenceBatchSize, withLabels: true },
    ({ x, labels }) => {
      const loss = model.lossTerms(x, {
        step,
        training: false,
        ...(labels === undefined ? {} : { labels }),
      });
      names = ['total', ...Object.keys(loss.terms)];
      return tf.stack([loss.total, ...Object.values(loss.terms)]);
    },
    (numbers, _shape, _start, count) => {
      names.forEach((name, index) => {
        sums[name] = (sums[name] ?? 0) + numbers[index]! * count;
      });
    },
  );
  return Object.fromEntries(Object.entries(sums).map(([name, sum]) => [name, sum / rows.count]));
}

/**
 * Applies `call` to `rows` in batches of `options.batchSize` and gathers its one value per
 * example (labels go along when `options.withLabels`).
 */
export function perExample(
  rows: LabelledRows,
  options: { readonly batchSize: number; readonly withLabels: boolean },
  call: (x: tf.Tensor2D, labels: tf.Tensor1D | undefined, start: number) => tf.Tensor1D,
): Float64Array {
  const out = new Float64Array(rows.count);
  forEachBatch(
    rows,
    options,
    ({ x, labels, start }) => call(x, labels, start),
    (values, _shape, start) => out.set(values, start),
  );
  return out;
}

/** The first `count` rows of `rows`. */
export function headRows(rows: LabelledRows, count: number): LabelledRows {
  const taken = Math.min(count, rows.count);
  return {
    x: rows.x.subarray(0, taken * rows.dim),
    labels: rows.labels === null ? null : rows.labels.subarray(0, taken),
    count: taken,
    dim: rows.dim,
  };
}

/** The mean of `values`. */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < values.length; index += 1) sum += values[index]!;
  return sum / values.length;
}
