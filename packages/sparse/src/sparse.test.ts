import { type Ae, createAe, createNetwork, disposeNetwork } from '@aekit/ae';
import { findAutoencoderFamily, InvalidArgumentError } from '@aekit/core';
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
  uniformMatrix,
} from '@aekit/test-utils';
// Called as trainer.fit: biome reads a bare `fit(` as a focused Jasmine test.
import * as trainer from '@aekit/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json';
import {
  createSparseAe,
  resolveSparseAeConfig,
  type SparseAe,
  type SparseAeConfig,
  sparseLossTerms,
  sparseNetworkOptions,
  sparsityPenalty,
} from './index';

const mean64 = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

/** KL(ρ ‖ ρ̂) between Bernoulli distributions, in float64. */
const kl64 = (rho: number, rhoHat: number) =>
  rho * Math.log(rho / rhoHat) + (1 - rho) * Math.log((1 - rho) / (1 - rhoHat));

function network64(values: Record<string, Matrix | number[]>, kl: boolean): Dense64[] {
  return [
    {
      W: values['encoder.0.W'] as Matrix,
      b: values['encoder.0.b'] as number[],
      activation: kl ? 'sigmoid' : 'relu',
    },
    {
      W: values['decoder.0.W'] as Matrix,
      b: values['decoder.0.b'] as number[],
      activation: kl ? 'sigmoid' : 'softplus',
    },
  ];
}

/** Reconstruction (1/B) Σ_b Σ_j (x − x̂)² and the hidden activations, in float64. */
function forwardAll(rows: number[][], layers: Dense64[]) {
  const hidden = rows.map((row) => forward64(row, [layers[0]!]));
  const reconstruction = mean64(
    rows.map((row, b) => {
      const xHat = forward64(hidden[b]!, [layers[1]!]);
      return row.reduce((sum, value, j) => sum + (value - xHat[j]!) ** 2, 0);
    }),
  );
  return { hidden, reconstruction };
}

describeBackends(['cpu', 'wasm'], '@aekit/sparse registration', () => {
  it("registers the 'sparse' family with its package name and version on import; it rebuilds the model", () => {
    const model = createSparseAe({ inputDim: 5, latentDim: 4, penalty: 'l1' });
    expectFamilyRegistered(findAutoencoderFamily, model, packageJson);
    model.dispose();
  });
});

