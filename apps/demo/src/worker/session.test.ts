import { Dataset } from '@aekit/data';
import { initBackend } from '@aekit/runtime-wasm';
import { createVae, type Vae } from '@aekit/vae';
import { clone, memory, type Tensor, tensor1d, tensor2d } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queries, QueryName } from '../protocol';
import { workerFamilies } from './family-models';
import { queries } from './queries';
import { inputDim, Session } from './session';

// The worker's answers, on a small VAE and six made-up test digits, on the cpu backend: each
// is checked against the model's own methods where the page relies on an orientation or an
// order, and none may leave tensors behind (the page asks every two seconds while training).
const testCount = 6;
const testX = Float32Array.from(
  { length: testCount * inputDim },
  (_, index) => ((index * 7919) % 1000) / 1000,
);
const testLabels = Int32Array.from({ length: testCount }, (_, index) => index % 10);

function read(tensor: Tensor): number[] {
  const values = Array.from(tensor.dataSync());
  tensor.dispose();
  return values;
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  Array.from(actual).forEach((value, index) => {
    // The same float32 computation in another batch layout: the rounding may differ slightly.
    expect(Math.abs(value - expected[index]!)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(value));
  });
}

describe('the worker session', () => {
  let session: Session;
  let vae: Vae;

  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
    session = new Session({
      train: Dataset.fromRows([Array.from(testX.subarray(0, inputDim))]),
      testX,
      testLabels,
    });
    vae = session.setModel(createVae({ inputDim, latentDim: 2, hiddenDims: [16], seed: 3 }))
      .model as Vae;
  });

  afterAll(() => session.handle?.model.dispose());

  const args: { [Name in QueryName]: Queries[Name]['args'] } = {
    reconstruct: { indices: [0, 2, 5] },
    latent: { count: 100 },
    decode: { z: [0.5, -1] },
    manifold: { n: 3, range: 2 },
    interpolate: { from: 1, to: 4, steps: 5, method: 'linear' },
    sample: { n: 4, seed: 1 },
    denoise: {
      pixels: testX.slice(0, inputDim),
      noise: { kind: 'masking', level: 0.3, seed: 2 },
    },
    filters: { count: 5 },
    histograms: { count: 6 },
  };

  it('summarises the model for the page', () => {
    const summary = session.summary();
    // 784·16 + 16, 16·4 + 4, 2·16 + 16, 16·784 + 784.
    expect(summary.parameters).toBe(784 * 16 + 16 + 16 * 4 + 4 + 2 * 16 + 16 + 16 * 784 + 784);
    expect(summary).toMatchObject({
      family: 'vae',
      codeDim: 2,
      numClasses: null,
      capabilities: { sample: true, manifold: true, filters: true },
    });
  });

  it('answers every question without leaving tensors behind', () => {
    for (const name of Object.keys(args) as QueryName[]) {
      const ask = () => (queries[name] as (s: Session, a: unknown) => unknown)(session, args[name]);
      ask();
      const before = memory().numTensors;
      ask();
      expect(memory().numTensors, name).toBe(before);
    }
  });

  it('places the codes of the first test digits in the scatter', () => {
    const points = queries.latent(session, { count: 100 });
    expect(Array.from(points.indices)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(points.projection).toBe('latent');
    const x = tensor2d(testX, [testCount, inputDim]);
    expectClose(points.coordinates, read(vae.encode(x)));
    x.dispose();
  });

  it('projects a code of more than two dimensions on its first two principal components', () => {
    const wide = new Session(session.digits);
    const model = wide.setModel(createVae({ inputDim, latentDim: 5, hiddenDims: [8], seed: 6 }))
      .model as Vae;
    const points = queries.latent(wide, { count: 100 });
    expect(points.projection).toBe('pca');
    const x = tensor2d(testX, [testCount, inputDim]);
    const codes = read(model.encode(x));
    x.dispose();
    wide.handle?.model.dispose();
    // Float64 reference from the definition: the axes are centred, the first holds at least as
    // much of the codes' variance as the second, and each share is its variance over the
    // codes' total variance (Σ_j Var(z_j)); the two axes are uncorrelated.
    const variance = (values: number[]) => {
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
      return values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
    };
    const axis = (a: number) =>
      Array.from({ length: testCount }, (_, row) => points.coordinates[row * 2 + a]!);
    const [first, second] = [axis(0), axis(1)];
    let total = 0;
    for (let j = 0; j < 5; j += 1) {
      total += variance(Array.from({ length: testCount }, (_, row) => codes[row * 5 + j]!));
    }
    for (const values of [first, second]) {
      expect(Math.abs(values.reduce((sum, value) => sum + value, 0))).toBeLessThan(1e-4);
    }
    expect(variance(first)).toBeGreaterThanOrEqual(variance(second));
    // float32 coordinates: about 1e-6 of their magnitude.
    expect(Math.abs(points.explained[0] - variance(first) / total)).toBeLessThan(1e-4);
    expect(Math.abs(points.explained[1] - variance(second) / total)).toBeLessThan(1e-4);
    const covariance = first.reduce((sum, value, row) => sum + value * second[row]!, 0);
    expect(Math.abs(covariance)).toBeLessThan(
      1e-4 * Math.sqrt(variance(first) * variance(second)) * testCount,
    );
  });

  it('draws the manifold row by row from the top-left corner z = (−r, +r)', () => {
    const grid = queries.manifold(session, { n: 3, range: 2 });
    const corners = tensor2d(
      [
        [-2, 2],
        [2, 2],
        [-2, -2],
      ],
      [3, 2],
    );
    const expected = read(vae.decode(corners));
    corners.dispose();
    expect(grid.count).toBe(9);
    for (const [tile, row] of [
      [0, 0],
      [2, 1],
      [6, 2],
    ] as const) {
      expectClose(
        grid.pixels.subarray(tile * inputDim, (tile + 1) * inputDim),
        expected.slice(row * inputDim, (row + 1) * inputDim),
      );
    }
  });

  it('interpolates from the code of the first digit to the code of the second', () => {
    const path = queries.interpolate(session, { from: 1, to: 4, steps: 5, method: 'linear' });
    const ends = tensor2d(
      [
        Array.from(testX.subarray(inputDim, 2 * inputDim)),
        Array.from(testX.subarray(4 * inputDim, 5 * inputDim)),
      ],
      [2, inputDim],
    );
    const expected = read(vae.reconstruct(ends));
    ends.dispose();
    expectClose(path.pixels.subarray(0, inputDim), expected.slice(0, inputDim));
    expectClose(path.pixels.subarray(4 * inputDim), expected.slice(inputDim));
  });

  it('corrupts with the denoising package: masking zeroes pixels, level 0 leaves them', () => {
    const clean = testX.slice(0, inputDim);
    const masked = queries.denoise(session, {
      pixels: clean,
      noise: { kind: 'masking', level: 0.5, seed: 3 },
    }).noisy.pixels;
    let hit = 0;
    masked.forEach((value, index) => {
      if (value !== clean[index]) {
        expect(value).toBe(0);
        hit += 1;
      }
    });
    // Binomial(n ≈ 784, 0.5) over the non-zero pixels: a standard deviation of about 14.
    const nonZero = clean.filter((value) => value !== 0).length;
    expect(Math.abs(hit - nonZero / 2)).toBeLessThan(70);
    const noisy = queries.denoise(session, {
      pixels: clean,
      noise: { kind: 'gaussian', level: 0.8, seed: 1 },
    }).noisy.pixels;
    expect(noisy.every((value) => value >= 0 && value <= 1)).toBe(true);
    const untouched = queries.denoise(session, {
      pixels: clean,
      noise: { kind: 'salt-and-pepper', level: 0, seed: 1 },
    }).noisy.pixels;
    expect(Array.from(untouched)).toEqual(Array.from(clean));
  });

  it('gives the first-layer filters as the columns of the kernel', () => {
    const filters = queries.filters(session, { count: 2 });
    const kernel = read(vae.variables()['encoder.0.W']!);
    const column = (unit: number) =>
      Array.from({ length: inputDim }, (_, pixel) => kernel[pixel * 16 + unit]!);
    expect(Array.from(filters.pixels.subarray(inputDim))).toEqual(column(1));
  });

  it('passes the chosen digit to a conditional VAE, and the test labels when encoding', () => {
    const cvae = createVae({
      inputDim,
      latentDim: 2,
      hiddenDims: [8],
      conditional: { numClasses: 10 },
      seed: 5,
    });
    const conditional = new Session(session.digits);
    conditional.setModel(cvae);
    expect(conditional.summary().numClasses).toBe(10);
    const samples = queries.sample(conditional, { n: 3, seed: 4, label: 7 });
    const sevens = tensor1d([7, 7, 7], 'int32');
    expectClose(samples.pixels, read(cvae.sample(3, { seed: 4, labels: sevens })));
    const points = queries.latent(conditional, { count: 6 });
    const x = tensor2d(testX, [testCount, inputDim]);
    const labels = tensor1d(Array.from(testLabels), 'int32');
    expectClose(points.coordinates, read(cvae.encode(x, labels)));
    expect(() => queries.sample(conditional, { n: 1, seed: 0, label: 10 })).toThrow(
      'The digit must be an integer in [0, 10), got 10.',
    );
    for (const tensor of [sevens, x, labels]) tensor.dispose();
    conditional.handle?.model.dispose();
  });

  it.each([
    ['ae', { latentDim: 3, hidden: 8, loss: 'mse-sum', tiedWeights: false }, ['reconstruction']],
    [
      'denoising',
      { latentDim: 12, hidden: 0, corruption: 'gaussian', nu: 0.3 },
      ['reconstruction'],
    ],
    [
      'sparse',
      { latentDim: 10, penalty: 'kl', rho: 0.05, lambda: 3 },
      ['reconstruction', 'sparsity'],
    ],
    ['contractive', { latentDim: 6, hidden: 0, lambda: 0.1 }, ['reconstruction', 'contractive']],
    ['stacked', { stageFamily: 'sparse', units1: 12, units2: 5, units3: 0 }, ['reconstruction']],
  ] as const)(
    'builds a %s model from the panel and answers the views that apply',
    (name, parameters, terms) => {
      const family = workerFamilies.get(name)!;
      const model = family.create(parameters, { inputDim, numClasses: 10, seed: 1 });
      const other = new Session(session.digits);
      other.setModel(model);
      const summary = other.summary();
      expect(summary).toMatchObject({
        family: name,
        numClasses: null,
        capabilities: { sample: false, manifold: false, filters: true },
      });
      // The panel's values reach the configuration.
      const expectedCode = 'latentDim' in parameters ? parameters.latentDim : parameters.units2;
      expect(summary.codeDim).toBe(expectedCode);
      const x = tensor2d(testX, [testCount, inputDim]);
      const loss = model.lossTerms(x, { step: 0, training: true });
      expect(Object.keys(loss.terms).sort()).toEqual([...terms].sort());
      for (const scalar of [loss.total, ...Object.values(loss.terms)]) scalar.dispose();
      x.dispose();
      for (const query of [
        'reconstruct',
        'latent',
        'interpolate',
        'denoise',
        'filters',
        'histograms',
      ] as const) {
        const ask = () =>
          (queries[query] as (s: Session, a: unknown) => unknown)(other, args[query]);
        ask();
        const before = memory().numTensors;
        ask();
        expect(memory().numTensors, query).toBe(before);
      }
      const [codeUnits] = queries.histograms(other, { count: 6 });
      // Every default here has sigmoid code units.
      expect(codeUnits!.note).toMatch(/^sigmoid activations of 6 test digits/);
      const filters = queries.filters(other, { count: 4 });
      expect(filters.count).toBe(4);
      expect(queries.histograms(other, { count: 6 }).length).toBe(
        name === 'ae' || name === 'denoising' ? 1 : 2,
      );
      expect(() => queries.sample(other, { n: 1, seed: 0 })).toThrow(
        'This model has no prior to sample from.',
      );
      expect(() => queries.manifold(other, { n: 3, range: 1 })).toThrow();
      other.handle?.model.dispose();
    },
  );

  it('pretrains a stack stage by stage, naming each stage for the charts', async () => {
    const family = workerFamilies.get('stacked')!;
    const stack = family.create(
      { stageFamily: 'ae', units1: 8, units2: 3, units3: 0 },
      { inputDim, numClasses: 10, seed: 2 },
    );
    const before = Object.fromEntries(
      Object.entries(stack.variables()).map(([name, variable]) => [name, read(clone(variable))]),
    );
    const phases: string[] = [];
    const steps: string[] = [];
    const data = Dataset.fromRows(
      Array.from({ length: testCount }, (_, row) =>
        Array.from(testX.subarray(row * inputDim, (row + 1) * inputDim)),
      ),
    );
    const reason = await family.pretrain!(
      stack,
      data,
      {
        epochs: 2,
        batchSize: 3,
        callbacks: {
          onStepEnd: () => {
            steps.push(phases.at(-1)!);
          },
        },
      },
      (label) => phases.push(label),
    );
    expect(reason).toBe('completed');
    expect(phases).toEqual(['stage 1:', 'stage 2:']);
    // Two epochs of two batches per stage.
    expect(steps).toEqual([
      'stage 1:',
      'stage 1:',
      'stage 1:',
      'stage 1:',
      'stage 2:',
      'stage 2:',
      'stage 2:',
      'stage 2:',
    ]);
    for (const [name, variable] of Object.entries(stack.variables())) {
      expect(read(clone(variable)), name).not.toEqual(before[name]);
    }
    stack.dispose();
  });

  it('refuses a test digit that does not exist, and a model of another input size', () => {
    expect(() => queries.reconstruct(session, { indices: [6] })).toThrow(
      'Test digit 6 does not exist (there are 6).',
    );
    expect(() => session.setModel(createVae({ inputDim: 10, latentDim: 2 }))).toThrow(
      "The model takes 10 inputs, but the page's digits have 784 pixels (28 × 28).",
    );
    // The page's model is still there.
    expect(session.summary().codeDim).toBe(2);
  });
});
