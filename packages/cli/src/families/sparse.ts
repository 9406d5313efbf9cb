import {
  createSparseAe,
  resolveSparseAeConfig,
  type SparseAeConfig,
  sparseAeOptions,
  sparseFamily,
} from '@aekit/sparse';
import { mlpCommonFields, mlpFamilyAdapter } from './mlp-families';
import {
  checkFlagsUsed,
  optionFlags,
  parseOptionFlags,
  resolveWithFlags,
  usedOptions,
} from './option-flags';

/**
 * The sparse autoencoder of `@aekit/sparse`: one hidden layer kept sparse by a KL or L1 penalty.
 * Its flags, defaults and rules are the package's option schema (`sparseAeOptions`).
 */
export const sparseAdapter = mlpFamilyAdapter({
  name: sparseFamily.name,
  title: sparseFamily.title ?? sparseFamily.name,
  summary: sparseFamily.summary ?? '',
  options: optionFlags(sparseAeOptions, mlpCommonFields),
  hiddenLayers: false,
  parseFamilyOptions(values, common) {
    const given = {
      ...common,
      ...parseOptionFlags('train', sparseAeOptions, values, mlpCommonFields),
    };
    // The widths come from the data and --latent later; any valid ones check the rest now.
    const resolved = resolveWithFlags('train', sparseAeOptions, (functionName) =>
      resolveSparseAeConfig(
        { ...given, inputDim: 1, latentDim: 1 } as SparseAeConfig,
        functionName,
      ),
    );
    checkFlagsUsed('train', sparseAeOptions, values, resolved);
    return { ...common, ...usedOptions(sparseAeOptions, resolved, mlpCommonFields) };
  },
  create: (settings, shape) =>
    createSparseAe({
      ...(settings as Partial<SparseAeConfig>),
      inputDim: shape.inputDim,
      latentDim: shape.latentDim,
      seed: shape.seed,
    }),
  showFilters: true,
  targetActivation: (model) => {
    const config = model.config as unknown as SparseAeConfig;
    return config.penalty === 'kl' ? (config.rho ?? null) : null;
  },
  activationNote:
    'The sparsity penalty keeps most units silent for most inputs: with --penalty kl the histogram of unit means ρ̂_j should gather near the target ρ; with l1 most activations are exactly 0.',
});
