import {
  createMlpAutoencoder,
  createNetwork,
  type MlpAutoencoder,
  upgradeNetworkConfig,
} from '@aekit/ae';
import type { AutoencoderFamily } from '@aekit/core';
import { version } from '../package.json';
import {
  type ContractiveAeConfig,
  contractiveFamilyDescription,
  type ResolvedContractiveAeConfig,
  resolveContractiveAeConfig,
} from './contractive-config';
import { contractiveLossTerms } from './contractive-loss';

/**
 * A contractive autoencoder (see `createContractiveAe`). `jacobianNorm(x)` reports ‖J_f(x)‖_F
 * per example `[batch]`.
 */
export type ContractiveAe = MlpAutoencoder<ResolvedContractiveAeConfig>;

/**
 * A contractive autoencoder: the vanilla network with the penalty λ ‖J_f(x)‖²_F on the
 * encoder's Jacobian, averaged over the batch (see `contractiveLossTerms`).
 *
 * ```ts
 * const model = createContractiveAe({ inputDim: 784, latentDim: 256, lambda: 0.1 });
 * const norms = model.jacobianNorm(xTest); // [n]
 * ```
 */
export function createContractiveAe(config: ContractiveAeConfig): ContractiveAe {
  const resolved = resolveContractiveAeConfig(config, 'createContractiveAe');
  const network = createNetwork(resolved);
  return createMlpAutoencoder({
    config: resolved,
    network,
    lossTerms: (x) => contractiveLossTerms(network, x, resolved.lambda),
  });
}

/**
 * The registration of the contractive family: `loadModel` rebuilds `'contractive'` models with it,
 * reading the field names of earlier versions too (see `upgradeNetworkConfig`).
 */
export const contractiveFamily: AutoencoderFamily<ResolvedContractiveAeConfig> = {
  ...contractiveFamilyDescription,
  packageName: '@aekit/contractive',
  version,
  extras: ['code-histograms', 'jacobian-norms'],
  create: (config) => createContractiveAe(upgradeNetworkConfig(config) as ContractiveAeConfig),
};
