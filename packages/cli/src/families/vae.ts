import { type Autoencoder, InvalidArgumentError } from '@aekit/core';
import type { activationNames } from '@aekit/layers';
import {
  createVae,
  defaultVaeHiddenDims,
  type ResolvedVaeConfig,
  resolveVaeConfig,
  type Vae,
  type VaeConfig,
  type VaeLikelihood,
  vaeOptions,
} from '@aekit/vae';
import * as tf from '@tensorflow/tfjs-core';
import type { FamilyAdapter, FamilySettings } from '../family-contract';
import { booleanFlag } from '../flags';
import { encoderSpec, networkFlagOptions, parseNetworkFlags } from './network-flags';
import { checkFlagsUsed, optionFlags, parseOptionFlags, resolveWithFlags } from './option-flags';

/** Latent size and hidden widths when `--latent` and `--hidden` are not given: the PyTorch example's. */
export const vaeDefaults = { latentDim: 20, hidden: defaultVaeHiddenDims } as const;

/** The config fields `aekit train` sets from `--latent`, `--hidden`, `--seed` and the data. */
const shapeFields = ['inputDim', 'latentDim', 'hiddenDims', 'seed'];

function asVae(model: Autoencoder): Vae {
  return model as Vae;
}

function isConditional(model: Autoencoder): boolean {
  return (model.config as ResolvedVaeConfig).conditional != null;
}

/**
 * The variational autoencoder of `@aekit/vae` (Kingma & Welling): Gaussian codes with a
 * standard-normal prior, a Bernoulli or Gaussian decoder, optionally conditional on the label.
 */
export const vaeAdapter: FamilyAdapter = {
  name: 'vae',
  title: 'Variational autoencoder',
  summary:
    'variational autoencoder: Gaussian codes, a prior to sample from, ELBO and log-likelihood',
  options: [
    ...optionFlags(vaeOptions, shapeFields),
    ...networkFlagOptions,
    {
      flags: '--conditional',
      description: 'a conditional VAE: the label goes into encoder and decoder (sample --label 7)',
    },
  ],

  parseOptions(values): FamilySettings {
    const given = parseOptionFlags('train', vaeOptions, values, shapeFields);
    const encoder = parseNetworkFlags('train', values);
    const resolved = resolveWithFlags('train', vaeOptions, (functionName) =>
      resolveVaeConfig({ ...given, inputDim: 1, latentDim: 1 } as VaeConfig, functionName),
    );
    checkFlagsUsed('train', vaeOptions, values, resolved);
    // The names run folders have always recorded (`activation`, `conditional` as a switch).
    return {
      likelihood: resolved.likelihood,
      variance: resolved.variance,
      beta: resolved.beta,
      samples: resolved.samples,
      activation: resolved.hiddenActivation,
      conditional: booleanFlag(values.conditional),
      // Recorded only for a conv network, so dense runs record what they always have.
      ...(encoder === null ? {} : { encoder }),
    };
  },

  create(settings, shape) {
    if (settings.conditional === true && shape.numClasses === null) {
      throw new InvalidArgumentError({
        functionName: 'aekit train',
        argument: '--conditional',
        rule: 'left out for data without labels (a conditional VAE is told the class of each example)',
        value: true,
      });
    }
    const encoder = encoderSpec('train', settings.encoder, shape.hidden, shape.imageShape ?? null);
    return createVae({
      inputDim: shape.inputDim,
      latentDim: shape.latentDim ?? vaeDefaults.latentDim,
      ...(encoder === null
        ? { hiddenDims: [...(shape.hidden ?? vaeDefaults.hidden)] }
        : { encoder, inputShape: shape.imageShape! }),
      hiddenActivation: settings.activation as (typeof activationNames)[number],
      likelihood: settings.likelihood as VaeLikelihood,
      ...(settings.likelihood === 'gaussian' ? { variance: settings.variance as number } : {}),
      beta: settings.beta as number,
      samples: settings.samples as number,
      conditional:
        settings.conditional === true && shape.numClasses !== null
          ? { numClasses: shape.numClasses }
          : null,
      seed: shape.seed,
    });
  },

  needsLabels: isConditional,

  sample(model, n, options) {
    const vae = asVae(model);
    const config = model.config as ResolvedVaeConfig;
    if (config.conditional == null) return vae.sample(n, { seed: options.seed });
    const numClasses = config.conditional.numClasses;
    // Without --label, the classes in turn, so the grid shows each.
    const labels = Array.from({ length: n }, (_, index) => options.label ?? index % numClasses);
    return tf.tidy(() =>
      vae.sample(n, { seed: options.seed, labels: tf.tensor1d(labels, 'int32') }),
    );
  },
};
