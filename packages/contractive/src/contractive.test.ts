import { createNetwork, disposeNetwork } from '@aekit/ae';
import { findAutoencoderFamily, InvalidArgumentError } from '@aekit/core';
import {
  type Activation64,
  type Dense64,
  describeBackends,
  expectAllClose,
  expectFamilyRegistered,
  expectModelFreesItsTensors,
  expectNoLeaks,
  expectOneStepLowersLoss,
  expectSaveLoadRoundTrip,
  finiteDifferenceJacobian,
  forward64,
  frobeniusSquared64,
  itRejectsConfigs,
  jacobian64,
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
  type ContractiveAe,
  type ContractiveAeConfig,
  contractiveLossTerms,
  createContractiveAe,
  resolveContractiveAeConfig,
} from './index';

const mean64 = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

/** The model's encoder and decoder in float64 (untied). */
function network64(values: Record<string, Matrix | number[]>, model: ContractiveAe) {
  const stack = (name: 'encoder' | 'decoder') =>
    model[name]!.layers.map(
      (layer, index): Dense64 => ({
        W: values[`${name}.${index}.W`] as Matrix,
        b: values[`${name}.${index}.b`] as number[],
        activation: layer.activation as Activation64,
      }),
    );
  return { encoder: stack('encoder'), decoder: stack('decoder') };
}

/** reconstruction (1/B) Σ Σ (x − x̂)² and contractive λ (1/B) Σ ‖J‖²_F, in float64. */
function loss64(rows: number[][], encoder: Dense64[], decoder: Dense64[], lambda: number) {
  const reconstruction = mean64(
    rows.map((row) => {
      const xHat = forward64(forward64(row, encoder), decoder);
      return row.reduce((sum, value, j) => sum + (value - xHat[j]!) ** 2, 0);
    }),
  );
  const contractive =
    lambda * mean64(rows.map((row) => frobeniusSquared64(jacobian64(row, encoder))));
  return { reconstruction, contractive, total: reconstruction + contractive };
}

describeBackends(['cpu', 'wasm'], '@aekit/contractive registration', () => {
  it("registers the 'contractive' family with its package name and version on import; it rebuilds the model", () => {
    const model = createContractiveAe({ inputDim: 5, hiddenDims: [4], latentDim: 3, lambda: 0.2 });
    expectFamilyRegistered(findAutoencoderFamily, model, packageJson);
    model.dispose();
  });
});

