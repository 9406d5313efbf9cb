import {
  createMlpAutoencoder,
  createNetwork,
  type MlpAutoencoder,
  noiseSeedStream,
  upgradeNetworkConfig,
} from '@aekit/ae';
import { type AutoencoderFamily, checkSeed, deriveSeed } from '@aekit/core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { version } from '../package.json';
import { corruptWith } from './corruption';
import {
  type DenoisingAeConfig,
  denoisingFamilyDescription,
  type ResolvedDenoisingAeConfig,
  resolveDenoisingAeConfig,
} from './denoising-config';
import { denoisingLossTerms } from './denoising-loss';

/** A denoising autoencoder (see `createDenoisingAe`). */
export interface DenoisingAe extends MlpAutoencoder<ResolvedDenoisingAeConfig> {
  /**
   * The clean estimate of a noisy input: `reconstruct(x)` under its user-facing name (the
   * model never corrupts outside training).
   * @param x `[batch, inputDim]` noisy inputs.
   * @returns `[batch, inputDim]`, owned by the caller.
   */
  denoise(x: Tensor2D): Tensor2D;
  /**
   * `x` corrupted by the model's corruptions with noise from `seed` (as `corrupt` of this
   * package), e.g. for corrupted / reconstructed / clean triplets in a report.
   * @returns `[batch, inputDim]`, owned by the caller.
   */
  corrupt(x: Tensor2D, seed: number): Tensor2D;
}

/**
 * A denoising autoencoder: while training (`context.training`), each batch x is corrupted to
 * x̃ by `config.corruptions` with noise from `deriveSeed(config.seed, 2, context.step)` — so a
 * resumed run draws the same noise — and the loss compares g(f(x̃)) with the clean x. Outside
 * training nothing is corrupted: `encode`, `reconstruct` and an evaluation loss see x as given.
 *
 * ```ts
 * const model = createDenoisingAe({ inputDim: 784, latentDim: 256, corruptions: [{ type: 'masking', rate: 0.25 }] });
 * ```
 */
export function createDenoisingAe(config: DenoisingAeConfig): DenoisingAe {
  const resolved = resolveDenoisingAeConfig(config, 'createDenoisingAe');
  const network = createNetwork(resolved);
  return createMlpAutoencoder({
    config: resolved,
    network,
    lossTerms: (x, context) => {
      if (!context.training) return denoisingLossTerms(network, x, x);
      const seed = deriveSeed(resolved.seed, noiseSeedStream, context.step);
      const corrupted = corruptWith(x, resolved.corruptions, seed);
      return denoisingLossTerms(network, x, corrupted);
    },
    methods: (model, input) => ({
      denoise: (x: Tensor2D) => model.reconstruct(input('denoise', x)),
      corrupt(x: Tensor2D, seed: number) {
        const checked = input('corrupt', x);
        checkSeed('corrupt', 'seed', seed);
        return corruptWith(checked, resolved.corruptions, seed);
      },
    }),
  });
}

/**
 * The registration of the denoising family: `loadModel` rebuilds `'denoising'` models with it,
 * reading the field names of earlier versions too (see `upgradeNetworkConfig`).
 */
export const denoisingFamily: AutoencoderFamily<ResolvedDenoisingAeConfig> = {
  ...denoisingFamilyDescription,
  packageName: '@aekit/denoising',
  version,
  extras: ['code-histograms', 'filters', 'denoising'],
  create: (config) => createDenoisingAe(upgradeNetworkConfig(config) as DenoisingAeConfig),
};
