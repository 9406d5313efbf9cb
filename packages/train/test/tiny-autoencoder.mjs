// A small dense autoencoder for the trainer's tests, built with @aekit/layers: tanh encoder,
// linear decoder (optionally tied), dropout on the code while training (seeded by the step,
// so resumed runs draw the same masks), and two loss terms. Plain JavaScript so that both the
// Vitest suites and the child processes of the crash test (plain Node) can import it.
import { deriveSeed } from '@aekit/core';
import { applyMlp, disposeMlp, dropout, mlp, mlpVariables } from '@aekit/layers';
import * as tf from '@tensorflow/tfjs-core';

export const tinyFamilyName = 'tiny-test';

/**
 * @param {{ inputDim: number, hiddenDim: number, seed: number, tied?: boolean, dropout?: number }} options
 */
export function createTinyAutoencoder(options) {
  const { inputDim, hiddenDim, seed, tied = false, dropout: rate = 0.1 } = options;
  const config = { family: tinyFamilyName, inputDim, hiddenDim, seed, tied, dropout: rate };
  const encoder = mlp({ widths: [inputDim, hiddenDim], activations: 'tanh', seed });
  const decoder = mlp({
    widths: [hiddenDim, inputDim],
    activations: 'linear',
    seed: (seed + 1) >>> 0,
    ...(tied ? { tiedTo: encoder } : {}),
  });
  const encode = (x) => applyMlp(encoder, x);
  const decode = (z) => applyMlp(decoder, z);
  return {
    config,
    encode,
    decode,
    reconstruct: (x) => tf.tidy(() => decode(encode(x))),
    lossTerms(x, context) {
      return tf.tidy(() => {
        let z = encode(x);
        if (context.training && rate > 0) {
          z = dropout(z, { rate, training: true, seed: deriveSeed(seed, context.step) });
        }
        const xHat = decode(z);
        // Summed over features, averaged over the batch.
        const reconstruction = tf.mean(tf.sum(tf.square(tf.sub(x, xHat)), 1));
        const weightDecay = tf.mul(1e-3, tf.sum(tf.square(encoder.layers[0].W)));
        return {
          total: tf.add(reconstruction, weightDecay),
          terms: { reconstruction, weightDecay },
        };
      });
    },
    variables: () => ({ ...mlpVariables(encoder, 'encoder'), ...mlpVariables(decoder, 'decoder') }),
    dispose() {
      disposeMlp(decoder);
      disposeMlp(encoder);
    },
  };
}

/** The family registration the model-file tests use. */
export const tinyFamily = {
  name: tinyFamilyName,
  packageName: '@aekit/train-tests',
  version: '0.0.0',
  create: (config) => createTinyAutoencoder(config),
};

/** Deterministic data: `rows` examples of `inputDim` features in [0, 1). */
export function tinyData(rows, inputDim, seed = 1) {
  const values = new Float32Array(rows * inputDim);
  let state = seed >>> 0;
  for (let index = 0; index < values.length; index += 1) {
    // A small linear congruential generator: data only, independent of the library.
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[index] = state / 4294967296;
  }
  return tf.tensor2d(values, [rows, inputDim]);
}
