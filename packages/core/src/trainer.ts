import type { TrainableModel } from './autoencoder';
import type { BatchSource } from './batch-source';

/**
 * The contract of a trainer, for a model that trains models of its own (a stacked
 * autoencoder pretrains its stages one after another): train `model` on `data` for
 * `options.epochs` epochs and resolve with a report of the run. `fit` from `@aekit/train` is
 * one (its `FitOptions`, its `History`). The model takes the trainer as an argument, so a
 * family depends on `@aekit/core` and `@aekit/layers` only, never on a trainer package.
 *
 * @param options the caller's options, with `epochs` set by the model; the trainer checks them.
 */
export type Trainer<
  Options extends { readonly epochs?: number } = { readonly epochs?: number },
  Report = unknown,
> = (model: TrainableModel, data: BatchSource, options: Options) => Promise<Report>;
