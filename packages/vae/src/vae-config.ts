import {
  type AutoencoderConfig,
  checkConfigObject,
  checkInteger,
  checkKnownFields,
  checkNumber,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveIntegerList,
  checkSeed,
  deepFreeze,
  InvalidArgumentError,
  renameFields,
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
export interface VaeConfig {
  /** `'vae'` when given (a saved configuration carries it). */
  readonly family?: 'vae';
  /** Features per example D, e.g. 784 for 28 × 28 images. */
  readonly inputDim: number;
  /** Dimensions of z. 2 gives a latent space you can plot and a manifold grid. */
  readonly latentDim: number;
  /** Hidden widths of the encoder; the decoder mirrors them. Default [400]. May be empty. */
  readonly hiddenDims?: readonly number[];
  /** Activation of the hidden layers. Default 'relu'. */
  readonly hiddenActivation?: ActivationName;
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
export interface ResolvedVaeConfig extends AutoencoderConfig {
  readonly family: 'vae';
  readonly inputDim: number;
  readonly latentDim: number;
  readonly hiddenDims: readonly number[];
  readonly hiddenActivation: ActivationName;
  readonly likelihood: VaeLikelihood;
  readonly variance: number;
  readonly beta: number;
  readonly samples: number;
  readonly conditional: { readonly numClasses: number } | null;
  readonly seed: number;
}

const fields = [
  'inputDim',
  'latentDim',
  'hiddenDims',
  'hiddenActivation',
  'likelihood',
  'variance',
  'beta',
  'samples',
  'conditional',
  'seed',
] as const;

/**
 * The fields that configs saved by earlier versions name otherwise, old name → new name:
 * loading reads them, `createVae` answers them with the new name
 * (`createVae: unknown option 'hidden'; did you mean 'hiddenDims'?`).
 */
export const renamedVaeConfigFields: Readonly<Record<string, string>> = {
  hidden: 'hiddenDims',
  activation: 'hiddenActivation',
};

/**
 * A saved `VaeConfig` with the field names of earlier versions (`hidden`, `activation`) given
 * their current ones; the registered family's `create` calls it, so models saved then still load.
 */
export function upgradeVaeConfig(config: unknown): unknown {
  return renameFields(config, renamedVaeConfigFields);
}

/**
 * Fills in defaults and validates, naming `functionName` in errors:
 * `createVae: 'latentDim' must be a positive integer, got 0.`; a key it does not know is an
 * `UnknownOptionError`. Returns a frozen config.
 */
export function resolveVaeConfig(config: VaeConfig, functionName = 'createVae'): ResolvedVaeConfig {
  const record = checkConfigObject(
    functionName,
    config,
    'vae',
    'VaeConfig',
    fields,
    renamedVaeConfigFields,
  );
  const conditional = record.conditional ?? null;
  if (conditional !== null && (typeof conditional !== 'object' || Array.isArray(conditional))) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'conditional',
      rule: 'null or an object { numClasses }',
      value: conditional,
    });
  }
  if (conditional !== null) {
    checkKnownFields(
      functionName,
      conditional as Record<string, unknown>,
      ['numClasses'],
      'conditional.',
    );
  }
  const resolved: ResolvedVaeConfig = {
    family: 'vae',
    inputDim: checkPositiveInteger(functionName, 'inputDim', record.inputDim),
    latentDim: checkPositiveInteger(functionName, 'latentDim', record.latentDim),
    hiddenDims: checkPositiveIntegerList(functionName, 'hiddenDims', record.hiddenDims ?? [400], {
      allowEmpty: true,
    }),
    hiddenActivation: checkActivation(
      functionName,
      'hiddenActivation',
      record.hiddenActivation ?? 'relu',
    ),
    likelihood: checkOneOf(
      functionName,
      'likelihood',
      record.likelihood ?? 'bernoulli',
      vaeLikelihoods,
    ),
    variance: checkNumber(functionName, 'variance', record.variance ?? 1, {
      min: 0,
      minExclusive: true,
    }),
    beta: checkNumber(functionName, 'beta', record.beta ?? 1, { min: 0 }),
    samples: checkInteger(functionName, 'samples', record.samples ?? 1, { min: 1, max: 1000 }),
    conditional:
      conditional === null
        ? null
        : {
            numClasses: checkInteger(
              functionName,
              'conditional.numClasses',
              (conditional as { numClasses?: unknown }).numClasses,
              { min: 2 },
            ),
          },
    seed: checkSeed(functionName, 'seed', record.seed ?? 0),
  };
  return deepFreeze(resolved);
}
