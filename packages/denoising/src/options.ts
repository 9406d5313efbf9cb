// `@aekit/denoising/options`: the denoising family's description, options and corruptions as
// data, loading no TensorFlow.js, for pages that draw controls while a worker trains.
// `@aekit/denoising` exports all of it too.
export type {
  Corruption,
  GaussianCorruption,
  MaskingCorruption,
  ResolvedCorruption,
  SaltAndPepperCorruption,
} from './corruption-config';
export { corruptionLabels, corruptionTypes, resolveCorruptions } from './corruption-config';
export type { DenoisingAeConfig, ResolvedDenoisingAeConfig } from './denoising-config';
export {
  defaultCorruptions,
  denoisingAeOptions,
  denoisingFamilyDescription,
  denoisingFamilyName,
  resolveDenoisingAeConfig,
} from './denoising-config';
