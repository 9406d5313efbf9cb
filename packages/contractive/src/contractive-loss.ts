import {
  type AutoencoderNetwork,
  checkBatch,
  decoderOutput,
  encoderJacobianFrobeniusSquared,
  encodeWith,
  reconstructionLoss,
} from '@aekit/ae';
import { checkNumber, type LossTerms } from '@aekit/core';
import { add, mean, mul, type Scalar, type Tensor2D, tidy } from '@tensorflow/tfjs-core';

/**
 * The contractive autoencoder's loss: reconstruction + contractive, with
 * reconstruction (1/B) Σ_b ℓ(x_b, g(f(x_b))) (see `ReconstructionLoss`) and
 * contractive λ (1/B) Σ_b ‖J_f(x_b)‖²_F, the squared Frobenius norm Σ_ij (∂f_i/∂x_j)² of the
 * encoder's Jacobian at each example, averaged over the batch. The norm is exact and
 * differentiable (`encoderJacobianFrobeniusSquared`: a closed form for one layer, the batched
 * chain rule for several), so training minimises it.
 * @param x `[batch, inputDim]`.
 * @param lambda λ ≥ 0.
 * @returns `{ total, terms: { reconstruction, contractive } }`, scalars owned by the caller.
 */
export function contractiveLossTerms(
  network: AutoencoderNetwork,
  x: Tensor2D,
  lambda: number,
): LossTerms {
  checkBatch('contractiveLossTerms', 'x', x, network.options.inputDim);
  checkNumber('contractiveLossTerms', 'lambda', lambda, { min: 0 });
  const reconstruction = tidy(() =>
    reconstructionLoss(x, decoderOutput(network, encodeWith(network, x)), network.options.loss),
  );
  const contractive = tidy(
    () => mul(lambda, mean(encoderJacobianFrobeniusSquared(network.encoder!, x))) as Scalar,
  );
  const total = add(reconstruction, contractive) as Scalar;
  return { total, terms: { reconstruction, contractive } };
}
