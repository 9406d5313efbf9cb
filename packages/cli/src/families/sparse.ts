import {
  createSparseAe,
  resolveSparseAeConfig,
  type SparseAeConfig,
  sparseAeOptions,
  sparseFamily,
} from '@aekit/sparse';
import { mlpFamilyAdapter, schemaFamilyOptions } from './mlp-families';

/**
 * The sparse autoencoder of `@aekit/sparse`: one hidden layer kept sparse by a KL or L1 penalty.
 * Its flags, defaults and rules are the package's option schema (`sparseAeOptions`).
 */
export const sparseAdapter = mlpFamilyAdapter({
  name: sparseFamily.name,
  title: sparseFamily.title ?? sparseFamily.name,
  summary: sparseFamily.summary ?? '',
  ...schemaFamilyOptions(sparseAeOptions, (config, functionName) =>
    resolveSparseAeConfig(config as unknown as SparseAeConfig, functionName),
  ),
  hiddenLayers: false,
  create: (settings, shape) =>
    createSparseAe({
      ...(settings as Partial<SparseAeConfig>),
      inputDim: shape.inputDim,
      latentDim: shape.latentDim,
      seed: shape.seed,
    }),
  activationNote:
    'The sparsity penalty keeps most units silent for most inputs: with --penalty kl the histogram of unit means ρ̂_j should gather near the target ρ; with l1 most activations are exactly 0.',
  filtersNote:
    'A sparse code makes each unit specialise: the lecture shows strokes and edge detectors appear where a plain autoencoder learns noisy, global patterns.',
});
