import {
  bernoulliLogLikelihood,
  createRng,
  deriveSeed,
  klDiagGaussianStdNormal,
} from '@aekit/core';
import {
  applyConv2d,
  applyConvTranspose2d,
  applyDense,
  type ConvParams,
  convVariables,
  type DenseParams,
  denseVariables,
  disposeConv,
  disposeDense,
  flatten,
  initConv2d,
  initConvTranspose2d,
  initDense,
  unflatten,
} from '@aekit/layers';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The convolutional VAE of Keras's example on 28×28×1 images, built from `@aekit/layers`' conv
 * and dense blocks (there is no convolutional VAE family yet): encoder conv 1→32 3×3 stride 2
 * (28→14) relu, conv 32→64 3×3 stride 2 (14→7) relu, flatten, dense 3136→16 relu, μ and log σ²
 * of 2 latents (Keras's latent size); decoder dense 2→3136 relu, reshape 7×7×64, transposed
 * conv 64→32 3×3 stride 2 (7→14) relu, transposed conv 32→32 3×3 stride 2 (14→28) relu, conv
 * 32→1 3×3 (28→28) to logits. Padding `'same'` throughout. Convolutions start as PyTorch's
 * (`'fanInUniform'`), dense layers as Keras's (`'glorotUniform'`, zero bias).
 * pytorch/conv_server.py holds the same shapes as an nn.Module.
 */
export const convVaeLatent = 2;

export interface ConvVae {
  /**
   * Σ over pixels of Bernoulli (sigmoid cross-entropy) −log p(x | z) + KL, averaged over the
   * batch, with z = μ + exp(½ log σ²)·eps.
   * @param x   [batch, 28, 28, 1] in [0, 1]
   * @param eps [batch, 2] standard normal draws
   */
  loss(x: tf.Tensor4D, eps: tf.Tensor2D): tf.Scalar;
  /** One training step (Adam 1e-3): the loss before the update, read back as a number. */
  step(x: tf.Tensor4D, eps: tf.Tensor2D): number;
  readonly variables: readonly tf.Variable[];
  dispose(): void;
}

/** A fresh model on the active backend: the same initial weights on every backend for `seed`. */
export function createConvVae(seed: number): ConvVae {
  const part = (index: number) => deriveSeed(seed, index);
  const conv1 = initConv2d(1, 32, { seed: part(1) });
  const conv2 = initConv2d(32, 64, { seed: part(2) });
  const hidden = initDense(7 * 7 * 64, 16, { seed: part(3) });
  const mu = initDense(16, convVaeLatent, { seed: part(4) });
  const logVar = initDense(16, convVaeLatent, { seed: part(5) });
  const decoderDense = initDense(convVaeLatent, 7 * 7 * 64, { seed: part(6) });
  const deconv1 = initConvTranspose2d(64, 32, { seed: part(7) });
  const deconv2 = initConvTranspose2d(32, 32, { seed: part(8) });
  const output = initConv2d(32, 1, { seed: part(9) });
  const convs: ConvParams[] = [conv1, conv2, deconv1, deconv2, output];
  const denses: DenseParams[] = [hidden, mu, logVar, decoderDense];
  const variables = [
    ...convs.flatMap((params, index) => Object.values(convVariables(params, `conv${index}`))),
    ...denses.flatMap((params, index) => Object.values(denseVariables(params, `dense${index}`))),
  ];
  const optimizer = tf.train.adam(1e-3);
  const same = { stride: 2, padding: 'same', activation: 'relu' } as const;
  const loss = (x: tf.Tensor4D, eps: tf.Tensor2D): tf.Scalar =>
    tf.tidy(() => {
      const batch = x.shape[0];
      const h1 = applyConv2d(conv1, x, same);
      const h2 = applyConv2d(conv2, h1, same);
      const h = applyDense(hidden, flatten(h2), 'relu');
      const m = applyDense(mu, h);
      const lv = applyDense(logVar, h);
      const z = tf.add(m, tf.mul(tf.exp(tf.mul(lv, 0.5)), eps)) as tf.Tensor2D;
      const d = unflatten(applyDense(decoderDense, z, 'relu'), [7, 7, 64]);
      const d1 = applyConvTranspose2d(deconv1, d, { ...same, outputSize: [14, 14] });
      const d2 = applyConvTranspose2d(deconv2, d1, { ...same, outputSize: [28, 28] });
      const logits = applyConv2d(output, d2, { stride: 1, padding: 'same' });
      const reconstruction = tf.neg(bernoulliLogLikelihood(flatten(x), flatten(logits)));
      const perImage = tf.add(reconstruction, klDiagGaussianStdNormal(m, lv));
      return tf.div(tf.sum(perImage), batch) as tf.Scalar;
    });
  return {
    loss,
    variables,
    step(x, eps) {
      const { value, grads } = tf.variableGrads(() => loss(x, eps), [...variables]);
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      tf.dispose(Object.values(grads));
      // Read outside tidy: tidy walks a returned typed array.
      const result = value.dataSync()[0]!;
      value.dispose();
      return result;
    },
    dispose() {
      for (const params of convs) disposeConv(params);
      for (const params of denses) disposeDense(params);
      optimizer.dispose();
    },
  };
}

/** Standard normal draws [batch, 2] for step `step`: the same on every backend. */
export function convVaeNoise(batch: number, seed: number, step: number): tf.Tensor2D {
  const values = createRng(deriveSeed(seed, step)).normalArray(batch * convVaeLatent);
  return tf.tensor2d(values, [batch, convVaeLatent]);
}
