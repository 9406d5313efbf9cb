import {
  booleanOption,
  checkOneOf,
  choiceOption,
  InvalidArgumentError,
  integerListOption,
  integerOption,
  renameFields,
  resolveOptions,
  seedOption,
} from '@aekit/core/options';
import {
  type ActivationName,
  activationNames,
  checkHiddenDimsWithEncoder,
  type ImageShape,
  type InitializerName,
  initializerNames,
  type NetworkSpec,
  networkSpecOptions,
} from '@aekit/layers/options';
import type { NetworkOptions } from './network';
import { type ReconstructionLoss, reconstructionLosses } from './reconstruction-loss-names';

/**
 * The fields of an encoder–decoder pair that `AeConfig`, `DenoisingAeConfig` and
 * `ContractiveAeConfig` share. Only `inputDim` and `latentDim` are required.
 */
export interface NetworkConfig {
  /** Features per example, e.g. 784. */
  readonly inputDim: number;
  /** One example as an image `[height, width, channels]` (its product is `inputDim`). Default null. */
  readonly inputShape?: ImageShape | null;
  /**
   * The encoder's network when it is not the fully connected one of `hiddenDims`: a
   * `{ type: 'conv', channels, … }` spec (needs `inputShape`) or a kind registered with
   * `@aekit/layers`' `registerNetworkKind`. The decoder is its mirror; the code layer (of
   * `codeActivation`) follows it. Default null.
   */
  readonly encoder?: NetworkSpec | null;
  /** Widths of the encoder's hidden layers before the code (the decoder mirrors them). Default []. */
  readonly hiddenDims?: readonly number[];
  /** Width of the code (the bottleneck), smaller or larger than `inputDim`. */
  readonly latentDim: number;
  /** Activation of the hidden layers, by name. Default depends on the family. */
  readonly hiddenActivation?: ActivationName;
  /** Activation of the code layer, by name. Default depends on the family. */
  readonly codeActivation?: ActivationName;
  /** Activation of the reconstruction; must be `'sigmoid'` with loss `'bernoulli'`. Default `'sigmoid'`. */
  readonly outputActivation?: ActivationName;
  /** `'mse-sum'` (default), `'mse'` or `'bernoulli'`: see `ReconstructionLoss`. */
  readonly loss?: ReconstructionLoss;
  /** Decoder weights are the transposed encoder weights. Default false. */
  readonly tiedWeights?: boolean;
  /** Initialiser of the weight matrices. Default `'glorotUniform'`. */
  readonly init?: InitializerName;
  /** Seed of the weights and of any training noise, an integer in [0, 2³²). Default 0. */
  readonly seed?: number;
}

/** The names of `NetworkConfig`'s fields, in the order configs list them. */
export const networkConfigFields = [
  'inputDim',
  'inputShape',
  'encoder',
  'hiddenDims',
  'latentDim',
  'hiddenActivation',
  'codeActivation',
  'outputActivation',
  'loss',
  'tiedWeights',
  'init',
  'seed',
] as const;

/**
 * The fields of `NetworkConfig` that configs saved by earlier versions name otherwise, old name
 * → new name. Loading reads them; a config given to `create*` with one is an error that names
 * the new one: `createAe: unknown option 'codeDim'; did you mean 'latentDim'?`.
 */
export const renamedNetworkConfigFields: Readonly<Record<string, string>> = {
  codeDim: 'latentDim',
};

/**
 * A saved `AeConfig`, `DenoisingAeConfig` or `ContractiveAeConfig` with the field names of
 * earlier versions (`codeDim`) given their current ones; a family's registered `create` calls it
 * before validating, so models saved then still load.
 */
export function upgradeNetworkConfig(config: unknown): unknown {
  return renameFields(config, renamedNetworkConfigFields);
}

/**
 * The code activation of every family's network given by an encoder spec, unless the config
 * says otherwise: linear, since a sigmoid code after convolutions saturates in training.
 */
export const encoderCodeActivation: ActivationName = 'linear';

/** A family's defaults for the fields whose default depends on the family. */
export interface NetworkDefaults {
  readonly hiddenActivation: ActivationName;
  readonly codeActivation: ActivationName;
  readonly outputActivation?: ActivationName;
  readonly loss?: ReconstructionLoss;
}

/**
 * The options of an encoder–decoder pair (see `NetworkConfig`), described once for a family
 * with its `defaults`: each MLP family's option schema starts with these, in the order configs
 * list them. (The rules that relate them are `networkInConfigOrder`'s.)
 * @param activations the activations the family allows for its encoder (default: all).
 */
