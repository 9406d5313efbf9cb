import { type AutoencoderFamily, registerAutoencoderFamily } from '@aekit/core';
import { version } from '../package.json';
import { buildVae } from './vae';
import { resolveVaeConfig, type VaeConfig } from './vae-config';

export type { Posterior, Vae } from './vae';
export { createVae, interpolationWeights } from './vae';
export type { VaeConfig, VaeLikelihood, VaeOptions } from './vae-config';
export { resolveVaeConfig, vaeLikelihoods } from './vae-config';
export type { DecoderLikelihood } from './vae-loss';
export { decoderLogLikelihood, vaeLossTerms } from './vae-loss';

/** The 'vae' family, registered on import so `loadModel` can rebuild saved VAEs. */
export const vaeFamily: AutoencoderFamily<VaeConfig> = {
  name: 'vae',
  packageName: '@aekit/vae',
  version,
  create: (config) => buildVae(resolveVaeConfig(config, 'loadModel')),
};

registerAutoencoderFamily(vaeFamily);
