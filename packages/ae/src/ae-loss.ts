import type { LossTerms } from '@aekit/core';
import { clone, type Tensor2D, tidy } from '@tensorflow/tfjs-core';
import { checkBatch } from './check-mlp';
import { type AutoencoderNetwork, decoderOutput, encodeWith } from './network';
import { reconstructionLoss } from './reconstruction-loss';

/**
 * The vanilla autoencoder's loss: the reconstruction term alone,
 * L = (1/B) Σ_b ℓ(x_b, g(f(x_b))), with f the encoder, g the decoder, ℓ the network's
 * `ReconstructionLoss` (summed over features for `'mse-sum'` and `'bernoulli'`, averaged over
 * them for `'mse'`) and B the batch size.
 * @param x `[batch, inputDim]`.
 * @returns `{ total, terms: { reconstruction } }`: distinct scalars owned by the caller.
 */
export function aeLossTerms(network: AutoencoderNetwork, x: Tensor2D): LossTerms {
  checkBatch('aeLossTerms', 'x', x, network.options.inputDim);
  const reconstruction = tidy(() =>
    reconstructionLoss(x, decoderOutput(network, encodeWith(network, x)), network.options.loss),
  );
  return { total: clone(reconstruction), terms: { reconstruction } };
}
