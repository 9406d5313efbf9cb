import { AekitError, findAutoencoderFamily, InvalidArgumentError } from '@aekit/core';
import {
  type Activation64,
  type Dense64,
  describeBackends,
  expectAllClose,
  expectFamilyRegistered,
  expectModelFreesItsTensors,
  expectOneStepLowersLoss,
  expectSaveLoadRoundTrip,
  finiteDifferenceJacobian,
  forward64,
  itRejectsConfigs,
  type Matrix,
  setVariables64,
  sigmoid64,
  uniformMatrix,
} from '@aekit/test-utils';
// Called as trainer.fit: biome reads a bare `fit(` as a focused Jasmine test.
import * as trainer from '@aekit/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json';
import { type Ae, type AeConfig, createAe } from './index';

const tiny: AeConfig = {
  inputDim: 5,
  hiddenDims: [4],
  latentDim: 3,
  hiddenActivation: 'tanh',
  codeActivation: 'sigmoid',
  outputActivation: 'sigmoid',
  seed: 7,
};

/** The model's layers in float64 from the values `setVariables64` wrote. */
function layers64(
  values: Record<string, Matrix | number[]>,
  model: Ae,
): { encoder: Dense64[]; decoder: Dense64[] } {
  const encoder = model.encoder!.layers.map(
    (layer, index): Dense64 => ({
      W: values[`encoder.${index}.W`] as Matrix,
      b: values[`encoder.${index}.b`] as number[],
      activation: layer.activation as Activation64,
    }),
  );
  const count = model.decoder!.layers.length;
  const decoder = model.decoder!.layers.map(
    (layer, index): Dense64 => ({
      W: (layer.tied
        ? values[`encoder.${count - 1 - index}.W`]
        : values[`decoder.${index}.W`]) as Matrix,
      b: values[`decoder.${index}.b`] as number[],
      activation: layer.activation as Activation64,
      transposed: layer.tied,
    }),
  );
  return { encoder, decoder };
}

const mean64 = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

describeBackends(['cpu', 'wasm'], '@aekit/ae registration', () => {
  it("registers the 'ae' family with its package name and version on import; it rebuilds the model", () => {
    const model = createAe({ ...tiny, tiedWeights: true });
    expectFamilyRegistered(findAutoencoderFamily, model, packageJson);
    model.dispose();
  });
});

