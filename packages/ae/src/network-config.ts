import {
  checkBoolean,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveIntegerList,
  checkSeed,
  InvalidArgumentError,
  renameFields,
} from '@aekit/core';
import {
  type ActivationName,
  activationNames,
  type InitializerName,
  initializerNames,
} from '@aekit/layers';
import type { NetworkOptions } from './network';
import { type ReconstructionLoss, reconstructionLosses } from './reconstruction-loss';

/**
 * The fields of an encoder–decoder pair that `AeConfig`, `DenoisingAeConfig` and
 * `ContractiveAeConfig` share. Only `inputDim` and `latentDim` are required.
 */
export interface NetworkConfig {
  /** Features per example, e.g. 784. */
  readonly inputDim: number;
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

/** A family's defaults for the fields whose default depends on the family. */
export interface NetworkDefaults {
  readonly hiddenActivation: ActivationName;
  readonly codeActivation: ActivationName;
  readonly outputActivation?: ActivationName;
  readonly loss?: ReconstructionLoss;
}

/**
 * Fills and checks the network fields of `config` (see `NetworkConfig`).
 * @param activations the activations the family allows for its encoder (default: all).
 */
export function resolveNetworkConfig(
  functionName: string,
  config: Record<string, unknown>,
  defaults: NetworkDefaults,
  activations: readonly ActivationName[] = activationNames,
): NetworkOptions {
  const inputDim = checkPositiveInteger(functionName, 'inputDim', config.inputDim);
  const hiddenDims = checkPositiveIntegerList(functionName, 'hiddenDims', config.hiddenDims ?? [], {
    allowEmpty: true,
  });
  const latentDim = checkPositiveInteger(functionName, 'latentDim', config.latentDim);
  const hiddenActivation = checkOneOf(
    functionName,
    'hiddenActivation',
    config.hiddenActivation ?? defaults.hiddenActivation,
    activations,
  );
  const codeActivation = checkOneOf(
    functionName,
    'codeActivation',
    config.codeActivation ?? defaults.codeActivation,
    activations,
  );
  const loss = checkOneOf(
    functionName,
    'loss',
    config.loss ?? defaults.loss ?? 'mse-sum',
    reconstructionLosses,
  );
  const outputActivation = resolveOutputActivation(
    functionName,
    config.outputActivation ?? defaults.outputActivation ?? 'sigmoid',
    loss,
  );
  const tiedWeights = checkBoolean(functionName, 'tiedWeights', config.tiedWeights ?? false);
  const init = checkOneOf(functionName, 'init', config.init ?? 'glorotUniform', initializerNames);
  const seed = checkSeed(functionName, 'seed', config.seed ?? 0);
  return {
    inputDim,
    hiddenDims,
    latentDim,
    hiddenActivation,
    codeActivation,
    outputActivation,
    loss,
    tiedWeights,
    init,
    seed,
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
