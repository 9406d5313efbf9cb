import { InvalidArgumentError } from '@aekit/core';
import {
  describeBackends,
  itRejectsConfigs,
  itTrainsOnANetworkSpec,
  smallConvNetwork,
} from '@aekit/test-utils';
// Called as trainer.fit: biome reads a bare `fit(` as a focused Jasmine test.
import * as trainer from '@aekit/train';
import { describe, expect, it } from 'vitest';
import { type AeConfig, createAe, resolveAeConfig } from './index';

// A vanilla autoencoder whose encoder is convolutional (`config.encoder`, built by
// @aekit/layers' network specs, whose arithmetic is checked against float64 there): the rules
// the config adds, the network it builds, training on cpu and wasm, saving and loading.

const { inputDim, inputShape, latentDim, encoder: conv } = smallConvNetwork;
const config: AeConfig = { inputDim, inputShape, latentDim, encoder: conv, seed: 5 };

describe('an AE config with an encoder', () => {
  it('fills in the spec and leaves hiddenDims empty', () => {
    const resolved = resolveAeConfig(config);
    expect(resolved.encoder).toEqual({ ...conv, kernelSize: 3, strides: 2 });
    expect(resolved.inputShape).toEqual([8, 8, 1]);
    expect(resolved.hiddenDims).toEqual([]);
    expect(JSON.parse(JSON.stringify(resolved))).toEqual(resolved);
  });

  it('makes the code linear by default with an encoder, as the config says otherwise', () => {
    expect(resolveAeConfig(config).codeActivation).toBe('linear');
    expect(resolveAeConfig({ inputDim, latentDim }).codeActivation).toBe('sigmoid');
    expect(resolveAeConfig({ ...config, codeActivation: 'tanh' }).codeActivation).toBe('tanh');
  });

  itRejectsConfigs(resolveAeConfig, InvalidArgumentError.isInstance, [
    [
      'hidden widths beside an encoder',
      { ...config, hiddenDims: [16] },
      "createAe: 'hiddenDims' must be left out with an encoder (the dense layers of a 'conv' encoder are its own hiddenDims), got [16].",
    ],
    [
      'tied weights with an encoder',
      { ...config, tiedWeights: true },
      "createAe: 'tiedWeights' must be false with an encoder spec (only a fully connected decoder can use the transposed encoder weights), got true.",
    ],
    [
      'a conv encoder without an image shape',
      { inputDim: 64, latentDim: 3, encoder: conv },
      "createAe: 'inputShape' must be an image shape [height, width, channels] for a 'conv' encoder, got null.",
    ],
  ]);
});

describeBackends(['cpu', 'wasm'], 'createAe with a convolutional encoder', () => {
  itTrainsOnANetworkSpec(() => ({
    create: () => createAe(config),
    fit: trainer.fit,
    saveModel: trainer.saveModel,
    loadModel: trainer.loadModel,
    ...smallConvNetwork,
  }));
});
