import { InvalidArgumentError } from '@aekit/core';
import {
  describeBackends,
  expectAllClose,
  expectModelFreesItsTensors,
  itRejectsConfigs,
  itTrainsOnANetworkSpec,
  setVariables64,
  smallConvNetwork,
  uniformMatrix,
} from '@aekit/test-utils';
// Called as trainer.fit: biome reads a bare `fit(` as a focused Jasmine test.
import * as trainer from '@aekit/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  type ContractiveAeConfig,
  type ContractivePenaltyOptions,
  contractiveFamily,
  contractiveLossTerms,
  contractivePenaltyMethod,
  createContractiveAe,
  exactJacobianMaxLatentDim,
  resolveContractiveAeConfig,
} from './index';

// A contractive autoencoder whose encoder is convolutional: the penalty by vector–Jacobian
// products (exact, or estimated), checked against the model's own ‖J_f‖_F (autodiff one unit
// at a time, `jacobianNorm`), training on cpu and wasm, the rules of the new options.
// `@aekit/ae`'s function-jacobian tests check the penalty and its gradient against float64.

const { inputDim, inputShape, latentDim, encoder: conv } = smallConvNetwork;
const config: ContractiveAeConfig = {
  inputDim,
  inputShape,
  latentDim,
  encoder: conv,
  hiddenActivation: 'tanh',
  // A curved code, so its bias enters the Jacobian (a linear code, the default with an encoder
  // spec, has a Jacobian free of code.b).
  codeActivation: 'sigmoid',
  lambda: 0.5,
  seed: 5,
};
const mean64 = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

describe('the contractive penalty a config selects', () => {
  it('takes an encoder spec, with the defaults jacobian auto and one projection', () => {
    const resolved = resolveContractiveAeConfig(config);
    expect(resolved.encoder).toEqual({ ...conv, kernelSize: 3, strides: 2 });
    expect(resolved).toMatchObject({ lambda: 0.5, jacobian: 'auto', projections: 1 });
    expect(Object.keys(resolved).slice(-3)).toEqual(['lambda', 'jacobian', 'projections']);
  });

  it.each<[string, ContractiveAeConfig, string]>([
    ['a dense encoder, auto', { inputDim: 6, latentDim: 40 }, 'closed-form'],
    ['a dense encoder, exact', { inputDim: 6, latentDim: 40, jacobian: 'exact' }, 'closed-form'],
    ['a dense encoder, estimate', { inputDim: 6, latentDim: 4, jacobian: 'estimate' }, 'estimate'],
    ['a spec with latentDim 3, auto', config, 'exact'],
    [
      `a spec with latentDim ${exactJacobianMaxLatentDim}, auto`,
      { ...config, latentDim: exactJacobianMaxLatentDim },
      'exact',
    ],
    [
      `a spec with latentDim ${exactJacobianMaxLatentDim + 1}, auto`,
      { ...config, latentDim: exactJacobianMaxLatentDim + 1 },
      'estimate',
    ],
    ['a wide spec, exact', { ...config, latentDim: 40, jacobian: 'exact' }, 'exact'],
    ['a spec, estimate', { ...config, jacobian: 'estimate' }, 'estimate'],
  ])('%s: %s', (_, given, method) => {
    expect(contractivePenaltyMethod(resolveContractiveAeConfig(given))).toBe(method);
  });

  itRejectsConfigs(createContractiveAe, InvalidArgumentError.isInstance, [
    [
      'an unknown way to compute the Jacobian',
      { ...config, jacobian: 'hutchinson' },
      "createContractiveAe: 'jacobian' must be one of 'auto', 'exact', 'estimate', got \"hutchinson\".",
    ],
    [
      'no projections',
      { ...config, jacobian: 'estimate', projections: 0 },
      "createContractiveAe: 'projections' must be a positive integer, got 0.",
    ],
    [
      'a fractional number of projections',
      { ...config, projections: 1.5 },
      "createContractiveAe: 'projections' must be a positive integer, got 1.5.",
    ],
    [
      'projections given as text',
      { ...config, projections: '4' },
      'createContractiveAe: \'projections\' must be a positive integer, got "4".',
    ],
  ]);
});

