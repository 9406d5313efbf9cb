import {
  type AutoencoderConfig,
  type AutoencoderFamilyDescription,
  checkConfigObject,
  checkInteger,
  checkKnownFields,
  choiceOption,
  deepFreeze,
  InvalidArgumentError,
  integerListOption,
  integerOption,
  jsonOption,
  numberOption,
  renameFields,
  resolveOptions,
  seedOption,
} from '@aekit/core/options';
import {
  type ActivationName,
  activationNames,
  checkHiddenDimsWithEncoder,
  type NetworkSpec,
  networkSpecOptions,
} from '@aekit/layers/options';

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
  /**
   * One example as an image `[height, width, channels]` (height · width · channels = inputDim;
   * the flat rows are the image row-major with its channels last). Default null: a vector.
   */
  readonly inputShape?: readonly [number, number, number] | null;
  /**
   * The encoder's network, when it is not the fully connected one of `hiddenDims`: a network
   * spec of `@aekit/layers`, e.g. `{ type: 'conv', channels: [32, 64], hiddenDims: [16] }`
   * (needs `inputShape`), or a kind registered with `registerNetworkKind`. The decoder is its
   * mirror. Default null. Its layers start as PyTorch's do (`'fanInUniform'`).
   */
  readonly encoder?: NetworkSpec | null;
  /** Dimensions of z. 2 gives a latent space you can plot and a manifold grid. */
  readonly latentDim: number;
  /**
   * Hidden widths of the fully connected encoder; the decoder mirrors them. Default [400]; with
   * an `encoder`, none (its spec has its own dense layers). May be empty.
   */
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
  readonly inputShape: readonly [number, number, number] | null;
  readonly encoder: NetworkSpec | null;
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

/** `conditional`: `null`, or `{ numClasses }` with at least two classes. */
function resolveConditional(
  functionName: string,
  argument: string,
  value: unknown,
): { readonly numClasses: number } | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: 'null or an object { numClasses }',
      value,
    });
  }
  const record = value as Record<string, unknown>;
  checkKnownFields(functionName, record, ['numClasses'], `${argument}.`);
  return {
    numClasses: checkInteger(functionName, `${argument}.numClasses`, record.numClasses, {
      min: 2,
    }),
  };
}

/** The hidden widths of the PyTorch example's VAE, the default `hiddenDims`. */
export const defaultVaeHiddenDims: readonly number[] = [400];

/**
 * The options of a VAE, described once: `resolveVaeConfig` fills and checks a config from it,
 * and front ends (the `aekit` command's flags, the demo's controls) read their names, defaults,
 * bounds and help from it.
 */
export const vaeOptions = {
  inputDim: integerOption({ range: { min: 1 }, help: 'features per example D, e.g. 784' }),
  ...networkSpecOptions(),
  latentDim: integerOption({
    range: { min: 1 },
    label: 'Latent size',
    help: 'dimensions of z; 2 gives a latent space you can plot and a manifold grid',
    suggested: { min: 1, max: 64, step: 1 },
  }),
  hiddenDims: integerListOption({
    default: (resolved) => (resolved.encoder === null ? defaultVaeHiddenDims : []),
    defaultHelp: '[400]; none with an encoder',
    allowEmpty: true,
    help: 'hidden widths of the fully connected encoder; the decoder mirrors them',
  }),
  hiddenActivation: choiceOption(activationNames, {
    default: 'relu',
    flag: 'activation',
    help: 'activation of the hidden layers',
  }),
  likelihood: choiceOption(vaeLikelihoods, {
    default: 'bernoulli',
    label: 'Decoder likelihood p(x|z)',
    help: 'the decoder: bernoulli (values in [0, 1]), gaussian (fixed variance) or gaussian-learned',
    labels: {
      bernoulli: 'Bernoulli (cross-entropy)',
      gaussian: 'Gaussian, fixed σ² (squared error)',
      'gaussian-learned': 'Gaussian, σ² learned per feature',
    },
  }),
  variance: numberOption({
    default: 1,
    range: { min: 0, minExclusive: true },
    usedWhen: {
      test: (options) => options.likelihood === 'gaussian',
      description: "likelihood 'gaussian'",
    },
    help: 'the fixed variance σ² of the Gaussian likelihood',
  }),
  beta: numberOption({
    default: 1,
    range: { min: 0 },
    label: 'β (weight of the KL term)',
    help: 'weight β of the KL term (β-VAE); 1 is the ELBO',
    suggested: { min: 0, max: 20, step: 0.1 },
  }),
  samples: integerOption({
    default: 1,
    range: { min: 1, max: 1000 },
    help: 'Monte-Carlo draws of z per example in the loss',
  }),
  conditional: jsonOption({
    default: null,
    shape: 'null or an object { numClasses }',
    label: 'Conditional on the class (CVAE)',
    help: "a conditional VAE: the one-hot label joins the encoder's and the decoder's inputs",
    resolve: resolveConditional,
  }),
  seed: seedOption({
    default: 0,
    help: 'seed of the initial weights and of the training noise, an integer in [0, 2³²)',
  }),
} as const;

/** The VAE family's name, title, summary and options (see `AutoencoderFamilyDescription`). */
export const vaeFamilyDescription = {
  name: 'vae',
  title: 'Variational autoencoder',
  summary:
    'variational autoencoder: Gaussian codes, a prior to sample from, ELBO and log-likelihood',
  options: vaeOptions,
} satisfies AutoencoderFamilyDescription;

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
    Object.keys(vaeOptions),
    renamedVaeConfigFields,
  );
  const options = resolveOptions(functionName, vaeOptions, record, ['family']);
  checkHiddenDimsWithEncoder(functionName, options);
  return deepFreeze({ family: 'vae', ...options }) as unknown as ResolvedVaeConfig;
}
