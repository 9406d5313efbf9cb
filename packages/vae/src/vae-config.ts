import {
  type AutoencoderConfig,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveIntegerList,
  checkSeed,
  InvalidArgumentError,
} from '@aekit/core';
import { type ActivationName, checkActivation } from '@aekit/layers';

/** How the decoder models p(x | z). */
export type VaeLikelihood = 'bernoulli' | 'gaussian' | 'gaussian-learned';

export const vaeLikelihoods: readonly VaeLikelihood[] = [
  'bernoulli',
  'gaussian',
  'gaussian-learned',
];

/** What `createVae` accepts; every field but the sizes has a default. */
export interface VaeOptions {
  /** Features per example D, e.g. 784 for 28 × 28 images. */
  readonly inputDim: number;
  /** Dimensions of z. 2 gives a latent space you can plot and a manifold grid. */
  readonly latentDim: number;
  /** Hidden widths of the encoder; the decoder mirrors them. Default [400]. May be empty. */
  readonly hidden?: readonly number[];
  /** Activation of the hidden layers. Default 'relu'. */
  readonly activation?: ActivationName;
  /**
   * p(x | z): 'bernoulli' (decoder outputs logits; for data in [0, 1]), 'gaussian' (decoder
   * outputs the mean, fixed variance `variance`), or 'gaussian-learned' (decoder outputs the
   * mean; a per-feature log-variance is learned). Default 'bernoulli'.
   */
  readonly likelihood?: VaeLikelihood;
  /** σ² of the fixed-variance Gaussian likelihood. Default 1. */
  readonly variance?: number;
  /** Weight β of the KL term (β-VAE; 1 is the ELBO). Default 1. */
  readonly beta?: number;
  /** Monte-Carlo draws of z per example in the training loss. Default 1. */
  readonly samples?: number;
  /** Makes it a conditional VAE: the one-hot label joins the encoder's and decoder's inputs. */
  readonly conditional?: { readonly numClasses: number } | null;
  /** Seed of the initial weights and of the training noise. Default 0. */
  readonly seed?: number;
}

/** A complete, validated VAE configuration: plain JSON, as saved in `config.json`. */
export interface VaeConfig extends AutoencoderConfig {
  readonly family: 'vae';
  readonly inputDim: number;
  readonly latentDim: number;
  readonly hidden: readonly number[];
  readonly activation: ActivationName;
  readonly likelihood: VaeLikelihood;
  readonly variance: number;
  readonly beta: number;
  readonly samples: number;
  readonly conditional: { readonly numClasses: number } | null;
  readonly seed: number;
}

/**
 * Fills in defaults and validates, naming `functionName` in errors:
 * `createVae: 'latentDim' must be a positive integer, got 0.` Returns a frozen config.
 */
export function resolveVaeConfig(options: VaeOptions, functionName = 'createVae'): VaeConfig {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'config',
      rule: 'an object { inputDim, latentDim, ... }',
      value: options,
    });
  }
  const family = (options as { family?: unknown }).family;
  if (family !== undefined && family !== 'vae') {
    throw new InvalidArgumentError({
      functionName,
      argument: 'family',
      rule: "'vae'",
      value: family,
    });
  }
  const conditional = options.conditional ?? null;
  if (conditional !== null && (typeof conditional !== 'object' || Array.isArray(conditional))) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'conditional',
      rule: 'null or an object { numClasses }',
      value: conditional,
    });
  }
  const config: VaeConfig = {
    family: 'vae',
    inputDim: checkPositiveInteger(functionName, 'inputDim', options.inputDim),
    latentDim: checkPositiveInteger(functionName, 'latentDim', options.latentDim),
    hidden: Object.freeze(
      checkPositiveIntegerList(functionName, 'hidden', options.hidden ?? [400], {
        allowEmpty: true,
      }),
    ),
    activation: checkActivation(functionName, 'activation', options.activation ?? 'relu'),
    likelihood: checkOneOf(
      functionName,
      'likelihood',
      options.likelihood ?? 'bernoulli',
      vaeLikelihoods,
    ),
    variance: checkNumber(functionName, 'variance', options.variance ?? 1, {
      min: 0,
      minExclusive: true,
    }),
    beta: checkNumber(functionName, 'beta', options.beta ?? 1, { min: 0 }),
    samples: checkInteger(functionName, 'samples', options.samples ?? 1, { min: 1, max: 1000 }),
    conditional:
      conditional === null
        ? null
        : Object.freeze({
            numClasses: checkInteger(
              functionName,
              'conditional.numClasses',
              conditional.numClasses,
              {
                min: 2,
              },
            ),
          }),
    seed: checkSeed(functionName, 'seed', options.seed ?? 0),
  };
  return Object.freeze(config);
}
