import {
  createRng,
  deriveSeed,
  findAutoencoderFamily,
  InvalidArgumentError,
  UnknownOptionError,
} from '@aekit/core';
import {
  type ConfigErrorCase,
  describeBackends,
  expectAllClose,
  expectFamilyRegistered,
  expectModelFreesItsTensors,
  expectSaveLoadRoundTrip,
  itRejectsConfigs,
} from '@aekit/test-utils';
import { loadModel, saveModel } from '@aekit/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json';
import * as ref from './__fixtures__/vae-float64';
import {
  createVae,
  interpolationWeights,
  resolveVaeConfig,
  type Vae,
  type VaeConfig,
  vaeFamily,
} from './index';

/** Sets every variable to small deterministic values and returns them as float64 weights. */
function fixWeights(vae: Vae, seed = 1): ref.VaeWeights {
  const rng = createRng(seed);
  const values: Record<string, number[][] | number[]> = {};
  for (const [name, variable] of Object.entries(vae.variables())) {
    const data = Array.from(rng.uniformArray(variable.size, -0.8, 0.8));
    variable.assign(tf.tensor(data, variable.shape));
    values[name] =
      variable.rank === 2
        ? Array.from({ length: variable.shape[0]! }, (_, i) =>
            data.slice(i * variable.shape[1]!, (i + 1) * variable.shape[1]!),
          )
        : data;
  }
  const layers = (prefix: string) =>
    Object.keys(values)
      .filter((name) => name.startsWith(`${prefix}.`) && name.endsWith('.W'))
      .map((name) => ({
        W: values[name] as number[][],
        b: values[name.replace(/W$/, 'b')] as number[],
      }));
  return {
    encoder: layers('encoder'),
    head: { W: values['head.W'] as number[][], b: values['head.b'] as number[] },
    decoder: layers('decoder'),
    ...(values['decoder.logVariance']
      ? { logVariance: values['decoder.logVariance'] as number[] }
      : {}),
  };
}

const tinyX = [
  [0.1, 0.9, 0.4, 0.0],
  [1.0, 0.2, 0.7, 0.5],
  [0.3, 0.3, 0.0, 1.0],
];

function tiny(options: Partial<VaeConfig> = {}): { vae: Vae; weights: ref.VaeWeights } {
  const vae = createVae({
    inputDim: 4,
    latentDim: 2,
    hiddenDims: [3],
    hiddenActivation: 'tanh',
    seed: 5,
    ...options,
  });
  return { vae, weights: fixWeights(vae) };
}

/** The float64 ELBO of each row with ε_s drawn as core's reparameterize does: createRng(seed), row-major over [samples·batch, latent]. */
function referenceElbo(
  weights: ref.VaeWeights,
  x: number[][],
  samples: number,
  seed: number,
  logLikelihood: (row: number[], output: number[]) => number,
): number[] {
  const latent = 2;
  const eps = createRng(seed).normalArray(samples * x.length * latent);
  return x.map((row, i) => {
    const { mu, logVar } = ref.posterior(row, weights, 'tanh', latent);
    let sum = 0;
    for (let s = 0; s < samples; s += 1) {
      const offset = (s * x.length + i) * latent;
      const z = mu.map((m, j) => m + Math.exp(0.5 * logVar[j]!) * eps[offset + j]!);
      sum += logLikelihood(row, ref.decoderOutput(z, weights, 'tanh'));
    }
    return sum / samples - ref.klStdNormal(mu, logVar);
  });
}

/** Config-error cases from overrides of a small valid config, titled by the override. */
function overriding(cases: readonly [object, string][]): ConfigErrorCase[] {
  return cases.map(([override, message]) => [
    JSON.stringify(override),
    { inputDim: 4, latentDim: 2, ...override },
    message,
  ]);
}

describeBackends(['cpu', 'wasm'], '@aekit/vae registration', () => {
  it("registers the 'vae' family with its package name and version on import; it rebuilds the model", () => {
    const { vae } = tiny({ likelihood: 'gaussian-learned', conditional: { numClasses: 3 } });
    expectFamilyRegistered(findAutoencoderFamily, vae, packageJson);
    vae.dispose();
  });
});

