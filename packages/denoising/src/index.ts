import { registerAutoencoderFamily } from '@aekit/core';
import { denoisingFamily } from './denoising';

export type {
  Corruption,
  GaussianCorruption,
  MaskingCorruption,
  ResolvedCorruption,
  SaltAndPepperCorruption,
} from './corruption';
export { corrupt, corruptionLabels, corruptionTypes, resolveCorruptions } from './corruption';
export type { DenoisingAe } from './denoising';
export { createDenoisingAe, denoisingFamily } from './denoising';
export type { DenoisingAeConfig, ResolvedDenoisingAeConfig } from './denoising-config';
export {
  defaultCorruptions,
  denoisingAeOptions,
  denoisingFamilyDescription,
  denoisingFamilyName,
  resolveDenoisingAeConfig,
} from './denoising-config';
export { denoisingLossTerms } from './denoising-loss';

// Importing the package registers the 'denoising' family, so `loadModel` can rebuild saved models.
registerAutoencoderFamily(denoisingFamily);