describeBackends(['cpu', 'wasm'], 'createContractiveAe', () => {
  it('has the documented defaults: one sigmoid layer, λ = 0.1', () => {
    const model = createContractiveAe({ inputDim: 6, latentDim: 4 });
    expect(model.config).toEqual({
      family: 'contractive',
      inputDim: 6,
      inputShape: null,
      encoder: null,
      hiddenDims: [],
      latentDim: 4,
      hiddenActivation: 'sigmoid',
      codeActivation: 'sigmoid',
      outputActivation: 'sigmoid',
      loss: 'mse-sum',
      tiedWeights: false,
      init: 'glorotUniform',
      seed: 0,
      lambda: 0.1,
      jacobian: 'auto',
      projections: 1,
    });
    expect(JSON.parse(JSON.stringify(model.config))).toEqual(model.config);
    model.dispose();
  });

  it.each<[string, ContractiveAeConfig]>([
    ['one sigmoid layer (closed form)', { inputDim: 5, latentDim: 4, lambda: 0.3, seed: 1 }],
    [
      'a deep tanh–sigmoid encoder (exact chain)',
      {
        inputDim: 5,
        hiddenDims: [4],
        latentDim: 3,
        hiddenActivation: 'tanh',
        lambda: 0.3,
        seed: 2,
      },
    ],
  ])(
    'the contractive term of %s matches float64 finite differences of the encoder',
    (_, config) => {
      const model = createContractiveAe(config);
      const { encoder, decoder } = network64(setVariables64(model.variables(), 3, 1.2), model);
      const rows = uniformMatrix(6, 5, 4, 0, 1);
      const x = tf.tensor2d(rows);
      const { total, terms } = model.lossTerms(x, { step: 0, training: true });
      const byDifferences = rows.map((row) =>
        frobeniusSquared64(finiteDifferenceJacobian((input) => forward64(input, encoder), row)),
      );
      const expected = loss64(rows, encoder, decoder, 0.3);
      expect(Object.keys(terms)).toEqual(['reconstruction', 'contractive']);
      // Central differences (step 1e-6) are accurate to ~1e-9, far inside the float32 tolerance.
      expectAllClose(terms.contractive!, 0.3 * mean64(byDifferences), { rtol: 1e-4, atol: 1e-6 });
      expectAllClose(terms.contractive!, expected.contractive, { rtol: 1e-4, atol: 1e-6 });
      expectAllClose(terms.reconstruction!, expected.reconstruction, { rtol: 1e-4, atol: 1e-6 });
      expectAllClose(total, expected.total, { rtol: 1e-4, atol: 1e-6 });
      const norms = model.jacobianNorm(x);
      expectAllClose(norms, byDifferences.map(Math.sqrt), { rtol: 1e-4, atol: 1e-6 });
      tf.dispose([x, total, norms, ...Object.values(terms)]);
      model.dispose();
    },
  );

  it('the loss is differentiable: its gradient in W₁ matches float64 finite differences', () => {
    const lambda = 5;
    const model = createContractiveAe({ inputDim: 4, hiddenDims: [3], latentDim: 2, lambda });
    const { encoder, decoder } = network64(setVariables64(model.variables(), 6, 1.2), model);
    const rows = uniformMatrix(3, 4, 7, 0, 1);
    const x = tf.tensor2d(rows);
    const w1 = model.encoder!.layers[0]!.W;
    const { grads, value } = tf.variableGrads(
      () => model.lossTerms(x, { step: 0, training: true }).total,
      [w1],
    );
    const h = 1e-6;
    const at = (i: number, j: number, delta: number) => {
      const W = encoder[0]!.W.map((row, p) =>
        row.map((entry, q) => (p === i && q === j ? entry + delta : entry)),
      );
      return loss64(rows, [{ ...encoder[0]!, W }, encoder[1]!], decoder, lambda).total;
    };
    const expected = encoder[0]!.W.map((row, i) =>
      row.map((_, j) => (at(i, j, h) - at(i, j, -h)) / (2 * h)),
    );
    // Differences of a float64 loss in float64: accurate to ~1e-8, inside the float32 bound.
    expectAllClose(grads[w1.name]!, expected, { rtol: 1e-4, atol: 1e-5 });
    // The penalty's share of the gradient is far above the tolerance: a loss whose penalty did
    // not reach W₁ would fail the comparison above.
    const reconstructionOnly = (i: number, j: number, delta: number) => {
      const W = encoder[0]!.W.map((row, p) =>
        row.map((entry, q) => (p === i && q === j ? entry + delta : entry)),
      );
      return loss64(rows, [{ ...encoder[0]!, W }, encoder[1]!], decoder, 0).total;
    };
    const share = encoder[0]!.W.flatMap((row, i) =>
      row.map((_, j) =>
        Math.abs(
          expected[i]![j]! - (reconstructionOnly(i, j, h) - reconstructionOnly(i, j, -h)) / (2 * h),
        ),
      ),
    );
    const largest = Math.max(...expected.flat().map(Math.abs));
    expect(Math.max(...share)).toBeGreaterThan(100 * (1e-5 + 1e-4 * largest));
    tf.dispose([x, value, ...Object.values(grads)]);
    model.dispose();
  });

  it('one step of fit lowers the loss on a fixed batch and changes every weight', async () => {
    const model = createContractiveAe({ inputDim: 6, latentDim: 4, lambda: 0.5, seed: 1 });
    const x = tf.tensor2d(uniformMatrix(16, 6, 8, 0, 1));
    await expectOneStepLowersLoss(model, x, trainer.fit);
    x.dispose();
    model.dispose();
  });

  it('training with the penalty gives a smaller encoder Jacobian than training without', async () => {
    const x = tf.tensor2d(uniformMatrix(64, 10, 9, 0, 1));
    const meanNorm = async (lambda: number) => {
      const model = createContractiveAe({ inputDim: 10, latentDim: 8, lambda, seed: 4 });
      await trainer.fit(model, x, { epochs: 100, batchSize: 64, learningRate: 0.02 });
      const norms = model.jacobianNorm(x);
      const value = mean64(Array.from(norms.dataSync()));
      norms.dispose();
      model.dispose();
      return value;
    };
    const contracted = await meanNorm(1);
    const free = await meanNorm(0);
    expect(contracted).toBeLessThan(0.5 * free);
    x.dispose();
  });

  it('save → load gives the same config and bit-identical outputs', async () => {
    const model = createContractiveAe({
      inputDim: 5,
      hiddenDims: [4],
      latentDim: 3,
      hiddenActivation: 'softplus',
      tiedWeights: true,
      loss: 'bernoulli',
      lambda: 0.2,
    });
    setVariables64(model.variables(), 9, 1);
    const x = tf.tensor2d(uniformMatrix(3, 5, 10, 0, 1));
    await expectSaveLoadRoundTrip(model, trainer, (m) => [
      m.encode(x),
      m.reconstruct(x),
      m.jacobianNorm(x),
      m.lossTerms(x, { step: 1, training: true }).total,
    ]);
    x.dispose();
    model.dispose();
  });

  it('frees every intermediate', async () => {
    const x = tf.tensor2d(uniformMatrix(3, 5, 11, 0, 1));
    await expectNoLeaks(() => createContractiveAe({ inputDim: 5, latentDim: 4 }).dispose());
    await expectModelFreesItsTensors(
      () => createContractiveAe({ inputDim: 5, hiddenDims: [4], latentDim: 3 }),
      (model) => [
        model.lossTerms(x, { step: 0, training: true }),
        tf.variableGrads(() => model.lossTerms(x, { step: 0, training: true }).total),
        model.encode(x),
        model.reconstruct(x),
        model.jacobianNorm(x),
        model.filters(),
        model.meanActivations(x),
      ],
    );
    const network = createNetwork(
      resolveContractiveAeConfig({ inputDim: 5, hiddenDims: [4], latentDim: 3 }),
    );
    await expectNoLeaks(() => {
      const { total, terms } = contractiveLossTerms(network, x, 0.5);
      tf.dispose([total, ...Object.values(terms)]);
    });
    disposeNetwork(network);
    x.dispose();
  });
});

