import { InvalidArgumentError } from '@aekit/core';
import {
  describeBackends,
  expectModelFreesItsTensors,
  expectOneStepLowersLoss,
  expectSaveLoadRoundTrip,
  itRejectsConfigs,
  uniforms,
} from '@aekit/test-utils';
// Called as trainer.fit: biome reads a bare `fit(` as a focused Jasmine test.
import * as trainer from '@aekit/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createVae, resolveVaeConfig, type VaeConfig } from './index';

// A VAE whose encoder is convolutional (`config.encoder`, built by @aekit/layers' network
// specs, whose arithmetic is checked against float64 there): the config's rules, the network
// it builds, training on cpu and wasm, saving and loading.

const image = { inputDim: 64, inputShape: [8, 8, 1] } as const;
const conv = { type: 'conv', channels: [4, 8], hiddenDims: [6] };

describe('a VAE config with an encoder', () => {
  it('fills in the spec and leaves hiddenDims empty', () => {
    const config = resolveVaeConfig({
      ...image,
      latentDim: 2,
      encoder: { type: 'conv', channels: [4] },
    });
    expect(config.encoder).toEqual({
      type: 'conv',
      channels: [4],
      kernelSize: 3,
      strides: 2,
      hiddenDims: [],
    });
    expect(config.inputShape).toEqual([8, 8, 1]);
    expect(config.hiddenDims).toEqual([]);
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    // Without an encoder, as before: a vector and the fully connected network of [400].
    const plain = resolveVaeConfig({ inputDim: 64, latentDim: 2 });
    expect([plain.inputShape, plain.encoder, plain.hiddenDims]).toEqual([null, null, [400]]);
  });

  itRejectsConfigs(
    resolveVaeConfig,
    InvalidArgumentError.isInstance,
    [
      [
        'a conv encoder without an image shape',
        { inputDim: 64, latentDim: 2, encoder: conv },
        "createVae: 'inputShape' must be an image shape [height, width, channels] for a 'conv' encoder, got null.",
      ],
      [
        'an image shape that is not inputDim',
        { inputDim: 64, latentDim: 2, inputShape: [8, 7, 1] },
        "createVae: 'inputShape' must be null or an image shape [height, width, channels] of positive integers with height · width · channels = inputDim (64), got [8, 7, 1].",
      ],
      [
        'a dense spec as the encoder',
        { ...image, latentDim: 2, encoder: { type: 'dense', hiddenDims: [8] } },
        'createVae: \'encoder\' must be null for the fully connected encoder (set its widths with hiddenDims), or a network spec of another type, e.g. { type: \'conv\', channels: [32, 64] }, got {"type":"dense","hiddenDims":[8]}.',
      ],
      [
        'hiddenDims beside an encoder',
        { ...image, latentDim: 2, encoder: conv, hiddenDims: [16] },
        "createVae: 'hiddenDims' must be left out with an encoder (the dense layers of a 'conv' encoder are its own hiddenDims), got [16].",
      ],
      [
        'a misspelt field of the spec',
        { ...image, latentDim: 2, encoder: { type: 'conv', channel: [4] } },
        "createVae: unknown option 'encoder.channel'; did you mean 'encoder.channels'?",
      ],
    ],
    'rejects %s',
  );
});

describeBackends(['cpu', 'wasm'], 'a convolutional VAE', () => {
  const config: VaeConfig = {
    ...image,
    latentDim: 2,
    encoder: conv,
    conditional: { numClasses: 3 },
    seed: 5,
  };
  const batch = 4;
  const data = () => tf.tensor2d(uniforms(batch * 64, 21, 0, 1), [batch, 64]);
  const labels = () => tf.tensor1d([0, 1, 2, 1], 'int32');

  it('builds the mirrored network, the label joined after the flatten and at the decoder', () => {
    const vae = createVae(config);
    const shapes = Object.fromEntries(
      Object.entries(vae.variables()).map(([name, variable]) => [name, variable.shape]),
    );
    expect(shapes).toEqual({
      'encoder.0.W': [3, 3, 1, 4],
      'encoder.0.b': [4],
      'encoder.1.W': [3, 3, 4, 8],
      'encoder.1.b': [8],
      'encoder.2.W': [2 * 2 * 8 + 3, 6],
      'encoder.2.b': [6],
      'head.W': [6, 4],
      'head.b': [4],
      'decoder.0.W': [2 + 3, 6],
      'decoder.0.b': [6],
      'decoder.1.W': [6, 2 * 2 * 8],
      'decoder.1.b': [32],
      'decoder.2.W': [3, 3, 8, 8],
      'decoder.2.b': [8],
      'decoder.3.W': [3, 3, 4, 8],
      'decoder.3.b': [4],
      'decoder.4.W': [3, 3, 4, 1],
      'decoder.4.b': [1],
    });
    const x = data();
    const y = labels();
    const reconstruction = vae.reconstruct(x, y);
    expect(reconstruction.shape).toEqual([batch, 64]);
    const pixels = Array.from(reconstruction.dataSync());
    expect(pixels.every((value) => value > 0 && value < 1)).toBe(true);
    // The label is an input: another class decodes the same code differently.
    const z = tf.zeros([1, 2]) as tf.Tensor2D;
    const zero = vae.decode(z, tf.tensor1d([0], 'int32'));
    const two = vae.decode(z, tf.tensor1d([2], 'int32'));
    expect(Array.from(zero.dataSync())).not.toEqual(Array.from(two.dataSync()));
    tf.dispose([x, y, reconstruction, z, zero, two]);
    vae.dispose();
  });

  it('trains: one step lowers the loss and changes every variable', async () => {
    const vae = createVae({ ...config, conditional: null });
    const x = data();
    await expectOneStepLowersLoss(vae, x, trainer.fit, 0.01);
    x.dispose();
    vae.dispose();
  });

  it('saves and loads with identical outputs, the spec in config.json', async () => {
    const vae = createVae(config);
    const x = data();
    const y = labels();
    await expectSaveLoadRoundTrip(
      vae,
      { saveModel: trainer.saveModel, loadModel: trainer.loadModel },
      (m) => [m.encode(x, y), m.elbo(x, { seed: 2, labels: y })],
      (loaded) => expect(loaded.config.encoder).toEqual(vae.config.encoder),
    );
    tf.dispose([x, y]);
    vae.dispose();
  });

  it('leaks no tensors', async () => {
    const x = data();
    await expectModelFreesItsTensors(
      () => createVae({ ...config, conditional: null }),
      (vae) => [
        vae.reconstruct(x),
        vae.sample(2),
        vae.logLikelihood(x, { importanceSamples: 3 }),
        vae.lossTerms(x, { step: 0, training: true }),
      ],
    );
    x.dispose();
  });
});
