import { type Batch, type BatchSource, checkTensor } from '@aekit/core';
import { slice, type Tensor1D, type Tensor2D } from '@tensorflow/tfjs-core';

/** Data for `pretrain`: `[N, inputDim]` examples, `{ x, labels? }`, or any `BatchSource`. */
export type StackedData =
  | Tensor2D
  | { readonly x: Tensor2D; readonly labels?: Tensor1D }
  | BatchSource;

/** Maps every batch of `source` through `transform`, keeping labels; disposes what it replaces. */
export function mapBatches(source: BatchSource, transform: (x: Tensor2D) => Tensor2D): BatchSource {
  const mapped: BatchSource = {
    size: source.size,
    async *batches(batchSize, options) {
      for await (const batch of source.batches(batchSize, options) as AsyncIterable<Batch>) {
        let x: Tensor2D;
        try {
          x = transform(batch.x);
        } catch (error) {
          batch.x.dispose();
          batch.labels?.dispose();
          throw error;
        }
        batch.x.dispose();
        yield batch.labels === undefined ? { x } : { x, labels: batch.labels };
      }
    },
  };
  const shuffle = source.shuffle?.bind(source);
  if (shuffle === undefined) return mapped;
  return {
    ...mapped,
    shuffle(seed: number) {
      const shuffled = shuffle(seed);
      const result = mapBatches(shuffled, transform);
      const dispose = (shuffled as { dispose?: () => void }).dispose;
      return dispose === undefined || shuffled === source
        ? result
        : Object.assign(result, { dispose: () => dispose.call(shuffled) });
    },
  };
}

/** A `BatchSource` view of tensors (not disposed by it), in order. */
export function tensorSource(x: Tensor2D, labels?: Tensor1D): BatchSource {
  const size = x.shape[0];
  return {
    size,
    *batches(batchSize, options) {
      const dropLast = options?.dropLast ?? false;
      for (let start = 0; start < size; start += batchSize) {
        const count = Math.min(batchSize, size - start);
        if (dropLast && count < batchSize) return;
        const xs = slice(x, [start, 0], [count, x.shape[1]]);
        yield labels === undefined ? { x: xs } : { x: xs, labels: slice(labels, [start], [count]) };
      }
    },
  };
}

/** Any `StackedData` as a `BatchSource`. */
export function toBatchSource(functionName: string, data: StackedData): BatchSource {
  if (typeof (data as BatchSource).batches === 'function') return data as BatchSource;
  if (typeof (data as Tensor2D).dataSync === 'function') {
    return tensorSource(checkTensor<Tensor2D>(functionName, 'data', data, { rank: 2 }));
  }
  const { x, labels } = data as { x: Tensor2D; labels?: Tensor1D };
  return tensorSource(
    checkTensor<Tensor2D>(functionName, 'data.x', x, { rank: 2 }),
    labels === undefined
      ? undefined
      : checkTensor<Tensor1D>(functionName, 'data.labels', labels, { rank: 1 }),
  );
}
