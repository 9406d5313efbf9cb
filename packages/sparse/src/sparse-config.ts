import {
  type NetworkOptions,
  type ReconstructionLoss,
  reconstructionLosses,
} from '@aekit/ae/options';
import {
  type AutoencoderConfig,
  type AutoencoderFamilyDescription,
  booleanOption,
  checkConfigObject,
  choiceOption,
  deepFreeze,
  InvalidArgumentError,
  integerOption,
  numberOption,
  renameFields,
  resolveOptions,
  seedOption,
} from '@aekit/core/options';
import {
  type ImageShape,
  type InitializerName,
  initializerNames,
  type NetworkSpec,
  networkSpecOptions,
} from '@aekit/layers/options';

/** The `config.family` of a sparse autoencoder. */
export const sparseFamilyName = 'sparse';

/** The sparsity penalties, by name (the first is the default). */
export const sparsityPenalties = ['kl', 'l1'] as const;

/**
 * - `'kl'`: sigmoid hidden units and a sigmoid reconstruction, penalty λ Σ_j KL(ρ ‖ ρ̂_j) with
 *   ρ̂_j the mean activation of unit j over the batch.
 * - `'l1'`: ReLU hidden units and a softplus reconstruction, penalty λ (1/B) Σ_b ‖h_b‖₁.
 */
export type SparsityPenalty = (typeof sparsityPenalties)[number];

/**
 * A sparse autoencoder (the lecture's): one hidden layer, its code, `inputDim → latentDim →
 * inputDim`, whose activations are pushed towards zero by a penalty. Only `inputDim` and `latentDim` are
 * required.
 */
export interface SparseAeConfig {
  /** `'sparse'` when given (a saved configuration carries it). */
  readonly family?: typeof sparseFamilyName;
  /** Features per example, e.g. 784. */
  readonly inputDim: number;
  /** One example as an image `[height, width, channels]` (its product is `inputDim`). Default null. */
  readonly inputShape?: ImageShape | null;
  /**
   * The encoder's network before the code when it is not the one dense layer of the lecture's
   * model: a `{ type: 'conv', channels, … }` spec (needs `inputShape`; its layers are ReLU) or a
   * kind registered with `registerNetworkKind`. The code layer, whose units the penalty acts on,
   * follows it; the decoder is its mirror. Default null.
   */
  readonly encoder?: NetworkSpec | null;
  /** Width of the code, the one hidden layer; may exceed `inputDim` (overcomplete). */
  readonly latentDim: number;
  /** `'kl'` (default) or `'l1'`: see `SparsityPenalty`. */
  readonly penalty?: SparsityPenalty;
  /** Target mean activation ρ of the `'kl'` penalty, in (0, 1). Default 0.05. */
  readonly rho?: number;
  /** Weight λ ≥ 0 of the penalty. Default 3 for `'kl'`, 0.01 for `'l1'`. */
  readonly lambda?: number;
  /** `'mse-sum'` (default), `'mse'`, or `'bernoulli'` (only with `'kl'`): see `ReconstructionLoss`. */
  readonly loss?: ReconstructionLoss;
  /** Decoder weights are the transposed encoder weights. Default false. */
  readonly tiedWeights?: boolean;
  /** Initialiser of the weight matrices. Default `'glorotUniform'`. */
  readonly init?: InitializerName;
  /** Seed of the weights, an integer in [0, 2³²). Default 0. */
  readonly seed?: number;
}

/** A `SparseAeConfig` with every default filled in: plain JSON, frozen. */
export interface ResolvedSparseAeConfig extends AutoencoderConfig {
  readonly family: typeof sparseFamilyName;
  readonly inputDim: number;
  readonly inputShape: ImageShape | null;
  readonly encoder: NetworkSpec | null;
  readonly latentDim: number;
  readonly penalty: SparsityPenalty;
  /** Stored for both penalties; only `'kl'` uses it. */
  readonly rho: number;
  readonly lambda: number;
  readonly loss: ReconstructionLoss;
  readonly tiedWeights: boolean;
  readonly init: InitializerName;
  readonly seed: number;
}

/** The default λ of each penalty. */
export const defaultSparsityWeights: Readonly<Record<SparsityPenalty, number>> = {
  kl: 3,
  l1: 0.01,
};

/**
 * The options of a sparse autoencoder, described once: `resolveSparseAeConfig` fills and checks
 * a config from it, and front ends (the `aekit` command's flags, the demo's controls) read their
 * names, defaults, bounds and help from it.
 */
