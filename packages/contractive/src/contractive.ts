import {
  createMlpAutoencoder,
  createNetwork,
  type MlpAutoencoder,
  noiseSeedStream,
  upgradeNetworkConfig,
} from '@aekit/ae';
import { type AutoencoderFamily, deriveSeed } from '@aekit/core';
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
 * encoder's Jacobian, averaged over the batch (see `contractiveLossTerms`), fully connected or
 * with an encoder spec (e.g. convolutional). Where the penalty is estimated (`config.jacobian`),
 * the directions of step `context.step` come from `deriveSeed(config.seed, 2, context.step)` —
 * the stream of the denoising family's noise — so a resumed run draws the same ones.
 *
 * ```ts
 * const model = createContractiveAe({ inputDim: 784, latentDim: 256, lambda: 0.1 });
 * const norms = model.jacobianNorm(xTest); // [n]
 * const conv = createContractiveAe({
 *   inputDim: 784, inputShape: [28, 28, 1], latentDim: 32,
 *   encoder: { type: 'conv', channels: [16, 32] }, jacobian: 'estimate', projections: 2,
 * });
 * ```
 */
export function createContractiveAe(config: ContractiveAeConfig): ContractiveAe {
  const resolved = resolveContractiveAeConfig(config, 'createContractiveAe');
  const network = createNetwork(resolved);
  return createMlpAutoencoder({
    config: resolved,
    network,
    lossTerms: (x, context) =>
      contractiveLossTerms(network, x, resolved.lambda, {
        jacobian: resolved.jacobian,
        projections: resolved.projections,
        seed: deriveSeed(resolved.seed, noiseSeedStream, context.step),
      }),
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
