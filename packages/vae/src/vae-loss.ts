import type { LossTerms } from '@aekit/core';
import { bernoulliLogLikelihood, gaussianLogLikelihood } from '@aekit/core';
import {
  add,
  mean,
  mul,
  neg,
  type Scalar,
  type Tensor1D,
  type Tensor2D,
  tidy,
} from '@tensorflow/tfjs-core';
import type { VaeLikelihood } from './vae-config';

/** What the decoder's output means for each likelihood, and its log-variance where learned. */
export interface DecoderLikelihood {
  readonly likelihood: VaeLikelihood;
  /** σ² of the fixed-variance Gaussian. */
  readonly variance: number;
  /** Learned per-feature log σ², `[inputDim]`, for 'gaussian-learned'. */
  readonly logVariance?: Tensor1D;
}

/**
 * log p(x | z) per example, summed over features, in nats.
 * @param x      `[batch, inputDim]`
 * @param output the decoder's output for z: logits (Bernoulli) or the mean (Gaussian), `[batch, inputDim]`
 * @returns      `[batch]`; inputs are not disposed.
 */
export function decoderLogLikelihood(
  x: Tensor2D,
  output: Tensor2D,
  decoder: DecoderLikelihood,
): Tensor1D {
  switch (decoder.likelihood) {
    case 'bernoulli':
      return bernoulliLogLikelihood(x, output);
    case 'gaussian':
      return gaussianLogLikelihood(x, output, Math.log(decoder.variance));
    case 'gaussian-learned':
      return gaussianLogLikelihood(x, output, decoder.logVariance!);
  }
}

/**
 * The VAE's loss from its per-example parts, reduced as every aekit family does (summed over
 * features, averaged over the batch):
 *
 *   reconstruction = mean_batch( −E_q[log p(x|z)] )      (the expectation: mean over the samples)
 *   kl             = mean_batch( KL(q(z|x) ‖ N(0, I)) )  (analytic)
 *   total          = reconstruction + β · kl              (= −ELBO per example when β = 1)
 *
 * @param logLikelihood `[batch]` Monte-Carlo estimate of E_q[log p(x|z)]
 * @param kl            `[batch]`
 */
export function vaeLossTerms(logLikelihood: Tensor1D, kl: Tensor1D, beta: number): LossTerms {
  const terms = tidy(() => {
    const reconstruction = neg(mean(logLikelihood)) as Scalar;
    const klMean = mean(kl) as Scalar;
    const total = (
      beta === 1 ? add(reconstruction, klMean) : add(reconstruction, mul(beta, klMean))
    ) as Scalar;
    return { total, reconstruction, kl: klMean };
  });
  return { total: terms.total, terms: { reconstruction: terms.reconstruction, kl: terms.kl } };
}