export const sparseAeOptions = {
  inputDim: integerOption({ range: { min: 1 }, help: 'features per example, e.g. 784' }),
  ...networkSpecOptions(),
  latentDim: integerOption({
    range: { min: 1 },
    label: 'Hidden units',
    help: 'width of the code, the one hidden layer; may exceed inputDim (overcomplete): the penalty, not the width, makes it compress',
    suggested: { min: 1, max: 1024, step: 1 },
  }),
  penalty: choiceOption(sparsityPenalties, {
    default: 'kl',
    label: 'Penalty',
    help: 'kl: sigmoid units, λ Σ_j KL(ρ ‖ ρ̂_j) towards the target mean activation ρ; l1: ReLU units and a softplus reconstruction, λ‖h‖₁',
    labels: { kl: 'KL(ρ ‖ ρ̂ⱼ), sigmoid units', l1: 'L1 ‖h‖₁, ReLU units' },
  }),
  rho: numberOption({
    default: 0.05,
    range: { min: 0, max: 1, minExclusive: true, maxExclusive: true },
    usedWhen: { test: (options) => options.penalty === 'kl', description: "penalty 'kl'" },
    label: 'Target activation ρ (KL)',
    help: 'the target mean activation ρ in (0, 1) of every hidden unit over the data',
    suggested: { min: 0.001, max: 0.5, step: 0.01 },
  }),
  lambda: numberOption({
    default: (options) => defaultSparsityWeights[options.penalty as SparsityPenalty],
    defaultHelp: '3 with penalty kl, 0.01 with l1',
    range: { min: 0 },
    label: 'Penalty weight λ',
    help: 'weight λ ≥ 0 of the sparsity penalty',
    suggested: { min: 0, max: 20, step: 0.01 },
  }),
  loss: choiceOption(reconstructionLosses, {
    default: 'mse-sum',
    label: 'Reconstruction loss',
    help: "reconstruction loss: 'mse-sum', 'mse' or 'bernoulli' (only with penalty kl): see ReconstructionLoss",
  }),
  tiedWeights: booleanOption({
    default: false,
    flag: 'tied',
    label: 'Tied weights',
    help: 'tied weights: the decoder uses the transposed encoder weights',
  }),
  init: choiceOption(initializerNames, {
    default: 'glorotUniform',
    help: 'initialiser of the weight matrices',
  }),
  seed: seedOption({ default: 0, help: 'seed of the weights, an integer in [0, 2³²)' }),
} as const;

/** The sparse family's name, title, summary and options (see `AutoencoderFamilyDescription`). */
export const sparseFamilyDescription = {
  name: sparseFamilyName,
  title: 'Sparse autoencoder',
  summary:
    'sparse autoencoder: one hidden layer, the code, possibly wider than the input, kept mostly silent by a KL or L1 penalty',
  options: sparseAeOptions,
  lecture:
    'One hidden layer, possibly wider than the input, and a penalty that keeps most units silent: with sigmoid units, λ Σⱼ KL(ρ ‖ ρ̂ⱼ) pushes each unit’s mean activation ρ̂ⱼ over the data towards a small target ρ; with ReLU units, λ‖h‖₁ pushes activations to 0. Each digit is then described by a few active features.',
  notes: {
    'code-histograms':
      'The sparsity penalty keeps most units silent for most inputs: most code activations near 0 and a few large ones; with the KL penalty each unit’s mean ρ̂ⱼ should gather near the target ρ, with L1 most activations are exactly 0.',
    filters:
      'A sparse code makes each unit specialise: the filters become localised pen strokes and edge detectors, the classic picture of Ng’s lecture notes, where a plain autoencoder learns noisy, global patterns.',
  },
  // The code width has no default: 196 units, a quarter of MNIST's pixels.
  startingValues: { latentDim: 196 },
  resolveConfig: (config, functionName) =>
    resolveSparseAeConfig(config as unknown as SparseAeConfig, functionName),
} satisfies AutoencoderFamilyDescription;

/**
 * The fields that configs saved by earlier versions name otherwise, old name → new name:
 * loading reads them, `createSparseAe` answers them with the new name.
 */
export const renamedSparseAeConfigFields: Readonly<Record<string, string>> = {
  hiddenDim: 'latentDim',
  // The other AE families' earlier name for the same width.
  codeDim: 'latentDim',
};

/**
 * A saved `SparseAeConfig` with the field names of earlier versions (`hiddenDim`, or `codeDim`) given their
 * current ones; the registered family's `create` calls it, so models saved then still load.
 */
export function upgradeSparseAeConfig(config: unknown): unknown {
  return renameFields(config, renamedSparseAeConfigFields);
}

/**
 * Checks `config`, fills its defaults and returns it frozen. Throws `InvalidArgumentError`
 * naming the field, e.g. `createSparseAe: 'rho' must be a finite number in (0, 1), got 1.2.`
 */
export function resolveSparseAeConfig(
  config: SparseAeConfig,
  functionName = 'createSparseAe',
): ResolvedSparseAeConfig {
  const record = checkConfigObject(
    functionName,
    config,
    sparseFamilyName,
    'SparseAeConfig',
    Object.keys(sparseAeOptions),
    renamedSparseAeConfigFields,
  );
  const options = resolveOptions(functionName, sparseAeOptions, record, ['family']);
  if (options.penalty === 'l1' && options.loss === 'bernoulli') {
    throw new InvalidArgumentError({
      functionName,
      argument: 'loss',
      rule: "'mse-sum' or 'mse' with penalty 'l1' (its softplus reconstruction is not a probability)",
      value: options.loss,
    });
  }
  if (options.encoder !== null && options.tiedWeights) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'tiedWeights',
      rule: 'false with an encoder spec (only a fully connected decoder can use the transposed encoder weights)',
      value: true,
    });
  }
  return deepFreeze({
    family: sparseFamilyName,
    ...options,
  }) as unknown as ResolvedSparseAeConfig;
}

/**
 * The network of a sparse autoencoder: `'kl'` has sigmoid code units and a sigmoid
 * reconstruction, `'l1'` ReLU code units and a softplus reconstruction. The layers of an
 * encoder spec before the code (and their mirror) are ReLU.
 */
export function sparseNetworkOptions(config: ResolvedSparseAeConfig): NetworkOptions {
  const kl = config.penalty === 'kl';
  return {
    inputDim: config.inputDim,
    inputShape: config.inputShape,
    encoder: config.encoder,
    hiddenDims: [],
    latentDim: config.latentDim,
    hiddenActivation: kl && config.encoder === null ? 'sigmoid' : 'relu',
    codeActivation: kl ? 'sigmoid' : 'relu',
    outputActivation: kl ? 'sigmoid' : 'softplus',
    loss: config.loss,
    tiedWeights: config.tiedWeights,
    init: config.init,
    seed: config.seed,
  };
}
