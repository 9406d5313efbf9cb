import { denoisingFamily, type ResolvedCorruption } from '@aekit/denoising';
import { numberFlag } from '../flags';
import { mlpFamilyAdapter, registeredMlpSpec } from './mlp-families';

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

/**
 * The denoising autoencoder of `@aekit/denoising`: reconstructs clean inputs from corrupted
 * ones. Its names, notes, resolver and factory are its registry entry's; only its flags are
 * the command's own, because its `corruptions` option is a structured list that three flags
 * (`--masking`, `--gaussian`, `--salt-pepper`) build.
 */
export const denoisingAdapter = mlpFamilyAdapter(
  registeredMlpSpec(denoisingFamily, {
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
    parseFamilyOptions: (values, common) => ({ ...common, corruptions: parseCorruptions(values) }),
  }),
);
