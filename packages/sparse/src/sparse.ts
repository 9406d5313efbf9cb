import { createMlpAutoencoder, createNetwork, type MlpAutoencoder } from '@aekit/ae';
import type { AutoencoderFamily } from '@aekit/core';
import { version } from '../package.json';
import {
  type ResolvedSparseAeConfig,
  resolveSparseAeConfig,
  type SparseAeConfig,
  sparseFamilyDescription,
  sparseNetworkOptions,
  upgradeSparseAeConfig,
} from './sparse-config';
import { sparseLossTerms } from './sparse-loss';

/**
 * A sparse autoencoder (see `createSparseAe`). `meanActivations(x)` reports ρ̂_j per hidden unit
 * `[latentDim]`; `filters()` the learned features `[latentDim, inputDim]`.
 */
export type SparseAe = MlpAutoencoder<ResolvedSparseAeConfig>;

/**
 * A sparse autoencoder: h = σ(x W₁ + b₁), x̂ = g(h), loss
 * (1/B) Σ_b ℓ(x_b, x̂_b) + penalty(h), with the `'kl'` penalty λ Σ_j KL(ρ ‖ ρ̂_j) on sigmoid units
 * or the `'l1'` penalty λ (1/B) Σ_b ‖h_b‖₁ on ReLU units (see `SparseAeConfig`,
 * `sparsityPenalty`). The hidden layer may be wider than the input.
 *
 * ```ts
 * const model = createSparseAe({ inputDim: 784, latentDim: 256, penalty: 'kl', rho: 0.05, lambda: 3 });
 * ```
 */
export function createSparseAe(config: SparseAeConfig): SparseAe {
  const resolved = resolveSparseAeConfig(config, 'createSparseAe');
  const network = createNetwork(sparseNetworkOptions(resolved));
  const { penalty, rho, lambda } = resolved;
  return createMlpAutoencoder({
    config: resolved,
    network,
    lossTerms: (x) => sparseLossTerms(network, x, { penalty, rho, lambda }),
  });
}

/**
 * The registration of the sparse family: `loadModel` rebuilds `'sparse'` models with it,
 * reading the field names of earlier versions too (see `upgradeSparseAeConfig`).
 */
export const sparseFamily: AutoencoderFamily<ResolvedSparseAeConfig> = {
  ...sparseFamilyDescription,
  packageName: '@aekit/sparse',
  version,
  extras: ['code-histograms', 'sparsity', 'filters'],
  create: (config) => createSparseAe(upgradeSparseAeConfig(config) as SparseAeConfig),
};