describe('createVae config', () => {
  it('fills defaults into a frozen, plain-JSON config', () => {
    const config = resolveVaeConfig({ inputDim: 784, latentDim: 20 });
    expect(config).toEqual({
      family: 'vae',
      inputDim: 784,
      inputShape: null,
      encoder: null,
      latentDim: 20,
      hiddenDims: [400],
      hiddenActivation: 'relu',
      likelihood: 'bernoulli',
      variance: 1,
      beta: 1,
      samples: 1,
      conditional: null,
      seed: 0,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
  });

  itRejectsConfigs(
    resolveVaeConfig,
    InvalidArgumentError.isInstance,
    overriding([
      [{ latentDim: 0 }, "createVae: 'latentDim' must be a positive integer, got 0."],
      [{ inputDim: -3 }, "createVae: 'inputDim' must be a positive integer, got -3."],
      [
        { hiddenDims: [400, 0] },
        "createVae: 'hiddenDims' must be an array of positive integers, got [400, 0].",
      ],
      [
        { likelihood: 'poisson' },
        `createVae: 'likelihood' must be one of 'bernoulli', 'gaussian', 'gaussian-learned', got "poisson".`,
      ],
      [{ beta: -1 }, "createVae: 'beta' must be a finite number ≥ 0, got -1."],
      [{ variance: 0 }, "createVae: 'variance' must be a finite number > 0, got 0."],
      [{ samples: 0 }, "createVae: 'samples' must be an integer in [1, 1000], got 0."],
      [
        { conditional: { numClasses: 1 } },
        "createVae: 'conditional.numClasses' must be an integer ≥ 2, got 1.",
      ],
      [{ seed: 1.5 }, "createVae: 'seed' must be an integer in [0, 4294967295], got 1.5."],
    ]),
  );

  itRejectsConfigs(
    createVae,
    UnknownOptionError.isInstance,
    overriding([
      [{ hiden: [8] }, "createVae: unknown option 'hiden'; did you mean 'hiddenDims'?"],
      [{ betta: 4 }, "createVae: unknown option 'betta'; did you mean 'beta'?"],
      [{ hidden: [8] }, "createVae: unknown option 'hidden'; did you mean 'hiddenDims'?"],
      [
        { activation: 'tanh' },
        "createVae: unknown option 'activation'; did you mean 'hiddenActivation'?",
      ],
      [
        { conditional: { numClases: 3 } },
        "createVae: unknown option 'conditional.numClases'; did you mean 'conditional.numClasses'?",
      ],
      [
        { warmup: 10 },
        "createVae: unknown option 'warmup' (got 10); the options are family, inputDim, inputShape, encoder, latentDim, hiddenDims, hiddenActivation, likelihood, variance, beta, samples, conditional, seed.",
      ],
    ]),
    'rejects the unknown key of %s, naming the option meant',
  );
});

describe('interpolationWeights', () => {
  it('is linear, or slerp along the angle between the codes', () => {
    expect(interpolationWeights([1, 0], [0, 1], 3, 'linear')).toEqual([
      [1, 0],
      [0.5, 0.5],
      [0, 1],
    ]);
    const [, middle] = interpolationWeights([1, 0], [0, 1], 3, 'slerp');
    // At t = ½ on a quarter circle: sin(π/4)/sin(π/2) for both.
    expectAllClose(middle!, [Math.SQRT1_2, Math.SQRT1_2], { rtol: 1e-12, atol: 0 });
    expect(interpolationWeights([1, 0], [2, 0], 3, 'slerp')).toEqual(
      interpolationWeights([1, 0], [2, 0], 3, 'linear'),
    );
  });
});

describeBackends(['cpu', 'wasm'], 'VAE', () => {
  it('computes the ELBO of a tiny fixed network as a float64 reference does (Bernoulli)', () => {
    const { vae, weights } = tiny();
    const x = tf.tensor2d(tinyX);
    const elbo = vae.elbo(x, { samples: 3, seed: 42 });
    expectAllClose(elbo, referenceElbo(weights, tinyX, 3, 42, ref.bernoulliLogLikelihood), {
      rtol: 1e-5,
      atol: 1e-5,
    });
    tf.dispose([x, elbo]);
    vae.dispose();
  });

  it('computes Gaussian likelihoods, fixed and learned variance, as the float64 reference does', () => {
    const fixed = tiny({ likelihood: 'gaussian', variance: 0.25 });
    const x = tf.tensor2d(tinyX);
    const fixedElbo = fixed.vae.elbo(x, { samples: 2, seed: 3 });
    const logVar = Array(4).fill(Math.log(0.25));
    expectAllClose(
      fixedElbo,
      referenceElbo(fixed.weights, tinyX, 2, 3, (row, mean) =>
        ref.gaussianLogLikelihood(row, mean, logVar),
      ),
      { rtol: 1e-5, atol: 1e-5 },
    );
    const learned = tiny({ likelihood: 'gaussian-learned' });
    const learnedElbo = learned.vae.elbo(x, { samples: 2, seed: 3 });
    expectAllClose(
      learnedElbo,
      referenceElbo(learned.weights, tinyX, 2, 3, (row, mean) =>
        ref.gaussianLogLikelihood(row, mean, learned.weights.logVariance!),
      ),
      { rtol: 1e-5, atol: 1e-5 },
    );
    tf.dispose([x, fixedElbo, learnedElbo]);
    fixed.vae.dispose();
    learned.vae.dispose();
  });

  it('splits the loss into reconstruction and the analytic KL, total = reconstruction + β·kl', () => {
    const { vae, weights } = tiny({ beta: 4 });
    const x = tf.tensor2d(tinyX);
    const { total, terms } = vae.lossTerms(x, { step: 3, training: true });
    const kl = tinyX.map((row) => {
      const { mu, logVar } = ref.posterior(row, weights, 'tanh', 2);
      return ref.klStdNormal(mu, logVar);
    });
    // The KL is exact (no sampling): mean over the batch.
    expectAllClose(terms.kl!, kl.reduce((a, b) => a + b) / kl.length, { rtol: 1e-5, atol: 1e-6 });
    const reconstruction = terms.reconstruction!.dataSync()[0]!;
    expectAllClose(total, reconstruction + 4 * terms.kl!.dataSync()[0]!, {
      rtol: 1e-6,
      atol: 1e-6,
    });
    expect(Object.keys(terms).sort()).toEqual(['kl', 'reconstruction']);
    tf.dispose([x, total, ...Object.values(terms)]);
    vae.dispose();
  });

  it('estimates −E_q[log p(x|z)] without bias (many draws against a float64 Monte Carlo)', () => {
    const { vae, weights } = tiny({ samples: 1000 });
    const x = tf.tensor2d(tinyX);
    const { total, terms } = vae.lossTerms(x, { step: 0, training: true });
    const estimate = terms.reconstruction!.dataSync()[0]!;
    // Reference: 20,000 independent draws per row, with their standard error.
    const rng = createRng(99);
    const perDraw: number[] = [];
    for (let s = 0; s < 20_000; s += 1) {
      let sum = 0;
      for (const row of tinyX) {
        const { mu, logVar } = ref.posterior(row, weights, 'tanh', 2);
        const eps = rng.normalArray(2);
        const z = mu.map((m, j) => m + Math.exp(0.5 * logVar[j]!) * eps[j]!);
        sum -= ref.bernoulliLogLikelihood(row, ref.decoderOutput(z, weights, 'tanh'));
      }
      perDraw.push(sum / tinyX.length);
    }
    const mean = perDraw.reduce((a, b) => a + b) / perDraw.length;
    const sd = Math.sqrt(perDraw.reduce((a, b) => a + (b - mean) ** 2, 0) / (perDraw.length - 1));
    // The estimate averages 1,000 draws per row: standard error sd/√1000 plus the reference's.
    const standardError = Math.sqrt(sd ** 2 / 1000 + sd ** 2 / perDraw.length);
    expect(Math.abs(estimate - mean)).toBeLessThan(4 * standardError);
    expect(standardError).toBeLessThan(0.05 * Math.abs(mean));
    tf.dispose([x, total, ...Object.values(terms)]);
    vae.dispose();
  });

  it('computes the importance-weighted log-likelihood as a float64 reference does', () => {
    const { vae, weights } = tiny();
    const x = tf.tensor2d(tinyX);
    const k = 5;
    const estimate = vae.logLikelihood(x, { importanceSamples: k, seed: 8 });
    // One chunk of k draws seeded deriveSeed(seed, 0), ε row-major over [k·batch, latent].
    const eps = createRng(deriveSeed(8, 0)).normalArray(k * tinyX.length * 2);
    const expected = tinyX.map((row, i) => {
      const { mu, logVar } = ref.posterior(row, weights, 'tanh', 2);
      const logWeights = Array.from({ length: k }, (_, s) => {
        const offset = (s * tinyX.length + i) * 2;
        const z = mu.map((m, j) => m + Math.exp(0.5 * logVar[j]!) * eps[offset + j]!);
        return (
          ref.bernoulliLogLikelihood(row, ref.decoderOutput(z, weights, 'tanh')) +
          ref.gaussianLogLikelihood(z, [0, 0], [0, 0]) -
          ref.gaussianLogLikelihood(z, mu, logVar)
        );
      });
      return ref.logMeanExp(logWeights);
    });
    expectAllClose(estimate, expected, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([x, estimate]);
    vae.dispose();
  });

  it('one optimiser step lowers the loss on a fixed batch and changes every weight', () => {
    const vae = createVae({ inputDim: 4, latentDim: 2, hiddenDims: [8], seed: 2 });
    const x = tf.tensor2d(tinyX);
    const lossAt = () =>
      tf.tidy(() => vae.lossTerms(x, { step: 0, training: true }).total.dataSync()[0]!);
    const before = lossAt();
    const snapshot = Object.fromEntries(
      Object.entries(vae.variables()).map(([n, v]) => [n, Array.from(v.dataSync())]),
    );
    const optimizer = tf.train.adam(0.05);
    optimizer.minimize(
      () => vae.lossTerms(x, { step: 0, training: true }).total,
      false,
      Object.values(vae.variables()),
    );
    expect(lossAt()).toBeLessThan(before);
    for (const [name, variable] of Object.entries(vae.variables())) {
      expect(Array.from(variable.dataSync()), name).not.toEqual(snapshot[name]);
    }
    optimizer.dispose();
    x.dispose();
    vae.dispose();
  });

  it('samples, interpolates and draws manifold grids with the right shapes, deterministically', () => {
    const vae = createVae({ inputDim: 6, latentDim: 2, hiddenDims: [5], seed: 3 });
    const a = vae.sample(4, { seed: 1 });
    const b = vae.sample(4, { seed: 1 });
    const c = vae.sample(4, { seed: 2 });
    expect(a.shape).toEqual([4, 6]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    // Bernoulli means are probabilities.
    for (const value of a.dataSync()) expect(value >= 0 && value <= 1).toBe(true);
    const xA = tf.tensor2d([[0, 1, 0, 1, 0, 1]]);
    const xB = tf.tensor2d([[1, 0, 1, 0, 1, 0]]);
    const path = vae.interpolate(xA, xB, 5, { method: 'slerp' });
    expect(path.shape).toEqual([5, 6]);
    // The ends of the path are the reconstructions of the two inputs.
    const ends = tf.concat([vae.reconstruct(xA), vae.reconstruct(xB)]);
    expectAllClose(tf.gather(path, [0, 4]), ends, { rtol: 1e-5, atol: 1e-6 });
    const grid = vae.manifoldGrid(3, { range: 2 });
    expect(grid.shape).toEqual([9, 6]);
    // Row-major, top row at z₂ = +2, left column at z₁ = −2: the first cell decodes (−2, 2).
    expectAllClose(tf.slice(grid, [0, 0], [1, 6]), vae.decode(tf.tensor2d([[-2, 2]])), {
      rtol: 1e-5,
      atol: 1e-6,
    });
    expectAllClose(tf.slice(grid, [8, 0], [1, 6]), vae.decode(tf.tensor2d([[2, -2]])), {
      rtol: 1e-5,
      atol: 1e-6,
    });
    tf.dispose([a, b, c, xA, xB, path, ends, grid]);
    vae.dispose();
  });

  it('conditions on labels when conditional, and asks for them', () => {
    const vae = createVae({
      inputDim: 4,
      latentDim: 2,
      hiddenDims: [3],
      conditional: { numClasses: 3 },
      seed: 4,
    });
    const x = tf.tensor2d(tinyX);
    const labels = tf.tensor1d([0, 2, 1], 'int32');
    const sevens = vae.sample(2, { seed: 1, labels: tf.tensor1d([2, 2], 'int32') });
    const zeros = vae.sample(2, { seed: 1, labels: tf.tensor1d([0, 0], 'int32') });
    expect(Array.from(sevens.dataSync())).not.toEqual(Array.from(zeros.dataSync()));
    const { total } = vae.lossTerms(x, { step: 0, training: true, labels });
    expect(Number.isFinite(total.dataSync()[0])).toBe(true);
    expect(() => vae.lossTerms(x, { step: 0, training: true })).toThrow(
      "Vae.lossTerms: 'context.labels' must be a [3] int32 tensor of class labels in [0, 3) (the VAE is conditional), got undefined.",
    );
    expect(() => vae.encode(x, tf.tensor1d([0, 1], 'int32'))).toThrow(
      "Vae.encode: 'labels' must have shape [3], got [2].",
    );
    const plain = createVae({ inputDim: 4, latentDim: 2 });
    // The trainer passes the data's labels to every model; a plain VAE ignores them there.
    const ignored = plain.lossTerms(x, { step: 0, training: true, labels });
    const without = plain.lossTerms(x, { step: 0, training: true });
    expect(ignored.total.dataSync()[0]).toBe(without.total.dataSync()[0]);
    tf.dispose([
      ignored.total,
      without.total,
      ...Object.values(ignored.terms),
      ...Object.values(without.terms),
    ]);
    expect(() => plain.encode(x, labels)).toThrow(
      "Vae.encode: 'labels' must be undefined: this VAE is not conditional, got a int32 tensor of shape [3].",
    );
    tf.dispose([x, labels, sevens, zeros, total]);
    vae.dispose();
    plain.dispose();
  });

  it('rejects inputs of the wrong shape and unusable calls', () => {
    const vae = createVae({ inputDim: 4, latentDim: 3 });
    const wrong = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => vae.encode(wrong)).toThrow("Vae.encode: 'x' must have shape [*, 4], got [2, 5].");
    expect(() => vae.manifoldGrid(5)).toThrow(
      "Vae.manifoldGrid: 'this.config.latentDim' must be 2 (the grid spans a 2-D latent space), got 3.",
    );
    expect(() =>
      vae.logLikelihood(tf.zeros([1, 4]) as tf.Tensor2D, { importanceSamples: 0 }),
    ).toThrow(
      "Vae.logLikelihood: 'options.importanceSamples' must be an integer in [1, 100000], got 0.",
    );
    vae.dispose();
    expect(() => vae.sample(1)).toThrow(
      "Vae.sample: 'this' must be a model that has not been disposed",
    );
    wrong.dispose();
  });

  it('saves and loads with identical outputs, through the family registry', async () => {
    const vae = createVae({
      inputDim: 5,
      latentDim: 2,
      hiddenDims: [4, 3],
      likelihood: 'gaussian-learned',
      seed: 9,
    });
    fixWeights(vae, 3);
    const x = tf.tensor2d([[0.1, 0.2, 0.3, 0.4, 0.5]]);
    const z = tf.tensor2d([[0.3, -1]]);
    await expectSaveLoadRoundTrip(vae, { saveModel, loadModel }, (m) => [
      m.encode(x),
      m.decode(z),
      m.elbo(x, { seed: 1 }),
    ]);
    tf.dispose([x, z]);
    vae.dispose();
  });

  it('loads a saved config with the old names hidden and activation', () => {
    const saved = { ...resolveVaeConfig({ inputDim: 4, latentDim: 2, seed: 3 }) } as Record<
      string,
      unknown
    >;
    saved.hidden = [5];
    saved.activation = 'tanh';
    delete saved.hiddenDims;
    delete saved.hiddenActivation;
    const vae = vaeFamily.create(saved as never);
    expect(vae.config.hiddenDims).toEqual([5]);
    expect(vae.config.hiddenActivation).toBe('tanh');
    expect(vae.config).not.toHaveProperty('hidden');
    expect(vae.config).not.toHaveProperty('activation');
    vae.dispose();
  });

  it('leaks no tensors in any method', async () => {
    const x = tf.tensor2d(tinyX);
    const labels = tf.tensor1d([0, 1, 1], 'int32');
    const xA = tf.slice(x, [0, 0], [1, 4]) as tf.Tensor2D;
    const xB = tf.slice(x, [1, 0], [1, 4]) as tf.Tensor2D;
    await expectModelFreesItsTensors(
      () => createVae({ inputDim: 4, latentDim: 2, hiddenDims: [3], samples: 2, seed: 1 }),
      (vae) => [
        vae.encode(x),
        tf.tidy(() => vae.decode(vae.encode(x))),
        vae.reconstruct(x),
        vae.sample(3),
        vae.interpolate(xA, xB, 4),
        vae.manifoldGrid(2),
        vae.elbo(x, { samples: 3 }),
        vae.logLikelihood(x, { importanceSamples: 7 }),
        vae.posterior(x),
        vae.lossTerms(x, { step: 1, training: true }),
      ],
    );
    await expectModelFreesItsTensors(
      () => createVae({ inputDim: 4, latentDim: 2, conditional: { numClasses: 2 } }),
      (conditional) => [
        conditional.reconstruct(x, labels),
        conditional.lossTerms(x, { step: 1, training: true, labels }),
      ],
    );
    tf.dispose([x, labels, xA, xB]);
  });
});
