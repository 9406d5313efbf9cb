import {
  type AutoencoderConfig,
  type AutoencoderFamilyDescription,
  checkConfigObject,
  deepFreeze,
} from '@aekit/core/options';
import type {
  ActivationName,
  ImageShape,
  InitializerName,
  NetworkSpec,
} from '@aekit/layers/options';
import {
  type NetworkConfig,
  type NetworkDefaults,
  networkConfigFields,
  networkOptions,
  renamedNetworkConfigFields,
  resolveNetworkConfig,
} from './network-config';
import type { ReconstructionLoss } from './reconstruction-loss-names';

/** The `config.family` of a vanilla autoencoder. */
export const aeFamilyName = 'ae';

/**
 * A vanilla autoencoder: an encoder MLP `[inputDim, ...hiddenDims, latentDim]` and its mirrored
 * decoder, trained to reconstruct the input. The bottleneck may be narrower (undercomplete) or
 * wider (overcomplete) than the input. Only `inputDim` and `latentDim` are required.
 */
export interface AeConfig extends NetworkConfig {
  /** `'ae'` when given (a saved configuration carries it). */
  readonly family?: typeof aeFamilyName;
}

/** An `AeConfig` with every default filled in: plain JSON, frozen. */
export interface ResolvedAeConfig extends AutoencoderConfig {
  readonly family: typeof aeFamilyName;
  readonly inputDim: number;
  readonly inputShape: ImageShape | null;
  readonly encoder: NetworkSpec | null;
  readonly hiddenDims: readonly number[];
  readonly latentDim: number;
  readonly hiddenActivation: ActivationName;
  readonly codeActivation: ActivationName;
  readonly outputActivation: ActivationName;
  readonly loss: ReconstructionLoss;
  readonly tiedWeights: boolean;
  readonly init: InitializerName;
  readonly seed: number;
}

/**
 * The defaults of a vanilla autoencoder: ReLU hidden layers, a sigmoid code, a sigmoid
 * reconstruction (data in [0, 1]) and the summed squared error.
 */
export const aeDefaults: NetworkDefaults = {
  hiddenActivation: 'relu',
  codeActivation: 'sigmoid',
  outputActivation: 'sigmoid',
  loss: 'mse-sum',
};

/** The options of a vanilla autoencoder, described once (see `networkOptions`). */
export const aeOptions = networkOptions(aeDefaults);

/** The vanilla family's name, title, summary and options (see `AutoencoderFamilyDescription`). */
export const aeFamilyDescription = {
  name: aeFamilyName,
  title: 'Autoencoder',
  summary: 'vanilla autoencoder: encoder and decoder MLPs around a bottleneck of any width',
  options: aeOptions,
  lecture:
    'An encoder f maps x to a code h = f(x), a decoder g maps it back, and training minimises the reconstruction error ‖x − g(f(x))‖². With a code smaller than the input (undercomplete) the network must compress; with a larger one nothing stops it from learning the identity, which is what the regularised families below fix.',
  notes: {
    'code-histograms':
      'Nothing asks these codes to be sparse: a plain autoencoder spreads the information over many units with middling activations, the picture the sparse autoencoder changes.',
    latent:
      'Nothing asks the codes of a plain autoencoder to fill a known region: clusters can sit anywhere, with gaps between them that decode to nothing like a digit.',
    interpolation:
      'Without a prior, the straight path between two codes may cross regions no training digit maps to.',
  },
  // The code width has no default: a small code that must compress.
  startingValues: { latentDim: 32 },
  resolveConfig: (config, functionName) =>
    resolveAeConfig(config as unknown as AeConfig, functionName),
} satisfies AutoencoderFamilyDescription;

/**
 * Checks `config`, fills its defaults and returns it frozen. Throws `InvalidArgumentError`
 * naming the field, e.g. `createAe: 'latentDim' must be a positive integer, got 0.`
 */
export function resolveAeConfig(config: AeConfig, functionName = 'createAe'): ResolvedAeConfig {
  const record = checkConfigObject(
    functionName,
    config,
    aeFamilyName,
    'AeConfig',
    networkConfigFields,
    renamedNetworkConfigFields,
  );
  const network = resolveNetworkConfig(functionName, record, aeDefaults);
  return deepFreeze({ family: aeFamilyName, ...network });
}
