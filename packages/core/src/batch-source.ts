import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';

/** One batch of examples. Whoever receives a batch disposes its tensors. */
export interface Batch {
  /** Examples `[batch, inputDim]`, float32. */
  readonly x: Tensor2D;
  /** Integer class labels `[batch]`, int32, when the data has them. */
  readonly labels?: Tensor1D;
}

/**
 * A source of batches, the data interface between data sets and training (`@aekit/train`'s
 * `fit` reads one; `@aekit/data`'s `Dataset` is one). Two members are required, one optional:
 *
 * - `size`: the number of examples N.
 * - `batches(batchSize, { dropLast })`: one pass over the examples in order, as batches of
 *   `batchSize` (the last one smaller, or left out with `dropLast`). Each call starts a new
 *   pass. The receiver disposes every batch's tensors.
 * - `shuffle(seed)` (optional): the same examples in an order drawn from `seed` (the same
 *   order for the same seed). A trainer calls it once per epoch and reads one pass of
 *   `batches` from the result; if the result has a `dispose()` method, the trainer calls it
 *   after that pass, so `dispose()` of a shuffled source must free only what `shuffle` made,
 *   never the data it shares with its parent. A source without `shuffle` is read in order.
 */
export interface BatchSource {
  readonly size: number;
  batches(
    batchSize: number,
    options?: { readonly dropLast?: boolean },
  ): Iterable<Batch> | AsyncIterable<Batch>;
  shuffle?(seed: number): BatchSource;
}
