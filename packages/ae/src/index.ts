import { registerAutoencoderFamily } from '@aekit/core';
import { aeFamily } from './ae';

export type { Ae } from './ae';
export { aeFamily, createAe } from './ae';
export type { AeConfig, ResolvedAeConfig } from './ae-config';
export {
  aeDefaults,
  aeFamilyDescription,
  aeFamilyName,
  aeOptions,
  resolveAeConfig,
} from './ae-config';
export { aeLossTerms } from './ae-loss';
export { checkBatch } from './check-mlp';
export { composeMlps } from './compose-mlps';
export { encoderFilters } from './encoder-filters';
export {
  closedFormActivations,
  encoderJacobianFrobeniusSquared,
  encoderJacobianNorm,
} from './encoder-jacobian';
export type { JacobianEstimateOptions } from './function-jacobian';
export {
  functionJacobianFrobeniusSquared,
  functionJacobianFrobeniusSquaredEstimate,
} from './function-jacobian';
export type { InputCheck, MlpAutoencoder, MlpAutoencoderSpec } from './mlp-autoencoder';
export { createMlpAutoencoder, isMlpAutoencoder } from './mlp-autoencoder';
export type { AutoencoderNetwork, NetworkOptions } from './network';
export {
  createNetwork,
  decoderOutput,
  disposeNetwork,
  encodeWith,
  noiseSeedStream,
} from './network';
export type { NetworkConfig, NetworkDefaults } from './network-config';
export {
  encoderCodeActivation,
  networkConfigFields,
  networkInConfigOrder,
  networkOptions,
  renamedNetworkConfigFields,
  resolveNetworkConfig,
  upgradeNetworkConfig,
} from './network-config';
export type { ReconstructionLoss } from './reconstruction-loss';
export {
  reconstructionErrors,
  reconstructionLoss,
  reconstructionLosses,
} from './reconstruction-loss';
export { installSecondOrderGradients } from './second-order-gradients';

// Importing the package registers the 'ae' family, so `loadModel` can rebuild saved models.
registerAutoencoderFamily(aeFamily);
