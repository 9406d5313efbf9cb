import {
  AekitError,
  type Autoencoder,
  type AutoencoderConfig,
  checkBoolean,
  checkInteger,
  InvalidArgumentError,
  type LossContext,
  type LossTerms,
} from '@aekit/core';
import type { Mlp } from '@aekit/layers';
import {
  mean,
  type Tensor1D,
  type Tensor2D,
  type TensorContainer,
  tidy,
} from '@tensorflow/tfjs-core';
import { checkBatch } from './check-mlp';
import { networkFilterShape, networkFilters } from './encoder-filters';
import { encoderJacobianNorm, functionJacobianNorm } from './encoder-jacobian';
import {
  type AutoencoderNetwork,
  decodeWith,
  disposeNetwork,
  encodeWith,
  networkVariables,
} from './network';

/**
 * An autoencoder made of an encoder and a decoder — every family of `@aekit/ae`,
 * `@aekit/denoising`, `@aekit/sparse` and `@aekit/contractive`: fully connected `Mlp`s, or the
 * networks of an encoder spec (`config.encoder`, e.g. convolutional). Beyond the `Autoencoder`
 * contract it exposes its encoder as plain data and the figures evaluations and reports show.
 *
 * Stacking: `encode(x)` is exactly `applyMlp(encoder, x)` (no noise, no post-processing), so a
 * stacked autoencoder trains stage k on `stage[k−1].encode(x)` (a model whose `inputDim` is the
 * previous `latentDim`), then fine-tunes `composeMlps(stages.map((stage) => stage.encoder))`,
 * whose variables are the stages' own; freezing a stage is `variable.trainable = false` on its
 * `encoder` variables.
 */
export interface MlpAutoencoder<Config extends AutoencoderConfig = AutoencoderConfig>
  extends Autoencoder<Config> {
  /**
   * The fully connected encoder `[inputDim, …, latentDim]`, owned by the model (do not dispose
   * it); null when `config.encoder` is a network spec (see `network.parts`).
   */
  readonly encoder: Mlp | null;
  /**
   * The fully connected decoder `[latentDim, …, inputDim]`, owned by the model; its last layer
   * gives logits for `'bernoulli'`. Null when `config.encoder` is a network spec.
   */
  readonly decoder: Mlp | null;
  /** The encoder and decoder as built, owned by the model. */
  readonly network: AutoencoderNetwork;
  /**
   * The encoder's first-layer filters, one row per unit of its first layer: `[h₁, inputDim]`
   * for a fully connected encoder (see `encoderFilters`), `[channels, kh·kw·inChannels]` for a
   * convolutional one (each row a kernel, channels last). `filterShape()` gives the shape of a
   * row as a picture.
   */
  filters(): Tensor2D;
  /** The shape of one row of `filters()` as a picture: `inputShape` (or `[inputDim]`), or `[kh, kw, inChannels]`. */
  filterShape(): readonly number[];
  /**
   * The code activations h = f(x), `[batch, latentDim]`, for histograms: the same values as
   * `encode(x)`.
   */
  hiddenActivations(x: Tensor2D): Tensor2D;
  /** ρ̂_j = (1/B) Σ_b h_bj, the mean activation of each code unit over the batch: `[latentDim]`. */
  meanActivations(x: Tensor2D): Tensor1D;
  /** ‖J_f(x)‖_F, the Frobenius norm of the encoder's Jacobian per example: `[batch]`. */
  jacobianNorm(x: Tensor2D): Tensor1D;
}

/**
 * Checks that the model is alive and `x` is a float32 `[batch, inputDim]` tensor, naming
 * `functionName` in the error; returns `x`.
 */
export type InputCheck = (functionName: string, x: unknown) => Tensor2D;

/** What a family gives `createMlpAutoencoder`. */
export interface MlpAutoencoderSpec<
  Config extends AutoencoderConfig,
  Extra extends object = Record<never, never>,
