import { createVae, type Vae } from '@aekit/vae';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The convolutional VAE the bench trains: `@aekit/vae` with a convolutional encoder, what a
 * user gets from `createVae({ …, encoder: { type: 'conv', channels: [32, 64] } })` — the
 * Keras example's network without its 16-unit dense layer: encoder conv 1→32 3×3 stride 2
 * (28→14) relu, conv 32→64 3×3 stride 2 (14→7) relu, flatten, the head to μ and log σ² of 2
 * latents; decoder dense 2→3136 relu, reshape 7×7×64, transposed conv 64→64 3×3 stride 2
 * (7→14) relu, transposed conv 64→32 3×3 stride 2 (14→28) relu, conv 32→1 3×3 to logits
 * (Bernoulli). Padding `'same'`; PyTorch's initialisation. pytorch/conv_server.py holds the
 * same shapes as an nn.Module.
 */
export const convVaeLatent = 2;

/** The config of that VAE. */
export const convVaeConfig = {
  inputDim: 784,
  inputShape: [28, 28, 1],
  latentDim: convVaeLatent,
  encoder: { type: 'conv', channels: [32, 64] },
} as const;

export interface ConvVae {
  /**
   * The VAE's training loss averaged over the batch: Σ over pixels of the Bernoulli
   * −log p(x | z) plus the KL, z drawn with the model's noise of training step `step`.
   * @param x [batch, 784] in [0, 1]
   */
  loss(x: tf.Tensor2D, step: number): tf.Scalar;
  /** One training step (Adam 1e-3): the loss before the update, read back as a number. */
  step(x: tf.Tensor2D, step: number): number;
  readonly vae: Vae;
  dispose(): void;
}

/** A fresh model on the active backend: the same initial weights on every backend for `seed`. */
export function createConvVae(seed: number): ConvVae {
  const vae = createVae({ ...convVaeConfig, seed });
  const variables = Object.values(vae.variables());
  const optimizer = tf.train.adam(1e-3);
  const loss = (x: tf.Tensor2D, step: number): tf.Scalar =>
    tf.tidy(() => tf.mean(vae.lossTerms(x, { step, training: true }).total) as tf.Scalar);
  return {
    vae,
    loss,
    step(x, step) {
      const { value, grads } = tf.variableGrads(() => loss(x, step), variables);
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      tf.dispose(Object.values(grads));
      // Read outside tidy: tidy walks a returned typed array.
      const result = value.dataSync()[0]!;
      value.dispose();
      return result;
    },
    dispose() {
      vae.dispose();
      optimizer.dispose();
    },
  };
}