describeBackends(['cpu', 'wasm'], 'createAe', () => {
  it('builds the encoder and mirrored decoder with stable variable names and a complete config', () => {
    const model = createAe(tiny);
    expect(model.encoder!.widths).toEqual([5, 4, 3]);
    expect(model.decoder!.widths).toEqual([3, 4, 5]);
    expect(model.encoder!.layers.map((layer) => layer.activation)).toEqual(['tanh', 'sigmoid']);
    expect(model.decoder!.layers.map((layer) => layer.activation)).toEqual(['tanh', 'sigmoid']);
    expect(Object.keys(model.variables())).toEqual([
      'encoder.0.W',
      'encoder.0.b',
      'encoder.1.W',
      'encoder.1.b',
      'decoder.0.W',
      'decoder.0.b',
      'decoder.1.W',
      'decoder.1.b',
    ]);
    expect(model.config).toEqual({
      family: 'ae',
      inputDim: 5,
      inputShape: null,
      encoder: null,
      hiddenDims: [4],
      latentDim: 3,
      hiddenActivation: 'tanh',
      codeActivation: 'sigmoid',
      outputActivation: 'sigmoid',
      loss: 'mse-sum',
      tiedWeights: false,
      init: 'glorotUniform',
      seed: 7,
    });
    expect(JSON.parse(JSON.stringify(model.config))).toEqual(model.config);
    expect(Object.isFrozen(model.config)).toBe(true);
    expect(Object.isFrozen(model.config.hiddenDims)).toBe(true);
    model.dispose();
  });

  it('fills the documented defaults', () => {
    const model = createAe({ inputDim: 4, latentDim: 6 });
    expect(model.config).toEqual({
      family: 'ae',
      inputDim: 4,
      inputShape: null,
      encoder: null,
      hiddenDims: [],
      latentDim: 6,
      hiddenActivation: 'relu',
      codeActivation: 'sigmoid',
      outputActivation: 'sigmoid',
      loss: 'mse-sum',
      tiedWeights: false,
      init: 'glorotUniform',
      seed: 0,
    });
    // Overcomplete: more code units than inputs.
    expect(model.encode(tf.zeros([2, 4])).shape).toEqual([2, 6]);
    model.dispose();
  });

  it('the same seed gives the same weights; another seed other weights', () => {
    const a = createAe(tiny);
    const b = createAe(tiny);
    const c = createAe({ ...tiny, seed: 8 });
    const w = (model: Ae) => Array.from(model.encoder!.layers[0]!.W.dataSync());
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    for (const model of [a, b, c]) model.dispose();
  });

  it.each([false, true])(
    'encode, decode and reconstruct match a float64 forward pass (tied weights: %s)',
    (tiedWeights) => {
      const model = createAe({ ...tiny, tiedWeights });
      const values = setVariables64(model.variables(), 11, 0.8);
      const { encoder, decoder } = layers64(values, model);
      const rows = uniformMatrix(6, 5, 3, 0, 1);
      const x = tf.tensor2d(rows);
      const z = model.encode(x);
      const codes = rows.map((row) => forward64(row, encoder));
      expectAllClose(z, codes, { rtol: 1e-5, atol: 1e-6 });
      const xHat = model.decode(z);
      expectAllClose(
        xHat,
        codes.map((code) => forward64(code, decoder)),
        { rtol: 1e-5, atol: 1e-6 },
      );
      const reconstruction = model.reconstruct(x);
      expectAllClose(
        reconstruction,
        rows.map((row) => forward64(forward64(row, encoder), decoder)),
        { rtol: 1e-5, atol: 1e-6 },
      );
      if (tiedWeights) {
        expect(Object.keys(model.variables())).toEqual([
          'encoder.0.W',
          'encoder.0.b',
          'encoder.1.W',
          'encoder.1.b',
          'decoder.0.b',
          'decoder.1.b',
        ]);
      }
      tf.dispose([x, z, xHat, reconstruction]);
      model.dispose();
    },
  );

  it.each(['mse-sum', 'mse', 'bernoulli'] as const)(
    "lossTerms with loss '%s' matches the float64 formula, summed or averaged as documented",
    (loss) => {
      const model = createAe({ ...tiny, loss });
      const values = setVariables64(model.variables(), 21, 0.8);
      const { encoder, decoder } = layers64(values, model);
      const rows = uniformMatrix(6, 5, 4, 0, 1);
      const x = tf.tensor2d(rows);
      const { total, terms } = model.lossTerms(x, { step: 0, training: true });
      const perExample = rows.map((row) => {
        // The decoder's last layer is linear for 'bernoulli': its outputs are logits.
        const last = forward64(forward64(row, encoder), decoder);
        if (loss === 'bernoulli') {
          return -row.reduce((sum, value, j) => {
            const p = sigmoid64(last[j]!);
            return sum + value * Math.log(p) + (1 - value) * Math.log(1 - p);
          }, 0);
        }
        const squared = row.reduce((sum, value, j) => sum + (value - last[j]!) ** 2, 0);
        return loss === 'mse' ? squared / row.length : squared;
      });
      expect(Object.keys(terms)).toEqual(['reconstruction']);
      expectAllClose(terms.reconstruction!, mean64(perExample), { rtol: 1e-4, atol: 1e-6 });
      expectAllClose(total, mean64(perExample), { rtol: 1e-4, atol: 1e-6 });
      if (loss === 'bernoulli') {
        expect(model.decoder!.layers.at(-1)!.activation).toBe('linear');
        // The reconstruction is the sigmoid of the logits.
        const xHat = model.reconstruct(x);
        expectAllClose(
          xHat,
          rows.map((row) => forward64(forward64(row, encoder), decoder).map(sigmoid64)),
        );
        xHat.dispose();
      }
      tf.dispose([x, total, ...Object.values(terms)]);
      model.dispose();
    },
  );

  it('filters, hidden and mean activations, and the Jacobian norm match float64 references', () => {
    const model = createAe(tiny);
    const values = setVariables64(model.variables(), 31, 0.8);
    const { encoder } = layers64(values, model);
    const rows = uniformMatrix(4, 5, 5, 0, 1);
    const x = tf.tensor2d(rows);
    const filters = model.filters();
    const w1 = values['encoder.0.W'] as Matrix;
    expect(filters.shape).toEqual([4, 5]);
    expectAllClose(
      filters,
      w1[0]!.map((_, unit) => w1.map((row) => row[unit]!)),
      { rtol: 0, atol: 0 },
    );
    const codes = rows.map((row) => forward64(row, encoder));
    const hidden = model.hiddenActivations(x);
    expectAllClose(hidden, codes);
    const means = model.meanActivations(x);
    expectAllClose(
      means,
      codes[0]!.map((_, unit) => mean64(codes.map((code) => code[unit]!))),
      { rtol: 1e-4, atol: 1e-6 },
    );
    const norms = model.jacobianNorm(x);
    const expected = rows.map((row) => {
      const jacobian = finiteDifferenceJacobian((input) => forward64(input, encoder), row);
      return Math.sqrt(jacobian.flat().reduce((sum, value) => sum + value * value, 0));
    });
    // Central differences in float64 are accurate to about 1e-9 here.
    expectAllClose(norms, expected, { rtol: 1e-4, atol: 1e-6 });
    tf.dispose([x, filters, hidden, means, norms]);
    model.dispose();
  });

  it('one step of fit lowers the loss on a fixed batch and changes every weight', async () => {
    const model = createAe(tiny);
    const x = tf.tensor2d(uniformMatrix(16, 5, 6, 0, 1));
    const history = await expectOneStepLowersLoss(model, x, trainer.fit);
    expect(history.epochs).toHaveLength(1);
    x.dispose();
    model.dispose();
  });

  it('save → load gives a model with the same config and bit-identical outputs', async () => {
    const model = createAe({ ...tiny, tiedWeights: true, loss: 'bernoulli' });
    setVariables64(model.variables(), 41, 0.8);
    const x = tf.tensor2d(uniformMatrix(3, 5, 7, 0, 1));
    await expectSaveLoadRoundTrip(model, trainer, (m) => [
      m.encode(x),
      m.reconstruct(x),
      m.lossTerms(x, { step: 3, training: true }).total,
    ]);
    x.dispose();
    model.dispose();
  });

  it('frees every intermediate in every method, and all its variables in dispose()', async () => {
    const x = tf.tensor2d(uniformMatrix(3, 5, 8, 0, 1));
    const z = tf.tensor2d(uniformMatrix(3, 3, 9, 0, 1));
    const freed = await expectModelFreesItsTensors(
      () => createAe({ ...tiny, tiedWeights: true }),
      (model) => {
        model.variables();
        return [
          model.lossTerms(x, { step: 1, training: true }),
          model.encode(x),
          model.decode(z),
          model.reconstruct(x),
          model.filters(),
          model.hiddenActivations(x),
          model.meanActivations(x),
          model.jacobianNorm(x),
        ];
      },
    );
    // Two encoder layers (W, b) and two tied decoder layers (b only).
    expect(freed).toBe(6);
    tf.dispose([x, z]);
  });

  it('a disposed model says so', () => {
    const model = createAe(tiny);
    model.dispose();
    model.dispose();
    const x = tf.zeros([1, 5]) as tf.Tensor2D;
    expect(() => model.encode(x)).toThrow(
      'encode: this ae model has been disposed; create or load it again.',
    );
    expect(() => model.lossTerms(x, { step: 0, training: false })).toThrow(AekitError);
    x.dispose();
  });

  it('rejects inputs of the wrong width and bad loss contexts', () => {
    const model = createAe(tiny);
    const wide = tf.zeros([2, 6]) as tf.Tensor2D;
    const x = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => model.encode(wide)).toThrow("encode: 'x' must have shape [*, 5], got [2, 6].");
    expect(() => model.decode(x)).toThrow("decode: 'z' must have shape [*, 3], got [2, 5].");
    expect(() => model.lossTerms(x, { step: -1, training: true })).toThrow(
      "lossTerms: 'context.step' must be an integer in [0, 9007199254740991], got -1.",
    );
    expect(() => model.lossTerms(x, { step: 0 } as never)).toThrow(
      "lossTerms: 'context.training' must be a boolean, got undefined.",
    );
    tf.dispose([wide, x]);
    model.dispose();
  });
});