export function networkOptions(
  defaults: NetworkDefaults,
  activations: readonly ActivationName[] = activationNames,
) {
  return {
    inputDim: integerOption({ range: { min: 1 }, help: 'features per example, e.g. 784' }),
    ...networkSpecOptions(),
    hiddenDims: integerListOption({
      default: [],
      allowEmpty: true,
      help: "widths of the encoder's hidden layers before the code; the decoder mirrors them",
    }),
    latentDim: integerOption({
      range: { min: 1 },
      label: 'Code size',
      help: 'width of the code (the bottleneck), smaller or larger than inputDim',
      suggested: { min: 1, max: 1024, step: 1 },
    }),
    hiddenActivation: choiceOption(activations, {
      default: defaults.hiddenActivation,
      help: 'activation of the hidden layers',
    }),
    codeActivation: choiceOption(activations, {
      // After convolutions the family's sigmoid code saturates: measured on MNIST, a conv AE
      // with a sigmoid code plateaus at the mean image's error from its second epoch.
      default: (options) =>
        options.encoder === null || options.encoder === undefined
          ? defaults.codeActivation
          : encoderCodeActivation,
      help: `activation of the code layer (default '${encoderCodeActivation}' with an encoder spec)`,
    }),
    outputActivation: choiceOption(activationNames, {
      default: defaults.outputActivation ?? 'sigmoid',
      help: "activation of the reconstruction; 'sigmoid' with loss 'bernoulli'",
    }),
    loss: choiceOption(reconstructionLosses, {
      default: defaults.loss ?? 'mse-sum',
      label: 'Reconstruction loss',
      help: 'reconstruction loss: mse-sum (squared error summed over the values), mse (its mean over the values, the lecture’s formula) or bernoulli (cross-entropy, for values in [0, 1])',
      labels: {
        'mse-sum': 'Squared error',
        mse: 'Mean squared error',
        bernoulli: 'Cross-entropy (Bernoulli)',
      },
    }),
    tiedWeights: booleanOption({
      default: false,
      flag: 'tied',
      label: 'Tied weights (decoder W = encoder Wᵀ)',
      help: 'tied weights: the decoder uses the transposed encoder weights',
    }),
    init: choiceOption(initializerNames, {
      default: 'glorotUniform',
      help: 'initialiser of the weight matrices',
    }),
    seed: seedOption({
      default: 0,
      help: 'seed of the weights and of any training noise, an integer in [0, 2³²)',
    }),
  } as const;
}

/**
 * Fills and checks the network fields of `config` (see `NetworkConfig`); other fields of
 * `config` are the caller's (it checks them). Returns them in the order configs list them.
 * @param activations the activations the family allows for its encoder (default: all).
 */
export function resolveNetworkConfig(
  functionName: string,
  config: Record<string, unknown>,
  defaults: NetworkDefaults,
  activations: readonly ActivationName[] = activationNames,
): NetworkOptions {
  const schema = networkOptions(defaults, activations);
  const own = Object.keys(schema);
  const others = Object.keys(config).filter((key) => !own.includes(key));
  return networkInConfigOrder(functionName, resolveOptions(functionName, schema, config, others));
}

/**
 * The network fields of resolved options in the order configs list them, after the check that
 * relate them: `outputActivation` must be `'sigmoid'` with loss `'bernoulli'`; with an
 * `encoder` spec, `hiddenDims` is empty and the weights are not tied.
 */
export function networkInConfigOrder(
  functionName: string,
  options: Readonly<Record<keyof NetworkOptions, unknown>>,
): NetworkOptions {
  const loss = options.loss as ReconstructionLoss;
  const encoder = options.encoder as NetworkSpec | null;
  const hiddenDims = options.hiddenDims as readonly number[];
  checkHiddenDimsWithEncoder(functionName, { encoder, hiddenDims });
  if (encoder !== null && options.tiedWeights === true) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'tiedWeights',
      rule: 'false with an encoder spec (only a fully connected decoder can use the transposed encoder weights)',
      value: true,
    });
  }
  return {
    inputDim: options.inputDim as number,
    inputShape: options.inputShape as ImageShape | null,
    encoder,
    hiddenDims: [...hiddenDims],
    latentDim: options.latentDim as number,
    hiddenActivation: options.hiddenActivation as ActivationName,
    codeActivation: options.codeActivation as ActivationName,
    outputActivation: resolveOutputActivation(functionName, options.outputActivation, loss),
    loss,
    tiedWeights: options.tiedWeights as boolean,
    init: options.init as InitializerName,
    seed: options.seed as number,
  };
}

/** The reconstruction's activation: any by name, but `'sigmoid'` (of logits) for `'bernoulli'`. */
export function resolveOutputActivation(
  functionName: string,
  value: unknown,
  loss: ReconstructionLoss,
): ActivationName {
  const activation = checkOneOf(functionName, 'outputActivation', value, activationNames);
  if (loss === 'bernoulli' && activation !== 'sigmoid') {
    throw new InvalidArgumentError({
      functionName,
      argument: 'outputActivation',
      rule: "'sigmoid' with loss 'bernoulli' (the decoder outputs logits; the reconstruction is their sigmoid)",
      value: activation,
    });
  }
  return activation;
}
