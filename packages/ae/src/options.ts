// `@aekit/ae/options`: the vanilla family's description and options and the network options
// every MLP family shares, loading no TensorFlow.js, for pages that draw controls while a worker
// trains and for the other families' own option schemas. `@aekit/ae` exports all of it too.
export type { AeConfig, ResolvedAeConfig } from './ae-config';
export {
  aeDefaults,
  aeFamilyDescription,
  aeFamilyName,
  aeOptions,
  resolveAeConfig,
} from './ae-config';
export { closedFormActivations } from './closed-form-activations';
export type { NetworkOptions } from './network';
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
export type { ReconstructionLoss } from './reconstruction-loss-names';
export { reconstructionLosses } from './reconstruction-loss-names';