describeBackends(['cpu', 'wasm'], 'createSparseAe', () => {
  it('has the documented defaults and network for each penalty', () => {
    const kl = createSparseAe({ inputDim: 6, latentDim: 4 });
    expect(kl.config).toEqual({
      family: 'sparse',
      inputDim: 6,
      inputShape: null,
      encoder: null,
      latentDim: 4,
      penalty: 'kl',
      rho: 0.05,
      lambda: 3,
      loss: 'mse-sum',
      tiedWeights: false,
      init: 'glorotUniform',
      seed: 0,
    });
    expect(kl.encoder!.layers.map((layer) => layer.activation)).toEqual(['sigmoid']);
    expect(kl.decoder!.layers.map((layer) => layer.activation)).toEqual(['sigmoid']);
    const l1 = createSparseAe({ inputDim: 6, latentDim: 4, penalty: 'l1' });
    expect(l1.config.lambda).toBe(0.01);
    expect(l1.encoder!.layers.map((layer) => layer.activation)).toEqual(['relu']);
    expect(l1.decoder!.layers.map((layer) => layer.activation)).toEqual(['softplus']);
    expect(JSON.parse(JSON.stringify(l1.config))).toEqual(l1.config);
    expect(Object.isFrozen(l1.config)).toBe(true);
    kl.dispose();
    l1.dispose();
  });

  it("'kl': reconstruction + λ Σ_j KL(ρ ‖ ρ̂_j) matches float64, overcomplete", () => {
    const config: SparseAeConfig = { inputDim: 4, latentDim: 9, rho: 0.1, lambda: 0.7, seed: 2 };
    const model = createSparseAe(config);
    const layers = network64(setVariables64(model.variables(), 3, 1.5), true);
    const rows = uniformMatrix(6, 4, 4, 0, 1);
    const x = tf.tensor2d(rows);
    const { total, terms } = model.lossTerms(x, { step: 0, training: true });
    const { hidden, reconstruction } = forwardAll(rows, layers);
    const rhoHat = hidden[0]!.map((_, j) => mean64(hidden.map((h) => h[j]!)));
    const sparsity = 0.7 * rhoHat.reduce((sum, value) => sum + kl64(0.1, value), 0);
    expect(Object.keys(terms)).toEqual(['reconstruction', 'sparsity']);
    expectAllClose(terms.reconstruction!, reconstruction, { rtol: 1e-4, atol: 1e-6 });
    expectAllClose(terms.sparsity!, sparsity, { rtol: 1e-4, atol: 1e-6 });
    expectAllClose(total, reconstruction + sparsity, { rtol: 1e-4, atol: 1e-6 });
    const means = model.meanActivations(x);
    expect(means.shape).toEqual([9]);
    expectAllClose(means, rhoHat, { rtol: 1e-4, atol: 1e-6 });
    tf.dispose([x, total, means, ...Object.values(terms)]);
    model.dispose();
  });

  it("'l1': reconstruction + λ (1/B) Σ_b ‖h_b‖₁ matches float64 (softplus reconstruction)", () => {
    const model = createSparseAe({ inputDim: 5, latentDim: 3, penalty: 'l1', lambda: 0.2 });
    const layers = network64(setVariables64(model.variables(), 5, 1.5), false);
    const rows = uniformMatrix(7, 5, 6, 0, 1);
    const x = tf.tensor2d(rows);
    const { total, terms } = model.lossTerms(x, { step: 0, training: false });
    const { hidden, reconstruction } = forwardAll(rows, layers);
    // ReLU units: some are exactly 0 for this batch, others not.
    expect(hidden.flat().some((value) => value === 0)).toBe(true);
    expect(hidden.flat().some((value) => value > 0)).toBe(true);
    const sparsity =
      0.2 * mean64(hidden.map((h) => h.reduce((sum, value) => sum + Math.abs(value), 0)));
    expectAllClose(terms.reconstruction!, reconstruction, { rtol: 1e-4, atol: 1e-6 });
    expectAllClose(terms.sparsity!, sparsity, { rtol: 1e-4, atol: 1e-6 });
    expectAllClose(total, reconstruction + sparsity, { rtol: 1e-4, atol: 1e-6 });
    tf.dispose([x, total, ...Object.values(terms)]);
    model.dispose();
  });

  it("with λ = 0, the 'kl' network is the vanilla autoencoder's with a sigmoid code, weight for weight", () => {
    const sparse = createSparseAe({ inputDim: 6, latentDim: 5, lambda: 0, seed: 9 });
    const vanilla = createAe({ inputDim: 6, latentDim: 5, codeActivation: 'sigmoid', seed: 9 });
    const weights = (model: SparseAe | Ae) =>
      Object.entries(model.variables()).map(([name, variable]) => [
        name,
        Array.from(variable.dataSync()),
      ]);
    expect(weights(sparse)).toEqual(weights(vanilla));
    const x = tf.tensor2d(uniformMatrix(4, 6, 12, 0, 1));
    const totals = [sparse, vanilla].map((model) =>
      tf.tidy(() => model.lossTerms(x, { step: 0, training: true }).total.dataSync()[0]),
    );
    expect(totals[0]).toBe(totals[1]);
    x.dispose();
    sparse.dispose();
    vanilla.dispose();
  });

  it("the 'l1' penalty does not depend on the batch size (averaged over the batch)", () => {
    const h = tf.tensor2d(uniformMatrix(4, 3, 7, 0, 1));
    const doubled = tf.concat([h, h], 0) as tf.Tensor2D;
    const options = { penalty: 'l1', rho: 0.05, lambda: 0.5 } as const;
    const once = sparsityPenalty(h, options);
    const twice = sparsityPenalty(doubled, options);
    expectAllClose(twice, once.dataSync()[0]!, { rtol: 1e-6 });
    tf.dispose([h, doubled, once, twice]);
  });

  it.each(['kl', 'l1'] as const)(
    "one step of fit lowers the '%s' loss on a fixed batch and changes every weight",
    async (penalty) => {
      const model = createSparseAe({ inputDim: 6, latentDim: 8, penalty, lambda: 0.5, seed: 1 });
      const x = tf.tensor2d(uniformMatrix(16, 6, 8, 0, 1));
      await expectOneStepLowersLoss(model, x, trainer.fit);
      x.dispose();
      model.dispose();
    },
  );

  it("training with the 'kl' penalty brings the mean activation to ρ; without it, it stays high", async () => {
    const x = tf.tensor2d(uniformMatrix(64, 10, 9, 0, 1));
    const meanActivation = async (lambda: number) => {
      const model = createSparseAe({ inputDim: 10, latentDim: 12, rho: 0.1, lambda, seed: 4 });
      await trainer.fit(model, x, { epochs: 150, batchSize: 64, learningRate: 0.02 });
      const means = model.meanActivations(x);
      const value = mean64(Array.from(means.dataSync()));
      means.dispose();
      model.dispose();
      return value;
    };
    const penalised = await meanActivation(3);
    const free = await meanActivation(0);
    expect(Math.abs(penalised - 0.1)).toBeLessThan(0.025);
    expect(free).toBeGreaterThan(0.3);
    x.dispose();
  });

  it('save → load gives the same config and bit-identical outputs', async () => {
    const model = createSparseAe({ inputDim: 5, latentDim: 7, penalty: 'l1', tiedWeights: true });
    setVariables64(model.variables(), 9, 1);
    const x = tf.tensor2d(uniformMatrix(3, 5, 10, 0, 1));
    await expectSaveLoadRoundTrip(
      model,
      trainer,
      (m) => [
        m.encode(x),
        m.reconstruct(x),
        m.meanActivations(x),
        m.lossTerms(x, { step: 1, training: true }).total,
      ],
      (loaded) =>
        expect(Object.keys(loaded.variables())).toEqual([
          'encoder.0.W',
          'encoder.0.b',
          'decoder.0.b',
        ]),
    );
    x.dispose();
    model.dispose();
  });

  it('frees every intermediate', async () => {
    const x = tf.tensor2d(uniformMatrix(3, 5, 11, 0, 1));
    for (const penalty of ['kl', 'l1'] as const) {
      await expectModelFreesItsTensors(
        () => createSparseAe({ inputDim: 5, latentDim: 4, penalty }),
        (model) => [
          model.lossTerms(x, { step: 0, training: true }),
          model.encode(x),
          model.reconstruct(x),
          model.meanActivations(x),
          model.filters(),
          model.hiddenActivations(x),
          model.jacobianNorm(x),
        ],
      );
    }
    const network = createNetwork(
      sparseNetworkOptions(resolveSparseAeConfig({ inputDim: 5, latentDim: 4 })),
    );
    await expectNoLeaks(() => {
      const { total, terms } = sparseLossTerms(network, x, { penalty: 'kl', rho: 0.1, lambda: 1 });
      tf.dispose([total, ...Object.values(terms)]);
      sparsityPenalty(x, { penalty: 'l1', rho: 0.1, lambda: 1 }).dispose();
    });
    disposeNetwork(network);
    x.dispose();
  });
});

