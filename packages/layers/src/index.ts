export type { ActivationName } from './activations';
export { activate, activationNames, checkActivation, leakyReluAlpha } from './activations';
export type {
  ApplyConvOptions,
  ApplyConvTransposeOptions,
  ConvInitializerName,
  ConvPadding,
  ConvParams,
  InitConvOptions,
  SizePair,
} from './conv';
export {
  applyConv2d,
  applyConvTranspose2d,
  conv2dOutputSize,
  convInitializerNames,
  convTranspose2dOutputSizes,
  convVariables,
  disposeConv,
  initConv2d,
  initConvTranspose2d,
} from './conv';
export type { ApplyDenseOptions, DenseParams, InitDenseOptions } from './dense';
export { applyDense, denseVariables, disposeDense, initDense } from './dense';
export type { NoiseOptions } from './dropout';
export { dropout, maskingNoise } from './dropout';
export type { InitializerName, LayerInitializerName } from './initializers';
export {
  fans,
  initializerNames,
  initialLayerValues,
  initialTensor,
  initialValues,
  layerInitializerNames,
} from './initializers';
export type { ApplyMlpOptions, Mlp, MlpLayer, MlpOptions } from './mlp';
export { applyMlp, disposeMlp, mlp, mlpVariables } from './mlp';
export type {
  DecoderContext,
  EncoderContext,
  NetworkKind,
  NetworkPart,
} from './network';
export {
  buildDecoder,
  buildEncoder,
  disposeNetworkPart,
  registerNetworkKind,
} from './network';
export type { ImageShape } from './network-options';
export { checkHiddenDimsWithEncoder, networkSpecOptions } from './network-options';
export type {
  ConvNetworkSpec,
  DenseNetworkSpec,
  NetworkSpec,
  NetworkSpecKind,
} from './network-spec';
export { networkKinds, resolveNetworkSpec } from './network-spec';
