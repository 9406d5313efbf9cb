import {
  type AutoencoderNetwork,
  checkBatch,
  decoderOutput,
  encoderJacobianFrobeniusSquared,
  encodeWith,
  functionJacobianFrobeniusSquared,
  functionJacobianFrobeniusSquaredEstimate,
  reconstructionLoss,
} from '@aekit/ae';
import {
  checkInteger,
  checkNumber,
  checkOneOf,
  checkSeed,
  InvalidArgumentError,
  type LossTerms,
} from '@aekit/core';
import {
  add,
  mean,
  mul,
  type Scalar,
  type Tensor1D,
  type Tensor2D,
  tidy,
} from '@tensorflow/tfjs-core';
import {
  type ContractiveJacobian,
  contractiveJacobians,
  contractivePenaltyMethod,
  defaultJacobianProjections,
} from './contractive-config';

/** How `contractiveLossTerms` computes ‖J_f(x)‖²_F (see `ContractiveAeConfig`). */
export interface ContractivePenaltyOptions {
  /** `'auto'`, `'exact'` or `'estimate'`. Default `'auto'`. */
  readonly jacobian?: ContractiveJacobian;
  /** Random directions P ≥ 1 of the estimate. Default 1. */
  readonly projections?: number;
  /** Seed of the estimate's directions (the model passes one per step). Default 0. */
  readonly seed?: number;
}

/**
 * The contractive autoencoder's loss: reconstruction + contractive, with
 * reconstruction (1/B) Σ_b ℓ(x_b, g(f(x_b))) (see `ReconstructionLoss`) and
 * contractive λ (1/B) Σ_b ‖J_f(x_b)‖²_F, the squared Frobenius norm Σ_ij (∂f_i/∂x_j)² of the
 * encoder's Jacobian at each example, averaged over the batch. The norm is differentiable, so
 * training minimises it, and is computed (`options.jacobian`, see `contractivePenaltyMethod`):
 *
 * - fully connected encoder, `'auto'` or `'exact'`: exactly, by a closed form for one layer and
 *   the batched chain rule for several (`encoderJacobianFrobeniusSquared`);
 * - encoder spec, `'exact'`, or `'auto'` with latentDim ≤ 8: exactly, as Σ_i ‖Jᵀe_i‖² by
 *   latentDim vector–Jacobian products, a backward pass each
 *   (`functionJacobianFrobeniusSquared`), differentiated as a gradient of a gradient;
 * - `'estimate'`, or `'auto'` for an encoder spec with latentDim > 8: Hutchinson's unbiased
 *   estimate (1/P) Σ_p ‖Jᵀu_p‖² with u_p ~ N(0, I) drawn from `options.seed`, P =
 *   `options.projections` backward passes whatever latentDim
 *   (`functionJacobianFrobeniusSquaredEstimate`); its variance per example is 2‖JJᵀ‖²_F / P.
 * @param network the model's encoder and decoder.
 * @param x `[batch, inputDim]`.
 * @param lambda λ ≥ 0.
 * @returns `{ total, terms: { reconstruction, contractive } }`, scalars owned by the caller.
 */
export function contractiveLossTerms(
  network: AutoencoderNetwork,
  x: Tensor2D,
  lambda: number,
  options: ContractivePenaltyOptions = {},
): LossTerms {
  const name = 'contractiveLossTerms';
  checkBatch(name, 'x', x, network.options.inputDim);
  checkNumber(name, 'lambda', lambda, { min: 0 });
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError({
      functionName: name,
      argument: 'options',
      rule: 'an object { jacobian?, projections?, seed? }',
      value: options,
    });
  }
  const jacobian = checkOneOf(
    name,
    'options.jacobian',
    options.jacobian ?? 'auto',
    contractiveJacobians,
  );
  const projections = checkInteger(
    name,
    'options.projections',
    options.projections ?? defaultJacobianProjections,
    { min: 1 },
  );
  const seed = checkSeed(name, 'options.seed', options.seed ?? 0);
  const encoder = (input: Tensor2D) => encodeWith(network, input);
  const method = contractivePenaltyMethod({
    encoder: network.options.encoder,
    latentDim: network.options.latentDim,
    jacobian,
  });
  const reconstruction = tidy(() =>
    reconstructionLoss(x, decoderOutput(network, encodeWith(network, x)), network.options.loss),
  );
  const contractive = tidy(() => {
    let squared: Tensor1D;
    if (method === 'closed-form') squared = encoderJacobianFrobeniusSquared(network.encoder!, x);
    else if (method === 'exact') squared = functionJacobianFrobeniusSquared(encoder, x);
    else squared = functionJacobianFrobeniusSquaredEstimate(encoder, x, { projections, seed });
    return mul(lambda, mean(squared)) as Scalar;
  });
  const total = add(reconstruction, contractive) as Scalar;
  return { total, terms: { reconstruction, contractive } };
}
