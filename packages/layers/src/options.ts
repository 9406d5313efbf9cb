// `@aekit/layers/options`: the names of the activations and initialisers, loading no
// TensorFlow.js, for option schemas read where tfjs must not load (a page whose worker trains).
// `@aekit/layers` exports them too.
export type { ActivationName } from './activation-names';
export { activationNames } from './activation-names';
export type { InitializerName } from './initializer-names';
export { initializerNames } from './initializer-names';
export type { ImageShape } from './network-options';
export { checkHiddenDimsWithEncoder, networkSpecOptions } from './network-options';
export type {
  ConvNetworkSpec,
  DenseNetworkSpec,
  NetworkSpec,
  NetworkSpecKind,
} from './network-spec';
export { networkKinds, resolveNetworkSpec } from './network-spec';