describeBackends(['cpu', 'wasm'], 'createContractiveAe with a convolutional encoder', () => {
  it('loads a saved config of an earlier version, which has neither field', () => {
    const {
      jacobian: _jacobian,
      projections: _projections,
      ...saved
    } = resolveContractiveAeConfig({ inputDim: 6, hiddenDims: [5], latentDim: 4, lambda: 0.3 });
    const model = contractiveFamily.create(saved as never);
    expect(model.config).toMatchObject({ lambda: 0.3, jacobian: 'auto', projections: 1 });
    model.dispose();
  });

  describe('exact penalty (jacobian auto, latentDim 3)', () => {
    itTrainsOnANetworkSpec(() => ({
      create: () => createContractiveAe(config),
      fit: trainer.fit,
      saveModel: trainer.saveModel,
      loadModel: trainer.loadModel,
      ...smallConvNetwork,
    }));
  });

  describe('estimated penalty (two projections)', () => {
    itTrainsOnANetworkSpec(() => ({
      create: () => createContractiveAe({ ...config, jacobian: 'estimate', projections: 2 }),
      fit: trainer.fit,
      saveModel: trainer.saveModel,
      loadModel: trainer.loadModel,
      ...smallConvNetwork,
    }));
  });

  /** A model with fixed weights (large enough that the penalty is not negligible) and a batch. */
  const fixed = (extra: Partial<ContractiveAeConfig> = {}) => {
    const model = createContractiveAe({ ...config, ...extra });
    setVariables64(model.variables(), 3, 0.6);
    const x = tf.tensor2d(uniformMatrix(4, inputDim, 17, 0, 1));
    return { model, x };
  };

  it('the exact term is λ times the batch mean of ‖J_f‖²_F, by the model’s own jacobianNorm', () => {
    const { model, x } = fixed();
    const { total, terms } = model.lossTerms(x, { step: 0, training: true });
    const norms = Array.from(model.jacobianNorm(x).dataSync());
    expect(Math.min(...norms)).toBeGreaterThan(0.05);
    expectAllClose(terms.contractive!, 0.5 * mean64(norms.map((norm) => norm ** 2)), {
      rtol: 1e-4,
      atol: 1e-6,
    });
    tf.dispose([x, total, ...Object.values(terms)]);
    model.dispose();
  });

  it('the penalty’s gradient reaches every encoder and code variable, finite and nonzero, and no decoder one', () => {
    const { model, x } = fixed();
    const variables = model.variables();
    const { value, grads } = tf.variableGrads(
      () => model.lossTerms(x, { step: 0, training: true }).terms.contractive as tf.Scalar,
      Object.values(variables),
    );
    expect(value.dataSync()[0]).toBeGreaterThan(0);
    for (const [name, variable] of Object.entries(variables)) {
      const gradient = grads[variable.name];
      if (name.startsWith('decoder')) {
        expect(gradient === undefined || gradient.dataSync().every((g) => g === 0)).toBe(true);
        continue;
      }
      const entries = Array.from(gradient!.dataSync());
      expect(entries.every(Number.isFinite), name).toBe(true);
      expect(Math.max(...entries.map(Math.abs)), name).toBeGreaterThan(1e-6);
    }
    tf.dispose([x, value, ...Object.values(grads)]);
    model.dispose();
  });

  it.each<[string, Partial<ContractiveAeConfig>]>([
    ['exact', {}],
    ['estimated', { jacobian: 'estimate', projections: 1 }],
  ])(
    'training with the %s penalty gives a smaller encoder Jacobian than training without',
    async (_, extra) => {
      const x = tf.tensor2d(uniformMatrix(32, inputDim, 19, 0, 1));
      const meanNorm = async (lambda: number) => {
        const model = createContractiveAe({ ...config, ...extra, lambda });
        await trainer.fit(model, x, { epochs: 10, batchSize: 32, learningRate: 0.05 });
        const norms = model.jacobianNorm(x);
        const value = mean64(Array.from(norms.dataSync()));
        norms.dispose();
        model.dispose();
        return value;
      };
      const contracted = await meanNorm(2);
      const free = await meanNorm(0);
      expect(contracted).toBeLessThan(0.5 * free);
      x.dispose();
    },
  );

  it.each<[string, Partial<ContractiveAeConfig>]>([
    ['a conv encoder', {}],
    ['a dense encoder', { inputShape: null, encoder: null, hiddenDims: [6] }],
  ])(
    'the estimated term of %s draws per step (the same step, the same draws) and averages to the exact one',
    (_, network) => {
      const { model, x } = fixed({ ...network, jacobian: 'estimate', projections: 1 });
      const term = (step: number, training = true) => {
        const { total, terms } = model.lossTerms(x, { step, training });
        const value = terms.contractive!.dataSync()[0]!;
        tf.dispose([total, ...Object.values(terms)]);
        return value;
      };
      expect(term(7)).toBe(term(7));
      expect(term(7, false)).toBe(term(7));
      expect(term(8)).not.toBe(term(7));
      const estimates = Array.from({ length: 300 }, (_, step) => term(step));
      // The exact term of the same weights: the closed form for the dense encoder.
      const exactModel = createContractiveAe({ ...config, ...network, jacobian: 'exact' });
      setVariables64(exactModel.variables(), 3, 0.6);
      const exact = tf.tidy(() => {
        const { total, terms } = exactModel.lossTerms(x, { step: 0, training: true });
        const value = terms.contractive!.dataSync()[0]!;
        tf.dispose([total, ...Object.values(terms)]);
        return value;
      });
      expect(exact).toBeGreaterThan(0.01);
      const average = mean64(estimates);
      const standardError = Math.sqrt(
        mean64(estimates.map((value) => (value - average) ** 2)) / estimates.length,
      );
      // 300 independent steps: the average is within 4 (sample) standard errors of the exact term.
      expect(standardError).toBeGreaterThan(0);
      expect(Math.abs(average - exact)).toBeLessThan(4 * standardError);
      x.dispose();
      model.dispose();
      exactModel.dispose();
    },
  );

  it('leaks no tensors when its loss is differentiated, exact or estimated', async () => {
    const x = tf.tensor2d(uniformMatrix(3, inputDim, 23, 0, 1));
    for (const extra of [{}, { jacobian: 'estimate' as const, projections: 3 }]) {
      await expectModelFreesItsTensors(
        () => createContractiveAe({ ...config, ...extra }),
        (model) => [
          tf.variableGrads(() => model.lossTerms(x, { step: 4, training: true }).total),
          model.jacobianNorm(x),
        ],
      );
    }
    x.dispose();
  });

  it('contractiveLossTerms checks its penalty options', () => {
    const model = createContractiveAe(config);
    const x = tf.tensor2d(uniformMatrix(2, inputDim, 1, 0, 1));
    const call = (options: unknown) => () =>
      contractiveLossTerms(model.network, x, 0.5, options as ContractivePenaltyOptions);
    expect(call({ jacobian: 'fast' })).toThrow(
      "contractiveLossTerms: 'options.jacobian' must be one of 'auto', 'exact', 'estimate', got \"fast\".",
    );
    expect(call({ projections: 0 })).toThrow(
      "contractiveLossTerms: 'options.projections' must be an integer ≥ 1, got 0.",
    );
    expect(call({ seed: -1 })).toThrow(InvalidArgumentError);
    expect(call(null)).toThrow(
      "contractiveLossTerms: 'options' must be an object { jacobian?, projections?, seed? }, got null.",
    );
    x.dispose();
    model.dispose();
  });
});