describe('resolveSparseAeConfig errors', () => {
  const base: SparseAeConfig = { inputDim: 6, latentDim: 4 };
  itRejectsConfigs(createSparseAe, InvalidArgumentError.isInstance, [
    [
      'rho 1.2',
      { ...base, rho: 1.2 },
      "createSparseAe: 'rho' must be a finite number in (0, 1), got 1.2.",
    ],
    [
      'rho 0',
      { ...base, rho: 0 },
      "createSparseAe: 'rho' must be a finite number in (0, 1), got 0.",
    ],
    [
      'a negative λ',
      { ...base, lambda: -1 },
      "createSparseAe: 'lambda' must be a finite number ≥ 0, got -1.",
    ],
    [
      'an unknown penalty',
      { ...base, penalty: 'l2' },
      "createSparseAe: 'penalty' must be one of 'kl', 'l1', got \"l2\".",
    ],
    [
      "'bernoulli' with 'l1'",
      { ...base, penalty: 'l1', loss: 'bernoulli' },
      "createSparseAe: 'loss' must be 'mse-sum' or 'mse' with penalty 'l1' (its softplus reconstruction is not a probability), got \"bernoulli\".",
    ],
    [
      'no latentDim',
      { inputDim: 6 },
      "createSparseAe: 'latentDim' must be a positive integer, got undefined.",
    ],
    [
      "codeDim, the AE families' old name",
      { inputDim: 6, codeDim: 4 },
      "createSparseAe: unknown option 'codeDim'; did you mean 'latentDim'?",
    ],
    [
      'a key close to nothing',
      { ...base, dropout: 0.1 },
      "createSparseAe: unknown option 'dropout' (got 0.1); the options are family, inputDim, inputShape, encoder, latentDim, penalty, rho, lambda, loss, tiedWeights, init, seed.",
    ],
    [
      'a misspelt key',
      { ...base, lamda: 2 },
      "createSparseAe: unknown option 'lamda'; did you mean 'lambda'?",
    ],
    [
      'the old name hiddenDim',
      { inputDim: 6, hiddenDim: 4 },
      "createSparseAe: unknown option 'hiddenDim'; did you mean 'latentDim'?",
    ],
    [
      'a misspelt old name',
      { inputDim: 6, hidenDim: 4 },
      "createSparseAe: unknown option 'hidenDim'; did you mean 'latentDim'?",
    ],
  ]);
});
