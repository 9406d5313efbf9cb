import { InvalidArgumentError } from '@aekit/core';
import { createSparseAe, type SparseAeConfig, sparsityPenalties } from '@aekit/sparse';
import { choiceFlag, numberFlag } from '../flags';
import { definedFields, lambdaOption, mlpFamilyAdapter } from './mlp-families';

/** The sparse autoencoder of `@aekit/sparse`: one hidden layer kept sparse by a KL or L1 penalty. */
export const sparseAdapter = mlpFamilyAdapter({
  name: 'sparse',
  title: 'Sparse autoencoder',
  summary:
    'sparse autoencoder: one hidden layer (--latent wide, may exceed the input) kept mostly silent by a KL or L1 penalty',
  options: [
    {
      flags: '--penalty <name>',
      description:
        'kl: sigmoid units, λ Σ_j KL(ρ ‖ ρ̂_j) towards the target mean activation ρ; l1: ReLU units and a softplus reconstruction, λ‖h‖₁',
      defaultText: 'kl',
      choices: sparsityPenalties,
    },
    {
      flags: '--rho <number>',
      description: 'the target mean activation ρ in (0, 1) of --penalty kl',
      defaultText: '0.05',
    },
    lambdaOption,
  ],
  hiddenLayers: false,
  parseFamilyOptions(values, common) {
    const penalty = choiceFlag('train', '--penalty', values.penalty ?? 'kl', sparsityPenalties);
    if (penalty === 'l1' && values.rho !== undefined) {
      throw new InvalidArgumentError({
        functionName: 'aekit train',
        argument: '--rho',
        rule: 'left out with --penalty l1 (only the KL penalty has a target activation)',
        value: values.rho,
      });
    }
    if (penalty === 'l1' && common.loss === 'bernoulli') {
      throw new InvalidArgumentError({
        functionName: 'aekit train',
        argument: '--loss',
        rule: 'mse-sum or mse with --penalty l1 (its softplus reconstruction is not a probability)',
        value: common.loss,
      });
    }
    return definedFields({
      ...common,
      penalty,
      rho:
        penalty === 'kl'
          ? numberFlag('train', '--rho', values.rho ?? 0.05, {
              min: 0,
              max: 1,
              minExclusive: true,
              maxExclusive: true,
            })
          : undefined,
      lambda: numberFlag('train', '--lambda', values.lambda ?? (penalty === 'kl' ? 3 : 0.01), {
        min: 0,
      }),
    });
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
