import {
  createDenoisingAe,
  type DenoisingAeConfig,
  type ResolvedCorruption,
} from '@aekit/denoising';
import { numberFlag } from '../flags';
import { mlpFamilyAdapter } from './mlp-families';

/**
 * The corruptions `--masking`, `--gaussian` and `--salt-pepper` ask for, in that order; masking
 * ν = 0.25 when none is given.
 */
export function parseCorruptions(values: Readonly<Record<string, unknown>>): ResolvedCorruption[] {
  const corruptions: ResolvedCorruption[] = [];
  if (values.masking !== undefined) {
    corruptions.push({
      type: 'masking',
      rate: numberFlag('train', '--masking', values.masking, {
        min: 0,
        max: 1,
        maxExclusive: true,
      }),
    });
  }
  if (values.gaussian !== undefined) {
    corruptions.push({
      type: 'gaussian',
      std: numberFlag('train', '--gaussian', values.gaussian, { min: 0, minExclusive: true }),
      // The command's data lie in [0, 1] (see data-source.ts); so do sigmoid codes.
      clip: [0, 1],
    });
  }
  if (values.saltPepper !== undefined) {
    corruptions.push({
      type: 'salt-and-pepper',
      rate: numberFlag('train', '--salt-pepper', values.saltPepper, { min: 0, max: 1 }),
      low: 0,
      high: 1,
    });
  }
  return corruptions.length > 0 ? corruptions : [{ type: 'masking', rate: 0.25 }];
}

/** The denoising autoencoder of `@aekit/denoising`: reconstructs clean inputs from corrupted ones. */
export const denoisingAdapter = mlpFamilyAdapter({
  name: 'denoising',
  title: 'Denoising autoencoder',
  summary:
    'denoising autoencoder: learns to reconstruct the clean input from a corrupted one (masking, Gaussian, salt-and-pepper)',
  options: [
    {
      flags: '--masking <rate>',
      description:
        'masking noise: each input value set to 0 with probability ν in [0, 1) (the default corruption, ν = 0.25, when none is given)',
    },
    {
      flags: '--gaussian <std>',
      description: 'additive Gaussian noise of standard deviation σ > 0, clipped to [0, 1]',
    },
    {
      flags: '--salt-pepper <rate>',
      description:
        'salt-and-pepper noise: each value set to 0 or 1 (equally likely) with probability p in [0, 1]; corruptions given together apply in the order masking, Gaussian, salt-and-pepper',
    },
  ],
  hiddenLayers: true,
  parseFamilyOptions: (values, common) => ({ ...common, corruptions: parseCorruptions(values) }),
  create: (settings, shape) =>
    createDenoisingAe({
      ...(settings as unknown as Partial<DenoisingAeConfig>),
      ...shape,
      hiddenDims: [...shape.hiddenDims],
    }),
  activationNote:
    'Denoising does not ask for sparse codes, but its units must respond to larger patterns than single pixels, which a masked input may lack.',
  filtersNote:
    'Corrupted inputs force the units to look at larger structures: the lecture shows stroke and blob detectors where a plain autoencoder learns noisy patterns.',
});
