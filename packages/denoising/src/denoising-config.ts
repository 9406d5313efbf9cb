import {
  aeDefaults,
  type NetworkConfig,
  networkConfigFields,
  type ReconstructionLoss,
  renamedNetworkConfigFields,
  resolveNetworkConfig,
} from '@aekit/ae';
import { type AutoencoderConfig, checkConfigObject, deepFreeze } from '@aekit/core';
import type { ActivationName, InitializerName } from '@aekit/layers';
import { type Corruption, type ResolvedCorruption, resolveCorruptions } from './corruption';

/** The `config.family` of a denoising autoencoder. */
export const denoisingFamilyName = 'denoising';

/**
 * A denoising autoencoder: the network of a vanilla autoencoder (`NetworkConfig`, same
 * defaults as `@aekit/ae`), trained to reconstruct the clean input from a corrupted one.
 */
export interface DenoisingAeConfig extends NetworkConfig {
  /** `'denoising'` when given (a saved configuration carries it). */
  readonly family?: typeof denoisingFamilyName;
  /**
   * The corruptions applied while training, in order. Default
   * `[{ type: 'masking', rate: 0.25 }]` (masking noise ν = 0.25).
   */
  readonly corruptions?: readonly Corruption[];
}

/** A `DenoisingAeConfig` with every default filled in: plain JSON, frozen. */
export interface ResolvedDenoisingAeConfig extends AutoencoderConfig {
  readonly family: typeof denoisingFamilyName;
  readonly inputDim: number;
  readonly hiddenDims: readonly number[];
  readonly latentDim: number;
  readonly hiddenActivation: ActivationName;
  readonly codeActivation: ActivationName;
  readonly outputActivation: ActivationName;
  readonly loss: ReconstructionLoss;
  readonly tiedWeights: boolean;
  readonly init: InitializerName;
  readonly seed: number;
  readonly corruptions: readonly ResolvedCorruption[];
}

/** The default corruption: masking noise with ν = 0.25. */
export const defaultCorruptions: readonly Corruption[] = [{ type: 'masking', rate: 0.25 }];

/**
 * Checks `config`, fills its defaults and returns it frozen. Throws `InvalidArgumentError`
 * naming the field, e.g. `createDenoisingAe: 'corruptions[0].rate' must be a finite number in
 * [0, 1), got 1.`
 */
export function resolveDenoisingAeConfig(
  config: DenoisingAeConfig,
  functionName = 'createDenoisingAe',
): ResolvedDenoisingAeConfig {
  const record = checkConfigObject(
    functionName,
    config,
    denoisingFamilyName,
    'DenoisingAeConfig',
    [...networkConfigFields, 'corruptions'],
    renamedNetworkConfigFields,
  );
  const network = resolveNetworkConfig(functionName, record, aeDefaults);
  const corruptions = resolveCorruptions(functionName, record.corruptions ?? defaultCorruptions);
  return deepFreeze({ family: denoisingFamilyName, ...network, corruptions });
}
