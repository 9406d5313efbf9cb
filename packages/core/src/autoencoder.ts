import type { Scalar, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs-core';

/** A value that survives `JSON.stringify` → `JSON.parse` unchanged. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/**
 * A model's configuration: plain JSON, complete (every default filled in), enough to rebuild
 * the model before its weights are loaded. `family` names the package that reads it.
 */
export interface AutoencoderConfig {
  readonly family: string;
  readonly inputDim: number;
  readonly [key: string]: JsonValue;
}

/**
 * The parts of a loss. `total` is what the trainer minimises; `terms` names every part
 * (`reconstruction`, `kl`, `sparsity`, `contractive`, …) for logs and reports.
 *
 * Reduction convention, the same in every family: a term is summed over features and averaged
 * over the batch, so it reads "per example" and does not change with the batch size.
 * All are scalars owned by the caller.
 */
export interface LossTerms {
  readonly total: Scalar;
  readonly terms: Readonly<Record<string, Scalar>>;
}

/** What the trainer tells a model about the step it is computing a loss for. */
export interface LossContext {
  /** Global optimisation step, from 0. Stochastic models derive their noise from it. */
  readonly step: number;
  /** True while training; false for validation and evaluation (no corruption, no dropout). */
  readonly training: boolean;
  /** Integer class labels `[batch]`, for models that use them (e.g. a conditional VAE). */
  readonly labels?: Tensor1D;
}

/**
 * What the trainer and the model files need of a model: a plain-JSON configuration, named
 * variables and a loss. Every autoencoder is one; so is a model built on an autoencoder, such as
 * a classifier on a stacked encoder. The model owns its variables and frees them in `dispose()`.
 */
export interface TrainableModel<Config extends AutoencoderConfig = AutoencoderConfig> {
  /** Complete, plain-JSON configuration (see `AutoencoderConfig`). */
  readonly config: Config;
  /** The loss of a batch `[batch, inputDim]` and its named parts. */
  lossTerms(x: Tensor2D, context: LossContext): LossTerms;
  /**
   * Every variable by stable name, in a stable order (used for saving); the trainer updates
   * those whose `trainable` flag is set.
   */
  variables(): Readonly<Record<string, Variable>>;
  /** Frees every variable; the model is unusable afterwards. */
  dispose(): void;
}

/**
 * The contract every family implements. Functions never dispose their inputs; the caller owns
 * what they return; the model owns its variables and frees them in `dispose()`.
 */
export interface Autoencoder<Config extends AutoencoderConfig = AutoencoderConfig>
  extends TrainableModel<Config> {
  /** `[batch, inputDim]` → the code `[batch, latentDim]` (for a VAE, the posterior mean). */
  encode(x: Tensor2D): Tensor2D;
  /** `[batch, latentDim]` → a reconstruction `[batch, inputDim]` in data space. */
  decode(z: Tensor2D): Tensor2D;
  /** `decode(encode(x))`, without the stochastic parts used in training. */
  reconstruct(x: Tensor2D): Tensor2D;
}