> {
  /** The complete, frozen configuration. */
  readonly config: Config;
  /** The encoder and decoder, which the model takes ownership of. */
  readonly network: AutoencoderNetwork;
  /**
   * The family's loss of a batch whose shape and context are already checked; runs inside a
   * `tidy`, so intermediates are freed and only `total` and `terms` survive.
   */
  readonly lossTerms: (x: Tensor2D, context: LossContext) => LossTerms;
  /**
   * The family's own methods, added to the model, e.g. `denoise`. They receive the model and
   * its input check, so they validate like the shared methods and fail once it is disposed.
   */
  readonly methods?: (model: MlpAutoencoder<Config>, input: InputCheck) => Extra;
}

/** Checks a `LossContext` (the step and the training flag). */
export function checkLossContext(functionName: string, context: unknown): LossContext {
  if (typeof context !== 'object' || context === null) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'context',
      rule: 'an object { step, training, labels? }',
      value: context,
    });
  }
  const { step, training } = context as LossContext;
  checkInteger(functionName, 'context.step', step, { min: 0, max: Number.MAX_SAFE_INTEGER });
  checkBoolean(functionName, 'context.training', training);
  return context as LossContext;
}

/**
 * Builds the model of a family from its configuration, network and loss: every method checks
 * its input and frees its intermediates, `variables()` names the weights `encoder.0.W`,
 * `encoder.0.b`, …, `decoder.0.W`, … (a tied decoder lists only its biases), and `dispose()`
 * frees them (afterwards every method throws).
 */
export function createMlpAutoencoder<
  Config extends AutoencoderConfig,
  Extra extends object = Record<never, never>,
>(spec: MlpAutoencoderSpec<Config, Extra>): MlpAutoencoder<Config> & Extra {
  const { config, network } = spec;
  const { inputDim, latentDim } = network.options;
  const encodeFunction = (x: Tensor2D) => encodeWith(network, x);
  let disposed = false;
  const alive = (functionName: string) => {
    if (disposed) {
      throw new AekitError(
        `${functionName}: this ${config.family} model has been disposed; create or load it again.`,
      );
    }
  };
  const input: InputCheck = (functionName, x) => {
    alive(functionName);
    return checkBatch(functionName, 'x', x, inputDim);
  };
  const model: MlpAutoencoder<Config> = {
    config,
    encoder: network.encoder,
    decoder: network.decoder,
    network,
    encode: (x) => encodeWith(network, input('encode', x)),
    decode(z) {
      alive('decode');
      return decodeWith(network, checkBatch('decode', 'z', z, latentDim));
    },
    reconstruct(x) {
      const checked = input('reconstruct', x);
      return tidy(() => decodeWith(network, encodeWith(network, checked)));
    },
    lossTerms(x, context) {
      const checked = input('lossTerms', x);
      const checkedContext = checkLossContext('lossTerms', context);
      // tidy keeps every tensor of the returned object and frees the rest.
      return tidy(
        () => spec.lossTerms(checked, checkedContext) as unknown as TensorContainer,
      ) as unknown as LossTerms;
    },
    variables() {
      alive('variables');
      return networkVariables(network);
    },
    filters() {
      alive('filters');
      return networkFilters(network);
    },
    filterShape() {
      alive('filterShape');
      return networkFilterShape(network);
    },
    hiddenActivations: (x) => encodeWith(network, input('hiddenActivations', x)),
    meanActivations(x) {
      const checked = input('meanActivations', x);
      return tidy(() => mean(encodeWith(network, checked), 0) as Tensor1D);
    },
    jacobianNorm(x) {
      const checked = input('jacobianNorm', x);
      return network.encoder === null
        ? functionJacobianNorm(encodeFunction, checked)
        : encoderJacobianNorm(network.encoder, checked);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      disposeNetwork(network);
    },
  };
  return Object.assign(model, spec.methods?.(model, input) ?? ({} as Extra));
}

/** Whether `model` is an `MlpAutoencoder` (has its network and the analysis methods). */
export function isMlpAutoencoder(model: unknown): model is MlpAutoencoder {
  const candidate = model as Partial<MlpAutoencoder> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.network === 'object' &&
    candidate.network !== null &&
    typeof candidate.encode === 'function' &&
    typeof candidate.filters === 'function' &&
    typeof candidate.meanActivations === 'function' &&
    typeof candidate.jacobianNorm === 'function'
  );
}