describe('resolveContractiveAeConfig errors', () => {
  const base: ContractiveAeConfig = { inputDim: 6, latentDim: 4 };
  itRejectsConfigs(createContractiveAe, InvalidArgumentError.isInstance, [
    [
      'a negative λ',
      { ...base, lambda: -1 },
      "createContractiveAe: 'lambda' must be a finite number ≥ 0, got -1.",
    ],
    [
      'an activation without a closed-form derivative',
      { ...base, codeActivation: 'elu' },
      "createContractiveAe: 'codeActivation' must be one of 'sigmoid', 'tanh', 'relu', 'softplus', 'linear', got \"elu\".",
    ],
    [
      'another family',
      { ...base, family: 'ae' },
      "createContractiveAe: 'family' must be 'contractive', got \"ae\".",
    ],
    [
      'an unknown field',
      { ...base, beta: 1 },
      "createContractiveAe: unknown option 'beta' (got 1); the options are family, inputDim, inputShape, encoder, hiddenDims, latentDim, hiddenActivation, codeActivation, outputActivation, loss, tiedWeights, init, seed, lambda, jacobian, projections.",
    ],
    [
      'a misspelt field',
      { ...base, lamda: 0.2 },
      "createContractiveAe: unknown option 'lamda'; did you mean 'lambda'?",
    ],
    [
      'the old name codeDim',
      { inputDim: 6, codeDim: 4 },
      "createContractiveAe: unknown option 'codeDim'; did you mean 'latentDim'?",
    ],
  ]);
});
