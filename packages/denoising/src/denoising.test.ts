import { join } from 'node:path';
import { createNetwork, disposeNetwork } from '@aekit/ae';
import { deriveSeed, findAutoencoderFamily, InvalidArgumentError } from '@aekit/core';
import {
  type Dense64,
  describeBackends,
  expectAllClose,
  expectFamilyRegistered,
  expectModelFreesItsTensors,
  expectNoLeaks,
  expectOneStepLowersLoss,
  expectSaveLoadRoundTrip,
  forward64,
  itRejectsConfigs,
  type Matrix,
  setVariables64,
  temporaryFolder,
  uniformMatrix,
} from '@aekit/test-utils';
// Called as trainer.fit: biome reads a bare `fit(` as a focused Jasmine test.
import * as trainer from '@aekit/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json';
import {
  createDenoisingAe,
  type DenoisingAe,
  type DenoisingAeConfig,
  denoisingLossTerms,
  resolveDenoisingAeConfig,
} from './index';

const root = temporaryFolder('aekit-denoising-');

const tiny: DenoisingAeConfig = {
  inputDim: 6,
  latentDim: 4,
  codeActivation: 'sigmoid',
  outputActivation: 'sigmoid',
  corruptions: [{ type: 'masking', rate: 0.5 }],
  seed: 3,
};

/** One-layer encoder and decoder in float64 from the values `setVariables64` wrote. */
function layers64(values: Record<string, Matrix | number[]>): Dense64[] {
  return [
    {
      W: values['encoder.0.W'] as Matrix,
      b: values['encoder.0.b'] as number[],
      activation: 'sigmoid',
    },
    {
      W: values['decoder.0.W'] as Matrix,
      b: values['decoder.0.b'] as number[],
      activation: 'sigmoid',
    },
  ];
}

/** (1/B) Σ_b Σ_j (x_bj − g(f(input_b))_j)², in float64. */
function loss64(x: number[][], input: number[][], layers: Dense64[]): number {
  const perExample = x.map((row, b) => {
    const xHat = forward64(input[b]!, layers);
    return row.reduce((sum, value, j) => sum + (value - xHat[j]!) ** 2, 0);
  });
  return perExample.reduce((sum, value) => sum + value, 0) / x.length;
}

function rowsOf(t: tf.Tensor2D): number[][] {
  return t.arraySync();
}

describeBackends(['cpu', 'wasm'], '@aekit/denoising registration', () => {
  it("registers the 'denoising' family with its package name and version on import; it rebuilds the model", () => {
    const model = createDenoisingAe(tiny);
    expectFamilyRegistered(findAutoencoderFamily, model, packageJson);
    model.dispose();
  });
});

