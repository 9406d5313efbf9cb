import { type AutoencoderFamily, registerAutoencoderFamily } from '@aekit/core';
import { version } from '../package.json';
import { buildVae } from './vae';
import {
  type ResolvedVaeConfig,
  resolveVaeConfig,
  upgradeVaeConfig,
  type VaeConfig,
  vaeFamilyDescription,
} from './vae-config';

export type { Posterior, Vae } from './vae';
export { createVae, interpolationWeights } from './vae';
export type { ResolvedVaeConfig, VaeConfig, VaeLikelihood } from './vae-config';
export {
  defaultVaeHiddenDims,
  renamedVaeConfigFields,
  resolveVaeConfig,
  upgradeVaeConfig,
  vaeFamilyDescription,
  vaeLikelihoods,
  vaeOptions,
} from './vae-config';
export type { DecoderLikelihood } from './vae-loss';
export { decoderLogLikelihood, vaeLossTerms } from './vae-loss';

/**
 * The 'vae' family, registered on import so `loadModel` can rebuild saved VAEs, also those
 * saved with the field names of earlier versions (see `upgradeVaeConfig`).
 */
export const vaeFamily: AutoencoderFamily<ResolvedVaeConfig> = {
  ...vaeFamilyDescription,
  packageName: '@aekit/vae',
  version,
  extras: ['samples', 'manifold', 'interpolation', 'posterior', 'likelihood'],
  create: (config) =>
    buildVae(resolveVaeConfig(upgradeVaeConfig(config) as VaeConfig, 'loadModel')),
};

registerAutoencoderFamily(vaeFamily);
