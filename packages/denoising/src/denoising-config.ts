import {
  aeDefaults,
  type NetworkConfig,
  networkInConfigOrder,
  networkOptions,
  type ReconstructionLoss,
  renamedNetworkConfigFields,
} from '@aekit/ae/options';
import {
  type AutoencoderConfig,
  type AutoencoderFamilyDescription,
  checkConfigObject,
  deepFreeze,
  type JsonValue,
  jsonOption,
  resolveOptions,
} from '@aekit/core/options';
import type {
  ActivationName,
  ImageShape,
  InitializerName,
  NetworkSpec,
} from '@aekit/layers/options';
import { type Corruption, type ResolvedCorruption, resolveCorruptions } from './corruption-config';

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
  readonly corruptions: readonly ResolvedCorruption[];
}

/** The default corruption: masking noise with ν = 0.25. */
export const defaultCorruptions: readonly Corruption[] = [{ type: 'masking', rate: 0.25 }];

/**
 * The options of a denoising autoencoder, described once: the vanilla network's, then the
 * corruptions applied in training (structured: front ends map their own controls to them).
 */
export const denoisingAeOptions = {
  ...networkOptions(aeDefaults),
  corruptions: jsonOption({
    default: defaultCorruptions as unknown as JsonValue,
    shape:
      "a non-empty array of corruptions ({ type: 'masking' | 'gaussian' | 'salt-and-pepper', … })",
    help: 'the corruptions of each training input, applied in order; default masking noise ν = 0.25',
    resolve: (functionName, argument, value) =>
      resolveCorruptions(functionName, value, argument) as unknown as JsonValue,
  }),
} as const;

/** The denoising family's name, title, summary and options (see `AutoencoderFamilyDescription`). */
export const denoisingFamilyDescription = {
  name: denoisingFamilyName,
  title: 'Denoising autoencoder',
  summary:
    'denoising autoencoder: learns to reconstruct the clean input from a corrupted one (masking, Gaussian, salt-and-pepper)',
  options: denoisingAeOptions,
  lecture:
    'Each training digit is corrupted to x̃ (here a fraction ν of its pixels is masked, or noise is added), and the network learns to reconstruct the clean x from x̃: the loss is ‖x − g(f(x̃))‖². Undoing the corruption forces it to learn how pixels depend on each other, so even an overcomplete code learns useful features instead of the identity.',
  notes: {
    'code-histograms':
      'Denoising does not ask for sparse codes, but its units must respond to larger patterns than single pixels, which a masked input may lack.',
    filters:
      'Corrupted inputs force the units to look at larger structures: denoising training is known for turning the filters into localised stroke, blob and edge detectors (Vincent et al., 2008) where a plain autoencoder learns noisy patterns.',
    denoising:
      'This model was trained on exactly this task: pick the noise it was trained with and compare it with a plain autoencoder.',
  },
  // The code width has no default: an overcomplete one, which denoising makes useful.
  startingValues: { latentDim: 256 },
  resolveConfig: (config, functionName) =>
    resolveDenoisingAeConfig(config as unknown as DenoisingAeConfig, functionName),
} satisfies AutoencoderFamilyDescription;

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
    Object.keys(denoisingAeOptions),
    renamedNetworkConfigFields,
  );
  const options = resolveOptions(functionName, denoisingAeOptions, record, ['family']);
  const network = networkInConfigOrder(functionName, options);
  const corruptions = options.corruptions as unknown as ResolvedCorruption[];
  return deepFreeze({ family: denoisingFamilyName, ...network, corruptions });
}
