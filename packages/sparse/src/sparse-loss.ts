import {
  type AutoencoderNetwork,
  checkBatch,
  decoderOutput,
  encodeWith,
  reconstructionLoss,
} from '@aekit/ae';
import { checkNumber, checkOneOf, checkTensor, klBernoulli, type LossTerms } from '@aekit/core';
import { abs, add, mean, mul, type Scalar, sum, type Tensor2D, tidy } from '@tensorflow/tfjs-core';
import { type SparsityPenalty, sparsityPenalties } from './sparse-config';

/** The penalty of `sparsityPenalty`. */
export interface SparsityOptions {
  readonly penalty: SparsityPenalty;
  /** Target mean activation ρ in (0, 1), for `'kl'`. */
  readonly rho: number;
  /** Weight λ ≥ 0. */
  readonly lambda: number;
}

/**
 * The sparsity penalty of hidden activations h `[batch, hidden]`:
 * - `'kl'`: λ Σ_j KL(ρ ‖ ρ̂_j), ρ̂_j = (1/B) Σ_b h_bj the mean activation of unit j over the
 *   batch, KL(ρ ‖ ρ̂) = ρ ln(ρ/ρ̂) + (1 − ρ) ln((1 − ρ)/(1 − ρ̂)) (`@aekit/core`'s `klBernoulli`,
 *   finite at ρ̂ = 0 or 1). It is a property of the batch, not a sum of per-example terms.
 * - `'l1'`: λ (1/B) Σ_b Σ_j |h_bj|: summed over units, averaged over the batch (the reduction of
 *   every aekit loss term), so λ does not depend on the batch size.
 * @returns a scalar. Differentiable; `h` is not disposed.
 */
export function sparsityPenalty(h: Tensor2D, options: SparsityOptions): Scalar {
  const name = 'sparsityPenalty';
  checkTensor(name, 'h', h, { rank: 2, dtype: 'float32' });
  const penalty = checkOneOf(name, 'options.penalty', options?.penalty, sparsityPenalties);
  const lambda = checkNumber(name, 'options.lambda', options.lambda, { min: 0 });
  if (penalty === 'kl') {
    const rho = checkNumber(name, 'options.rho', options.rho, {
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
    });
    return tidy(() => mul(lambda, sum(klBernoulli(rho, mean(h, 0)))));
  }
  return tidy(() => mul(lambda, mean(sum(abs(h), 1))));
}

/**
 * The sparse autoencoder's loss: reconstruction + sparsity, with h = f(x) and
 * reconstruction (1/B) Σ_b ℓ(x_b, g(h_b)) (see `ReconstructionLoss`, `sparsityPenalty`).
 * @param x `[batch, inputDim]`.
 * @returns `{ total, terms: { reconstruction, sparsity } }`, scalars owned by the caller.
 */
export function sparseLossTerms(
  network: AutoencoderNetwork,
  x: Tensor2D,
  options: SparsityOptions,
): LossTerms {
  checkBatch('sparseLossTerms', 'x', x, network.options.inputDim);
  const h = encodeWith(network, x);
  try {
    const reconstruction = tidy(() =>
      reconstructionLoss(x, decoderOutput(network, h), network.options.loss),
    );
    const sparsity = sparsityPenalty(h, options);
    return { total: add(reconstruction, sparsity), terms: { reconstruction, sparsity } };
  } finally {
    h.dispose();
  }
}