describe('resolveAeConfig errors', () => {
  itRejectsConfigs(createAe, InvalidArgumentError.isInstance, [
    ['not an object', null, "createAe: 'config' must be an object (AeConfig), got null."],
    ['another family', { ...tiny, family: 'vae' }, "createAe: 'family' must be 'ae', got \"vae\"."],
    [
      'an unknown field',
      { ...tiny, dropout: 0.2 },
      "createAe: unknown option 'dropout' (got 0.2); the options are family, inputDim, inputShape, encoder, hiddenDims, latentDim, hiddenActivation, codeActivation, outputActivation, loss, tiedWeights, init, seed.",
    ],
    [
      'a misspelt field',
      { ...tiny, hiddenActivaton: 'tanh' },
      "createAe: unknown option 'hiddenActivaton'; did you mean 'hiddenActivation'?",
    ],
    [
      'the old name codeDim',
      { inputDim: 4, codeDim: 2 },
      "createAe: unknown option 'codeDim'; did you mean 'latentDim'?",
    ],
    [
      'a misspelt old name',
      { inputDim: 4, codDim: 2 },
      "createAe: unknown option 'codDim'; did you mean 'latentDim'?",
    ],
    [
      'no inputDim',
      { latentDim: 2 },
      "createAe: 'inputDim' must be a positive integer, got undefined.",
    ],
    [
      'latentDim 0',
      { ...tiny, latentDim: 0 },
      "createAe: 'latentDim' must be a positive integer, got 0.",
    ],
    [
      'a bad hidden width',
      { ...tiny, hiddenDims: [4, 0] },
      "createAe: 'hiddenDims' must be an array of positive integers, got [4, 0].",
    ],
    [
      'an unknown activation',
      { ...tiny, hiddenActivation: 'gelu' },
      "createAe: 'hiddenActivation' must be one of 'sigmoid', 'relu', 'tanh', 'softplus', 'leakyRelu', 'elu', 'linear', got \"gelu\".",
    ],
    [
      'an unknown loss',
      { ...tiny, loss: 'l2' },
      "createAe: 'loss' must be one of 'mse-sum', 'mse', 'bernoulli', got \"l2\".",
    ],
    [
      'bernoulli without a sigmoid output',
      { ...tiny, loss: 'bernoulli', outputActivation: 'linear' },
      "createAe: 'outputActivation' must be 'sigmoid' with loss 'bernoulli' (the decoder outputs logits; the reconstruction is their sigmoid), got \"linear\".",
    ],
    [
      'a non-boolean tiedWeights',
      { ...tiny, tiedWeights: 'yes' },
      'createAe: \'tiedWeights\' must be a boolean, got "yes".',
    ],
    [
      'a negative seed',
      { ...tiny, seed: -1 },
      "createAe: 'seed' must be an integer in [0, 4294967295], got -1.",
    ],
  ]);
});
