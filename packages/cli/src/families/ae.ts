import { type AeConfig, createAe } from '@aekit/ae';
import { mlpFamilyAdapter } from './mlp-families';

/** The vanilla autoencoder of `@aekit/ae`: encoder and decoder MLPs around a bottleneck. */
export const aeAdapter = mlpFamilyAdapter({
  name: 'ae',
  title: 'Autoencoder',
  summary: 'vanilla autoencoder: encoder and decoder MLPs around a bottleneck of any width',
  options: [],
  hiddenLayers: true,
  parseFamilyOptions: (_values, common) => ({ ...common }),
  create: (settings, shape) =>
    createAe({ ...(settings as Partial<AeConfig>), ...shape, hiddenDims: [...shape.hiddenDims] }),
  activationNote:
    'Nothing asks these codes to be sparse: a plain autoencoder spreads the information over many units with middling activations, the picture the sparse autoencoder changes.',
});