describeBackends(['cpu', 'wasm'], 'createDenoisingAe', () => {
  it('has a complete config with the default corruption, and the vanilla network', () => {
    const model = createDenoisingAe({ inputDim: 6, latentDim: 4 });
    expect(model.config).toEqual({
      family: 'denoising',
      inputDim: 6,
      inputShape: null,
      encoder: null,
      hiddenDims: [],
      latentDim: 4,
      hiddenActivation: 'relu',
      codeActivation: 'sigmoid',
      outputActivation: 'sigmoid',
      loss: 'mse-sum',
      tiedWeights: false,
      init: 'glorotUniform',
      seed: 0,
      corruptions: [{ type: 'masking', rate: 0.25 }],
    });
    expect(JSON.parse(JSON.stringify(model.config))).toEqual(model.config);
    expect(Object.isFrozen(model.config.corruptions[0])).toBe(true);
    expect(Object.keys(model.variables())).toEqual([
      'encoder.0.W',
      'encoder.0.b',
      'decoder.0.W',
      'decoder.0.b',
    ]);
    model.dispose();
  });

  it('while training, compares the reconstruction of the corrupted input with the clean input', () => {
    const model = createDenoisingAe(tiny);
    const layers = layers64(setVariables64(model.variables(), 5, 3));
    const clean = uniformMatrix(8, 6, 1, 0.1, 0.9);
    const x = tf.tensor2d(clean);
    const step = 4;
    const { total, terms } = model.lossTerms(x, { step, training: true });
    // The encoder saw x masked by the noise of deriveSeed(seed, 2, step), available as corrupt().
    const corruptedTensor = model.corrupt(x, deriveSeed(3, 2, step));
    const corrupted = rowsOf(corruptedTensor);
    let masked = 0;
    let changed = 0;
    corrupted.forEach((row, b) => {
      row.forEach((value, j) => {
        if (value === 0) masked += 1;
        else if (value !== clean[b]![j]) changed += 1;
      });
    });
    expect(changed).toBe(0);
    // ν = 0.5 over 48 inputs: some, not all, are masked.
    expect(masked).toBeGreaterThan(5);
    expect(masked).toBeLessThan(43);
    expect(Object.keys(terms)).toEqual(['reconstruction']);
    const expected = loss64(clean, corrupted, layers);
    expectAllClose(total, expected, { rtol: 1e-4, atol: 1e-6 });
    expectAllClose(terms.reconstruction!, expected, { rtol: 1e-4, atol: 1e-6 });
    // Not the clean reconstruction loss: the corruption mattered.
    expect(Math.abs(expected - loss64(clean, clean, layers))).toBeGreaterThan(1e-2 * expected);
    tf.dispose([x, total, corruptedTensor, ...Object.values(terms)]);
    model.dispose();
  });

  it('corrupts nothing outside training; denoise is the reconstruction of what it is given', () => {
    const model = createDenoisingAe(tiny);
    const layers = layers64(setVariables64(model.variables(), 6, 0.8));
    const clean = uniformMatrix(5, 6, 2, 0.1, 0.9);
    const x = tf.tensor2d(clean);
    const { total } = model.lossTerms(x, { step: 4, training: false });
    expectAllClose(total, loss64(clean, clean, layers), { rtol: 1e-4, atol: 1e-6 });
    const denoised = model.denoise(x);
    expectAllClose(
      denoised,
      clean.map((row) => forward64(row, layers)),
    );
    const reconstructed = model.reconstruct(x);
    expect(Array.from(denoised.dataSync())).toEqual(Array.from(reconstructed.dataSync()));
    tf.dispose([x, total, denoised, reconstructed]);
    model.dispose();
  });

  it('draws the noise from (seed, step): the same step repeats it, another step changes it', () => {
    const model = createDenoisingAe(tiny);
    const x = tf.tensor2d(uniformMatrix(8, 6, 3, 0.1, 0.9));
    const lossAt = (step: number) =>
      tf.tidy(() => model.lossTerms(x, { step, training: true }).total.dataSync()[0]!);
    expect(lossAt(7)).toBe(lossAt(7));
    expect(lossAt(7)).not.toBe(lossAt(8));
    const other = createDenoisingAe({ ...tiny, seed: 4 });
    tf.tidy(() => {
      for (const [name, variable] of Object.entries(other.variables())) {
        variable.assign(model.variables()[name]!);
      }
    });
    // Same weights, another seed: other noise.
    const otherLoss = tf.tidy(
      () => other.lossTerms(x, { step: 7, training: true }).total.dataSync()[0]!,
    );
    expect(otherLoss).not.toBe(lossAt(7));
    x.dispose();
    model.dispose();
    other.dispose();
  });

  it('one step of fit lowers the loss on a fixed batch and changes every weight', async () => {
    const model = createDenoisingAe(tiny);
    const x = tf.tensor2d(uniformMatrix(16, 6, 6, 0, 1));
    // Step 0 of fit drew the same corruption as lossOf's step 0.
    await expectOneStepLowersLoss(model, x, trainer.fit);
    x.dispose();
    model.dispose();
  });

  it('a run resumed from a checkpoint draws the same noise: it ends with the same weights', async () => {
    const x = tf.tensor2d(uniformMatrix(24, 6, 13, 0, 1));
    const options = { batchSize: 8, learningRate: 0.01, seed: 2 };
    const straight = createDenoisingAe(tiny);
    await trainer.fit(straight, x, { ...options, epochs: 2 });
    const dir = join(root(), 'checkpoint');
    const first = createDenoisingAe(tiny);
    await trainer.fit(first, x, { ...options, epochs: 1, checkpoint: { dir } });
    first.dispose();
    const resumed = createDenoisingAe({ ...tiny, seed: 3 });
    await trainer.fit(resumed, x, { ...options, epochs: 2, resume: dir });
    const weights = (model: DenoisingAe) =>
      Object.values(model.variables()).map((variable) => Array.from(variable.dataSync()));
    expect(weights(resumed)).toEqual(weights(straight));
    x.dispose();
    straight.dispose();
    resumed.dispose();
  });

  it('save → load gives the same config, outputs and training noise', async () => {
    const model = createDenoisingAe({
      ...tiny,
      corruptions: [
        { type: 'gaussian', std: 0.2, clip: [0, 1] },
        { type: 'salt-and-pepper', rate: 0.1 },
      ],
    });
    setVariables64(model.variables(), 8, 0.8);
    const x = tf.tensor2d(uniformMatrix(4, 6, 7, 0, 1));
    await expectSaveLoadRoundTrip(model, trainer, (m) => [
      m.encode(x),
      m.denoise(x),
      m.lossTerms(x, { step: 12, training: true }).total,
      m.corrupt(x, 9),
    ]);
    x.dispose();
    model.dispose();
  });

  it('frees every intermediate', async () => {
    const x = tf.tensor2d(uniformMatrix(3, 6, 8, 0, 1));
    const corruptions = [
      { type: 'masking', rate: 0.2 },
      { type: 'gaussian', std: 0.1 },
    ] as const;
    await expectModelFreesItsTensors(
      () => createDenoisingAe({ ...tiny, corruptions }),
      (model) => [
        model.lossTerms(x, { step: 2, training: true }),
        model.lossTerms(x, { step: 2, training: false }),
        model.denoise(x),
        model.corrupt(x, 1),
        model.encode(x),
        model.filters(),
        model.meanActivations(x),
        model.jacobianNorm(x),
      ],
    );
    const network = createNetwork(resolveDenoisingAeConfig(tiny));
    await expectNoLeaks(() => {
      const { total, terms } = denoisingLossTerms(network, x, x);
      tf.dispose([total, ...Object.values(terms)]);
    });
    disposeNetwork(network);
    x.dispose();
  });

  it('checks the input of denoise and corrupt, and fails once disposed', () => {
    const model = createDenoisingAe(tiny);
    const wide = tf.zeros([2, 7]) as tf.Tensor2D;
    expect(() => model.corrupt(wide, 1)).toThrow(
      "corrupt: 'x' must have shape [*, 6], got [2, 7].",
    );
    expect(() => model.denoise(wide)).toThrow("denoise: 'x' must have shape [*, 6], got [2, 7].");
    const x = tf.zeros([2, 6]) as tf.Tensor2D;
    expect(() => model.corrupt(x, -2)).toThrow(
      "corrupt: 'seed' must be an integer in [0, 4294967295], got -2.",
    );
    model.dispose();
    expect(() => model.corrupt(x, 1)).toThrow(
      'corrupt: this denoising model has been disposed; create or load it again.',
    );
    expect(() => model.denoise(x)).toThrow(
      'denoise: this denoising model has been disposed; create or load it again.',
    );
    tf.dispose([wide, x]);
  });
});

