import { type NetworkOptions, type ReconstructionLoss, reconstructionLosses } from '@aekit/ae';
import {
  type AutoencoderConfig,
  checkBoolean,
  checkConfigObject,
  checkNumber,
  checkOneOf,
  checkPositiveInteger,
  checkSeed,
  deepFreeze,
  InvalidArgumentError,
  renameFields,
} from '@aekit/core';
import { type InitializerName, initializerNames } from '@aekit/layers';

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

const fields = [
  'inputDim',
  'latentDim',
  'penalty',
  'rho',
  'lambda',
  'loss',
  'tiedWeights',
  'init',
  'seed',
] as const;

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
    fields,
    renamedSparseAeConfigFields,
  );
  const inputDim = checkPositiveInteger(functionName, 'inputDim', record.inputDim);
  const latentDim = checkPositiveInteger(functionName, 'latentDim', record.latentDim);
  const penalty = checkOneOf(functionName, 'penalty', record.penalty ?? 'kl', sparsityPenalties);
  const rho = checkNumber(functionName, 'rho', record.rho ?? 0.05, {
    min: 0,
    max: 1,
    minExclusive: true,
    maxExclusive: true,
  });
  const lambda = checkNumber(
    functionName,
    'lambda',
    record.lambda ?? defaultSparsityWeights[penalty],
    { min: 0 },
  );
  const loss = checkOneOf(functionName, 'loss', record.loss ?? 'mse-sum', reconstructionLosses);
  if (penalty === 'l1' && loss === 'bernoulli') {
    throw new InvalidArgumentError({
      functionName,
      argument: 'loss',
      rule: "'mse-sum' or 'mse' with penalty 'l1' (its softplus reconstruction is not a probability)",
      value: loss,
    });
  }
  const tiedWeights = checkBoolean(functionName, 'tiedWeights', record.tiedWeights ?? false);
  const init = checkOneOf(functionName, 'init', record.init ?? 'glorotUniform', initializerNames);
  const seed = checkSeed(functionName, 'seed', record.seed ?? 0);
  return deepFreeze({
    family: sparseFamilyName,
    inputDim,
    latentDim,
    penalty,
    rho,
    lambda,
    loss,
    tiedWeights,
    init,
    seed,
  });
}

/**
 * The network of a sparse autoencoder: `'kl'` has sigmoid hidden units and a sigmoid
 * reconstruction, `'l1'` ReLU hidden units and a softplus reconstruction.
 */
export function sparseNetworkOptions(config: ResolvedSparseAeConfig): NetworkOptions {
  const kl = config.penalty === 'kl';
  return {
    inputDim: config.inputDim,
    hiddenDims: [],
    latentDim: config.latentDim,
    hiddenActivation: kl ? 'sigmoid' : 'relu',
    codeActivation: kl ? 'sigmoid' : 'relu',
    outputActivation: kl ? 'sigmoid' : 'softplus',
    loss: config.loss,
    tiedWeights: config.tiedWeights,
    init: config.init,
    seed: config.seed,
  };
}
