import {
  type Batch,
  type BatchSource,
  checkTensor,
  createRng,
  InvalidArgumentError,
} from '@aekit/core';
import {
  gather,
  slice,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  tensor1d,
  tidy,
} from '@tensorflow/tfjs-core';

/** Examples `[N, inputDim]` with optional integer labels `[N]`. */
export interface LabeledTensors {
  readonly x: Tensor2D;
  readonly labels?: Tensor1D;
}

/**
 * What `fit` trains and validates on: a `[N, inputDim]` float32 tensor, `{ x, labels? }`, or a
 * `BatchSource` (from `@aekit/core`; `@aekit/data`'s `Dataset` is one). `fit` does not dispose
 * the data it is given.
 */
export type FitData = Tensor2D | LabeledTensors | BatchSource;

/** Data as `fit` reads it: one epoch of batches at a time. */
export interface EpochReader {
  readonly size: number;
  /**
   * One pass as batches the receiver disposes: in an order drawn from `seed`, or in order when
   * `seed` is undefined (or the source cannot shuffle).
   */
  epoch(batchSize: number, seed: number | undefined, dropLast: boolean): AsyncIterable<Batch>;
}

function isTensor(value: unknown): value is Tensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Tensor).dataSync === 'function' &&
    Array.isArray((value as Tensor).shape)
  );
}

function isBatchSource(value: unknown): value is BatchSource {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BatchSource).batches === 'function' &&
    'size' in value
  );
}

function tensorReader(
  functionName: string,
  argument: string,
  data: LabeledTensors,
  inputDim: number,
  xArgument = `${argument}.x`,
): EpochReader {
  const x = checkTensor<Tensor2D>(functionName, xArgument, data.x, {
    rank: 2,
    shape: [null, inputDim],
    dtype: 'float32',
  });
  const size = x.shape[0];
  if (size < 1) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: 'data with at least one example',
      value: x,
    });
  }
  const labels =
    data.labels === undefined
      ? undefined
      : checkTensor<Tensor1D>(functionName, `${argument}.labels`, data.labels, {
          rank: 1,
          shape: [size],
          dtype: 'int32',
        });
  return {
    size,
    async *epoch(batchSize, seed, dropLast) {
      const order = seed === undefined ? undefined : createRng(seed).permutation(size);
      const end = dropLast ? size - (size % batchSize) : size;
      for (let start = 0; start < end; start += batchSize) {
        const count = Math.min(batchSize, size - start);
        const rows = (source: Tensor): Tensor =>
          tidy(() =>
            order === undefined
              ? slice(source, start, count)
              : gather(
                  source,
                  tensor1d(Int32Array.from(order.subarray(start, start + count)), 'int32'),
                ),
          );
        const batch: Batch = {
          x: rows(x) as Tensor2D,
          ...(labels === undefined ? {} : { labels: rows(labels) as Tensor1D }),
        };
        yield batch;
      }
    },
  };
}

function sourceReader(
  functionName: string,
  argument: string,
  source: BatchSource,
  inputDim: number,
): EpochReader {
  const size = source.size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
    throw new InvalidArgumentError({
      functionName,
      argument: `${argument}.size`,
      rule: 'a positive integer (the number of examples)',
      value: size,
    });
  }
  return {
    size,
    async *epoch(batchSize, seed, dropLast) {
      const shuffled =
        seed !== undefined && typeof source.shuffle === 'function' ? source.shuffle(seed) : source;
      try {
        for await (const batch of shuffled.batches(batchSize, { dropLast })) {
          try {
            checkTensor(functionName, `${argument} batch x`, batch?.x, {
              rank: 2,
              shape: [null, inputDim],
              dtype: 'float32',
            });
          } catch (error) {
            if (isTensor(batch?.x)) batch.x.dispose();
            batch?.labels?.dispose();
            throw error;
          }
          yield batch;
        }
      } finally {
        const disposable = shuffled as BatchSource & { dispose?: () => void };
        if (shuffled !== source && typeof disposable.dispose === 'function') disposable.dispose();
      }
    },
  };
}

/** Checks `data` for a model of `inputDim` features and returns its reader. */
export function readFitData(
  functionName: string,
  argument: string,
  data: unknown,
  inputDim: number,
): EpochReader {
  if (isTensor(data)) {
    return tensorReader(functionName, argument, { x: data as Tensor2D }, inputDim, argument);
  }
  if (isBatchSource(data)) return sourceReader(functionName, argument, data, inputDim);
  if (typeof data === 'object' && data !== null && 'x' in data) {
    return tensorReader(functionName, argument, data as LabeledTensors, inputDim);
  }
  throw new InvalidArgumentError({
    functionName,
    argument,
    rule: 'a [N, inputDim] tensor, { x, labels? } or a BatchSource (size and batches())',
    value: data,
  });
}
