import type { AutoencoderFamily } from '@aekit/core';
import { version } from '../package.json';
import {
  type AeConfig,
  aeFamilyDescription,
  type ResolvedAeConfig,
  resolveAeConfig,
} from './ae-config';
import { aeLossTerms } from './ae-loss';
import { createMlpAutoencoder, type MlpAutoencoder } from './mlp-autoencoder';
import { createNetwork } from './network';
import { upgradeNetworkConfig } from './network-config';

/** A vanilla autoencoder (see `createAe`). */
export type Ae = MlpAutoencoder<ResolvedAeConfig>;

/**
 * A vanilla autoencoder: encoder f = MLP `[inputDim, ...hiddenDims, latentDim]`, decoder g its
 * mirror, loss (1/B) Σ_b ℓ(x_b, g(f(x_b))) (see `AeConfig`, `ReconstructionLoss`).
 *
 * ```ts
 * const model = createAe({ inputDim: 784, hiddenDims: [256], latentDim: 32 });
 * await fit(model, xTrain, { epochs: 10 });
 * const z = model.encode(xTest); // [n, 32]
 * ```
 *
 * Weights are seeded by `config.seed`; the model owns its variables until `dispose()`.
 */
export function createAe(config: AeConfig): Ae {
  const resolved = resolveAeConfig(config, 'createAe');
  const network = createNetwork(resolved);
  return createMlpAutoencoder({
    config: resolved,
    network,
    lossTerms: (x) => aeLossTerms(network, x),
  });
}

/**
 * The registration of the vanilla family: `loadModel` rebuilds `'ae'` models with it, reading
 * the field names of earlier versions too (see `upgradeNetworkConfig`).
 */
export const aeFamily: AutoencoderFamily<ResolvedAeConfig> = {
  ...aeFamilyDescription,
  packageName: '@aekit/ae',
  version,
  extras: ['code-histograms'],
  create: (config) => createAe(upgradeNetworkConfig(config) as AeConfig),
};
