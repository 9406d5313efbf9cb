import { InvalidArgumentError } from '@aekit/core';
import { buildDecoder, buildEncoder, disposeNetworkPart, resolveNetworkSpec } from '@aekit/layers';
import {
  describeBackends,
  expectModelFreesItsTensors,
  expectOneStepLowersLoss,
  expectSaveLoadRoundTrip,
  uniforms,
} from '@aekit/test-utils';
// Called as trainer.fit: biome reads a bare `fit(` as a focused Jasmine test.
import * as trainer from '@aekit/train';
import { createVae } from '@aekit/vae';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { layersModelNetwork } from './index';

// tfjs-layers models as an aekit network: the spec keeps their architectures as JSON, the
// parts run them on flat inputs, and a VAE built on them trains, saves and loads.

const image = [6, 6, 1] as const;

/** A convolutional encoder on 6×6×1 images and a dense decoder from a 2-wide code. */
function models(options: { imageInput?: boolean; decoderOut?: number } = {}) {
  const encoder = tfl.sequential({
    layers: [
      options.imageInput
        ? tfl.layers.inputLayer({ inputShape: [...image] })
        : tfl.layers.reshape({ inputShape: [36], targetShape: [...image] }),
      tfl.layers.conv2d({
        filters: 3,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
      }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 5, activation: 'tanh' }),
    ],
  });
  const decoder = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [2], units: 7, activation: 'relu' }),
      tfl.layers.dense({ units: options.decoderOut ?? 36 }),
    ],
  });
  return { encoder, decoder };
}

function specOf(options: Parameters<typeof models>[0] = {}) {
  const built = models(options);
  const spec = layersModelNetwork(built);
  built.encoder.dispose();
  built.decoder.dispose();
  return spec;
}

const data = () => tf.tensor2d(uniforms(4 * 36, 3), [4, 36]);

const encoderContext = {
  inputShape: image,
  extraDim: 0,
  activation: 'relu',
  init: 'fanInUniform',
  seed: 0,
} as const;

const decoderContext = {
  inDim: 2,
  outputShape: image,
  activation: 'relu',
  outputActivation: 'sigmoid',
  init: 'fanInUniform',
  seed: 0,
} as const;

describeBackends(['cpu', 'wasm'], 'a tfjs-layers network', () => {
  it('is plain JSON that resolves to itself', () => {
    const spec = specOf();
    expect(spec.type).toBe('tfjs-layers');
    expect(spec.encoder.className).toBe('Sequential');
    const json = JSON.parse(JSON.stringify(spec));
    expect(resolveNetworkSpec('test', 'spec', json)).toEqual(spec);
  });

  it('runs the models it was made from: same weights, same outputs', () => {
    const { encoder, decoder } = models();
    const spec = layersModelNetwork({ encoder, decoder });
    const part = buildEncoder(spec, encoderContext);
    const back = buildDecoder(spec, decoderContext);
    expect(part.inDim).toBe(36);
    expect(part.outDim).toBe(5);
    expect(back.outDim).toBe(36);
    expect(Object.keys(part.variables)).toEqual(['1.kernel', '1.bias', '3.kernel', '3.bias']);
    expect(Object.keys(back.variables)).toEqual(['0.kernel', '0.bias', '1.kernel', '1.bias']);
    // Copy the originals' weights into the rebuilt parts: then they compute the same thing.
    const originals = [...encoder.weights, ...decoder.weights].map((weight) => weight.read());
    const rebuilt = [...Object.values(part.variables), ...Object.values(back.variables)];
    rebuilt.forEach((variable, index) => {
      variable.assign(originals[index]!);
    });
    const x = data();
    const z = tf.tensor2d(uniforms(8, 4), [4, 2]);
    const expectedCode = encoder.predict(x) as tf.Tensor;
    const logits = decoder.predict(z) as tf.Tensor;
    const expectedOutput = tf.sigmoid(logits);
    const code = part.apply(x);
    const output = back.apply(z);
    expect(code.shape).toEqual([4, 5]);
    expect(Array.from(code.dataSync())).toEqual(Array.from(expectedCode.dataSync()));
    // The family's output activation is applied on top of the decoder's (linear) output.
    expect(Array.from(output.dataSync())).toEqual(Array.from(expectedOutput.dataSync()));
    tf.dispose([x, z, expectedCode, logits, expectedOutput, code, output]);
    disposeNetworkPart(part);
    disposeNetworkPart(back);
    encoder.dispose();
    decoder.dispose();
  });

  it('takes an encoder whose input is the image', () => {
    const part = buildEncoder(specOf({ imageInput: true }), encoderContext);
    const x = data();
    const code = part.apply(x);
    expect(code.shape).toEqual([4, 5]);
    tf.dispose([x, code]);
    disposeNetworkPart(part);
  });

  it('refuses what it cannot run, naming the rule', () => {
    const spec = specOf();
    expect(() => buildEncoder(spec, { ...encoderContext, extraDim: 3 })).toThrow(
      /extraDim.*takes no extra input/,
    );
    expect(() => buildEncoder(spec, { ...encoderContext, inputShape: [7, 7, 1] })).toThrow(
      /input is \[batch, 49\] or \[batch, 7, 7, 1\]/,
    );
    expect(() => buildDecoder(spec, { ...decoderContext, inDim: 3 })).toThrow(
      /input is \[batch, 3\] \(the code\)/,
    );
    expect(() => buildDecoder(specOf({ decoderOut: 30 }), decoderContext)).toThrow(
      /output has 36 values per example/,
    );
    const noisy = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [36], units: 4 }), tfl.layers.dropout({ rate: 0.5 })],
    });
    const { decoder } = models();
    const withDropout = layersModelNetwork({ encoder: noisy, decoder });
    expect(() => buildEncoder(withDropout, encoderContext)).toThrow(/no Dropout.*Dropout/);
    expect(() => layersModelNetwork({ encoder: {} as tfl.LayersModel, decoder })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      resolveNetworkSpec('createVae', 'config.encoder', { type: 'tfjs-layers', encoder: {} }),
    ).toThrow(/createVae: 'config\.encoder\.encoder'/);
    noisy.dispose();
    decoder.dispose();
  });

  it('is a VAE that trains, saves and loads, and frees its tensors', async () => {
    const config = { inputDim: 36, inputShape: image, latentDim: 2, encoder: specOf() };
    const vae = createVae(config);
    const x = data();
    await expectOneStepLowersLoss(vae, x, trainer.fit, 0.01);
    await expectSaveLoadRoundTrip(
      vae,
      { saveModel: trainer.saveModel, loadModel: trainer.loadModel },
      (m) => [m.encode(x), m.reconstruct(x)],
      (loaded) => expect(loaded.config.encoder).toEqual(vae.config.encoder),
    );
    await expectModelFreesItsTensors(
      () => createVae(config),
      (model) => [model.reconstruct(x), model.lossTerms(x, { step: 0, training: true })],
    );
    x.dispose();
    vae.dispose();
  });
});

describe('layersModelNetwork', () => {
  it('names its argument in errors', () => {
    expect(() => layersModelNetwork(null as never)).toThrow(/layersModelNetwork: 'models'/);
    const { encoder, decoder } = models();
    expect(() => layersModelNetwork({ encoder, decoder, extra: 1 } as never)).toThrow(
      /unknown option 'models\.extra'|extra/,
    );
    encoder.dispose();
    decoder.dispose();
  });
});
