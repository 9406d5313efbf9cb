import {
  type AutoencoderNetwork,
  checkBatch,
  decoderOutput,
  encodeWith,
  reconstructionLoss,
} from '@aekit/ae';
import type { LossTerms } from '@aekit/core';
import { clone, type Tensor2D, tidy } from '@tensorflow/tfjs-core';

/**
 * The denoising autoencoder's loss: the reconstruction of the corrupted input x̃ compared with
 * the clean input x, L = (1/B) Σ_b ℓ(x_b, g(f(x̃_b))), with ℓ the network's
 * `ReconstructionLoss` (summed over features for `'mse-sum'` and `'bernoulli'`).
 * @param x `[batch, inputDim]` clean inputs (the targets).
 * @param corrupted `[batch, inputDim]` what the encoder sees: x̃ while training, x otherwise.
 * @returns `{ total, terms: { reconstruction } }`: distinct scalars owned by the caller.
 */
export function denoisingLossTerms(
  network: AutoencoderNetwork,
  x: Tensor2D,
  corrupted: Tensor2D,
): LossTerms {
  const { inputDim, loss } = network.options;
  checkBatch('denoisingLossTerms', 'x', x, inputDim);
  checkBatch('denoisingLossTerms', 'corrupted', corrupted, inputDim);
  const reconstruction = tidy(() =>
    reconstructionLoss(x, decoderOutput(network, encodeWith(network, corrupted)), loss),
  );
  return { total: clone(reconstruction), terms: { reconstruction } };
}
