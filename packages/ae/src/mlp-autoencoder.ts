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
import { encoderFilters } from './encoder-filters';
import { encoderJacobianNorm } from './encoder-jacobian';
import {
  type AutoencoderNetwork,
  decodeWith,
  disposeNetwork,
  encodeWith,
  networkVariables,
} from './network';

/**
 * An autoencoder made of an encoder and a decoder `Mlp` — every family of `@aekit/ae`,
 * `@aekit/denoising`, `@aekit/sparse` and `@aekit/contractive`. Beyond the `Autoencoder`
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
  /** The encoder `[inputDim, …, latentDim]`, owned by the model (do not dispose it). */
  readonly encoder: Mlp;
  /** The decoder `[latentDim, …, inputDim]`, owned by the model; its last layer gives logits for `'bernoulli'`. */
  readonly decoder: Mlp;
  /** The encoder's first-layer filters `[h₁, inputDim]`, row j for hidden unit j (see `encoderFilters`). */
  filters(): Tensor2D;
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
      return encoderFilters(network.encoder);
    },
    hiddenActivations: (x) => encodeWith(network, input('hiddenActivations', x)),
    meanActivations(x) {
      const checked = input('meanActivations', x);
      return tidy(() => mean(encodeWith(network, checked), 0) as Tensor1D);
    },
    jacobianNorm: (x) => encoderJacobianNorm(network.encoder, input('jacobianNorm', x)),
    dispose() {
      if (disposed) return;
      disposed = true;
      disposeNetwork(network);
    },
  };
  return Object.assign(model, spec.methods?.(model, input) ?? ({} as Extra));
}

/** Whether `model` is an `MlpAutoencoder` (has an encoder and decoder `Mlp` and the analysis methods). */
export function isMlpAutoencoder(model: unknown): model is MlpAutoencoder {
  const candidate = model as Partial<MlpAutoencoder> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    Array.isArray(candidate.encoder?.layers) &&
    Array.isArray(candidate.decoder?.layers) &&
    typeof candidate.encode === 'function' &&
    typeof candidate.filters === 'function' &&
    typeof candidate.meanActivations === 'function' &&
    typeof candidate.jacobianNorm === 'function'
  );
}
