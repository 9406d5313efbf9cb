// `@aekit/vae/options`: the VAE family's description and options, loading no TensorFlow.js,
// for pages that draw controls while a worker trains. `@aekit/vae` exports all of it too.
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