describe('resolveDenoisingAeConfig errors', () => {
  itRejectsConfigs(createDenoisingAe, InvalidArgumentError.isInstance, [
    [
      'another family',
      { ...tiny, family: 'ae' },
      "createDenoisingAe: 'family' must be 'denoising', got \"ae\".",
    ],
    [
      'a bad corruption',
      { ...tiny, corruptions: [{ type: 'masking', rate: -0.1 }] },
      "createDenoisingAe: 'corruptions[0].rate' must be a finite number in [0, 1), got -0.1.",
    ],
    [
      'no corruption',
      { ...tiny, corruptions: [] },
      "createDenoisingAe: 'corruptions' must be a non-empty array of corruptions ({ type: 'masking' | 'gaussian' | 'salt-and-pepper', … }), got [].",
    ],
    [
      'an unknown field',
      { ...tiny, noise: 0.3 },
      "createDenoisingAe: unknown option 'noise' (got 0.3); the options are family, inputDim, inputShape, encoder, hiddenDims, latentDim, hiddenActivation, codeActivation, outputActivation, loss, tiedWeights, init, seed, corruptions.",
    ],
    [
      'a misspelt field',
      { ...tiny, corruption: [] },
      "createDenoisingAe: unknown option 'corruption'; did you mean 'corruptions'?",
    ],
    [
      'the old name codeDim',
      { inputDim: 4, codeDim: 2 },
      "createDenoisingAe: unknown option 'codeDim'; did you mean 'latentDim'?",
    ],
    [
      'a bad code width',
      { ...tiny, latentDim: 1.5 },
      "createDenoisingAe: 'latentDim' must be a positive integer, got 1.5.",
    ],
  ]);
});
