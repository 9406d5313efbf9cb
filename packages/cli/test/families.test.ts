import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MlpAutoencoder } from '@aekit/ae';
import { deriveSeed } from '@aekit/core';
import { loadIdx } from '@aekit/data';
import { maskingNoise } from '@aekit/layers';
import { initBackend } from '@aekit/runtime-wasm';
import type { StackedAe, StackedClassifier } from '@aekit/stacked';
import { expectAllClose } from '@aekit/test-utils';
import { loadModel } from '@aekit/train';
import '@aekit/ae';
import '@aekit/contractive';
import '@aekit/denoising';
import '@aekit/sparse';
import '@aekit/stacked';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldOutFraction, splitSeed } from '../src/data-source';
import { type CliResult, parseJsonLine, runAekit, writeTinyIdx } from './helpers';

// The families beyond the VAE, through the built `dist/bin.js` in child processes (build
// first). Data: 160 hand-made 8 × 8 images of 4 classes (see helpers.ts), so the report draws
// them as images.

const count = 160;
let dir: string;
let data: string;
const trained: Record<string, CliResult> = {};
const evaluated: Record<string, CliResult> = {};

const common = ['--epochs', '2', '--batch-size', '32', '--json'];
const runs: Record<string, string[]> = {
  ae: ['--family', 'ae', '--latent', '6', '--hidden', '12', '--tied'],
  denoising: ['--family', 'denoising', '--latent', '10', '--masking', '0.3', '--gaussian', '0.1'],
  // Overcomplete: 80 hidden units for 64 inputs.
  sparse: ['--family', 'sparse', '--latent', '80', '--rho', '0.1', '--lambda', '1'],
  contractive: [
    '--family',
    'contractive',
    '--latent',
    '6',
    '--lambda',
    '0.5',
    '--loss',
    'bernoulli',
  ],
  // One epoch per phase but two per stage: 2 × 2 + 1 + 1 = 6 epochs from scratch.
  stacked: [
    '--family',
    'stacked',
    '--layers',
    '12,6',
    '--layer-family',
    'sparse',
    '--rho',
    '0.1',
    '--finetune',
    '--pretrain-epochs',
    '2',
    '--epochs',
    '1',
  ],
};
const families = Object.keys(runs);

/** The test split the CLI documents for one IDX file: `heldOutFraction`, seeded, stratified. */
async function testSplit() {
  const [images, labels] = data.slice(4).split(',') as [string, string];
  const dataset = (await loadIdx({ images, labels })).normalize();
  const [test] = dataset.split(Math.round(count * heldOutFraction), {
    seed: splitSeed,
    stratify: true,
  });
  return test;
}

function metricsOf(result: CliResult) {
  return parseJsonLine(result).metrics as Record<
    string,
    { value: number; description: string; matrix?: { rows: string[]; values: number[][] } }
  >;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-families-'));
  const files = await writeTinyIdx(dir, count);
  data = `idx:${files.images},${files.labels}`;
  const results = await Promise.all(
    families.map((family) =>
      runAekit(['train', '--data', data, ...common, ...runs[family]!, '--out', family], dir),
    ),
  );
  families.forEach((family, index) => {
    trained[family] = results[index]!;
  });
  const evaluations = await Promise.all(
    families.map((family) => runAekit(['eval', '--model', family, '--json'], dir)),
  );
  families.forEach((family, index) => {
    evaluated[family] = evaluations[index]!;
  });
  await initBackend({ backend: 'cpu' });
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('aekit train --family ae|denoising|sparse|contractive', () => {
  it('--json prints the loss terms of each family, and run.json holds the flags', async () => {
    const expectedTerms: Record<string, string[]> = {
      ae: ['loss', 'reconstruction'],
      denoising: ['loss', 'reconstruction'],
      sparse: ['loss', 'reconstruction', 'sparsity'],
      contractive: ['contractive', 'loss', 'reconstruction'],
    };
    for (const [family, terms] of Object.entries(expectedTerms)) {
      const result = trained[family]!;
      expect(result.stderr, family).toBe('');
      expect(result.code, family).toBe(0);
      const summary = parseJsonLine(result);
      expect(summary).toMatchObject({ family, epochs: 2, stopReason: 'completed' });
      const test = summary.test as Record<string, number>;
      expect(Object.keys(test).sort(), family).toEqual(terms);
      // The loss is the sum of its terms (float32 sums of per-batch means).
      const parts = terms.filter((term) => term !== 'loss').map((term) => test[term]!);
      expectAllClose(
        test.loss!,
        parts.reduce((sum, part) => sum + part, 0),
        {
          rtol: 1e-5,
          atol: 1e-5,
        },
      );
    }
    const config = async (family: string) =>
      JSON.parse(await readFile(join(dir, family, 'run.json'), 'utf8')).modelConfig;
    expect(await config('ae')).toMatchObject({
      family: 'ae',
      inputDim: 64,
      hiddenDims: [12],
      latentDim: 6,
      tiedWeights: true,
      loss: 'mse-sum',
    });
    expect(await config('denoising')).toMatchObject({
      latentDim: 10,
      hiddenDims: [],
      corruptions: [
        { type: 'masking', rate: 0.3 },
        { type: 'gaussian', std: 0.1, clip: [0, 1] },
      ],
    });
    expect(await config('sparse')).toMatchObject({
      latentDim: 80,
      penalty: 'kl',
      rho: 0.1,
      lambda: 1,
    });
    expect(await config('contractive')).toMatchObject({ lambda: 0.5, loss: 'bernoulli' });
  });

  it("adds each family's sections to report.html", async () => {
    const headings = async (family: string) => {
      const html = await readFile(join(dir, family, 'report.html'), 'utf8');
      return [...html.matchAll(/<h2>([^<]+)<\/h2>/g)].map((match) => match[1]);
    };
    const common = ['Training curves', 'Reconstructions', 'Codes of the test examples'];
    expect(await headings('ae')).toEqual([...common, 'Hidden activations']);
    expect(await headings('contractive')).toEqual([...common, 'Hidden activations']);
    expect(await headings('sparse')).toEqual([...common, 'Hidden activations', 'Learned filters']);
    expect(await headings('denoising')).toEqual([
      ...common,
      'Hidden activations',
      'Learned filters',
      'Denoising: corrupted, reconstructed, clean',
    ]);
    const html = await readFile(join(dir, 'sparse', 'report.html'), 'utf8');
    // The KL target is drawn on the activation histograms, and the 80 filters are tiled.
    expect(html).toContain('the target ρ (purple line) 0.1.');
    expect(html).toContain('all 80 hidden units');
  });
});

describe('aekit eval on every family', () => {
  const issueKeys = [
    'reconstructionError',
    'corruptedReconstructionError',
    'jacobianFrobenius',
    'meanActivation',
    'linearProbeAccuracy',
    'knnAccuracy',
  ];

  it('reports the shared metrics, each with what it measured', () => {
    for (const family of families) {
      const result = evaluated[family]!;
      expect(result.stderr, family).toBe('');
      const metrics = metricsOf(result);
      expect(Object.keys(metrics), family).toEqual(expect.arrayContaining(issueKeys));
      for (const [key, metric] of Object.entries(metrics)) {
        expect(Number.isFinite(metric.value), `${family} ${key}`).toBe(true);
        expect(metric.description.length, `${family} ${key}`).toBeGreaterThan(40);
      }
    }
  });

  it('measures the code activations and the encoder Jacobian as their formulas say (float64)', async () => {
    // The sparse model is one sigmoid layer h = σ(xW + b), so ‖J‖²_F = Σ_j (h_j(1 − h_j))² Σ_i W_ij².
    const test = await testSplit();
    const model = await loadModel<MlpAutoencoder>(join(dir, 'sparse', 'model'));
    const variables = model.variables();
    const W = variables['encoder.0.W']!.arraySync() as number[][];
    const b = variables['encoder.0.b']!.arraySync() as number[];
    const x = test.toTensor();
    const rows = x.arraySync() as number[][];
    const units = b.length;
    const columnNorms = b.map((_, j) => W.reduce((sum, row) => sum + row[j]! ** 2, 0));
    let activation = 0;
    let jacobian = 0;
    for (const row of rows) {
      let squared = 0;
      for (let j = 0; j < units; j += 1) {
        const a = row.reduce((sum, value, i) => sum + value * W[i]![j]!, b[j]!);
        const h = 1 / (1 + Math.exp(-a));
        activation += h / (rows.length * units);
        squared += (h * (1 - h)) ** 2 * columnNorms[j]!;
      }
      jacobian += Math.sqrt(squared) / rows.length;
    }
    const metrics = metricsOf(evaluated.sparse!);
    expectAllClose(metrics.meanActivation!.value, activation, { rtol: 1e-4, atol: 0 });
    expectAllClose(metrics.jacobianFrobenius!.value, jacobian, { rtol: 1e-4, atol: 0 });
    tf.dispose(x);
    model.dispose();
  });

  it('measures the reconstruction error from masked inputs against the clean ones (float64)', async () => {
    const test = await testSplit();
    const model = await loadModel<MlpAutoencoder>(join(dir, 'denoising', 'model'));
    const x = test.toTensor();
    // The documented masks: ν = 0.25, the 16 test rows in one batch of seed --seed (0).
    const masked = maskingNoise(x, { rate: 0.25, training: true, seed: deriveSeed(0, 25, 0) });
    const zeroed = Array.from(masked.dataSync()).filter((value) => value === 0).length;
    expect(zeroed / masked.size).toBeGreaterThan(0.15);
    const reconstruction = model.reconstruct(masked);
    const clean = x.dataSync();
    const rebuilt = reconstruction.dataSync();
    let sum = 0;
    for (let index = 0; index < clean.length; index += 1)
      sum += (clean[index]! - rebuilt[index]!) ** 2;
    const metrics = metricsOf(evaluated.denoising!);
    expectAllClose(metrics.corruptedReconstructionError!.value, sum / test.size, {
      rtol: 1e-4,
      atol: 0,
    });
    expect(metrics.corruptedReconstructionError!.value).not.toBe(
      metrics.reconstructionError!.value,
    );
    tf.dispose([x, masked, reconstruction]);
    model.dispose();
  });
});

describe('aekit train --family stacked', () => {
  it('pretrains, trains the head, fine-tunes and compares with a network from scratch', async () => {
    const result = trained.stacked!;
    expect(result.stderr).toBe('');
    const summary = parseJsonLine(result);
    const stacked = summary.stacked as {
      layers: number[];
      layerFamily: string;
      epochs: Record<string, number>;
      accuracy: Record<string, number>;
      classifier: string;
    };
    expect(stacked).toMatchObject({
      layers: [12, 6],
      layerFamily: 'sparse',
      epochs: { pretrainPerStage: 2, head: 1, fineTune: 1, fromScratch: 6 },
      classifier: join(dir, 'stacked', 'classifier'),
    });
    for (const accuracy of Object.values(stacked.accuracy)) {
      expect(accuracy).toBeGreaterThanOrEqual(0);
      expect(accuracy).toBeLessThanOrEqual(1);
    }
    const record = JSON.parse(await readFile(join(dir, 'stacked', 'stacked.json'), 'utf8'));
    expect(record.pretraining.map((history: { epochs: number[] }) => history.epochs)).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(Object.keys(record.pretraining[0].train).sort()).toEqual([
      'reconstruction',
      'sparsity',
      'total',
    ]);
    expect([record.head.epochs, record.fineTune.epochs, record.fromScratch.epochs]).toEqual([
      [1],
      [1],
      [1, 2, 3, 4, 5, 6],
    ]);
    // history.json: the classifier's epochs, head then fine-tuning.
    const history = JSON.parse(await readFile(join(dir, 'stacked', 'history.json'), 'utf8'));
    expect(history.epochs).toEqual([1, 2]);
    expect(Object.keys(history.train).sort()).toEqual(['crossEntropy', 'total']);
  });

  it('saves the pretrained stack and the fine-tuned classifier, both loadable', async () => {
    const stack = await loadModel<StackedAe>(join(dir, 'stacked', 'model'));
    const classifier = await loadModel<StackedClassifier>(join(dir, 'stacked', 'classifier'));
    expect(stack.config.family).toBe('stacked');
    expect(stack.config.latentDims).toEqual([12, 6]);
    // The stage flags reached every stage.
    expect(stack.config.stages.map((stage) => [stage.family, stage.rho])).toEqual([
      ['sparse', 0.1],
      ['sparse', 0.1],
    ]);
    expect(classifier.config).toMatchObject({
      family: 'stacked-classifier',
      numClasses: 4,
      trainable: [true, true],
    });
    // The classifier was built on a copy of the pretrained stack: the decoders (never trained
    // with the labels) are identical, the encoders moved in fine-tuning, and model/ kept the
    // pretrained ones.
    const own = stack.variables();
    const tuned = classifier.variables();
    expect(tuned['stack.stage0.decoder.0.W']!.dataSync()).toEqual(
      own['stage0.decoder.0.W']!.dataSync(),
    );
    expect(tuned['stack.stage0.encoder.0.W']!.dataSync()).not.toEqual(
      own['stage0.encoder.0.W']!.dataSync(),
    );
    // Independently: the classifier's accuracy on the documented test split.
    const test = await testSplit();
    const x = test.toTensor();
    const predicted = classifier.predict(x).dataSync();
    const labels = test.labels!;
    let correct = 0;
    for (let index = 0; index < labels.length; index += 1) {
      if (predicted[index] === labels[index]) correct += 1;
    }
    const record = JSON.parse(await readFile(join(dir, 'stacked', 'stacked.json'), 'utf8'));
    expect(record.accuracy.fineTuned).toBe(correct / labels.length);
    const metrics = metricsOf(evaluated.stacked!);
    expect(metrics.classifierAccuracy!.value).toBe(correct / labels.length);
    const matrix = metrics.classifierAccuracy!.matrix!;
    expect(matrix.rows).toEqual(['0', '1', '2', '3']);
    expect(matrix.values).toEqual(record.confusion);
    expect(matrix.values.flat().reduce((sum, value) => sum + value, 0)).toBe(labels.length);
    x.dispose();
    classifier.dispose();
    stack.dispose();
  });

  it('writes the stacked report and prints the confusion matrix', async () => {
    const html = await readFile(join(dir, 'stacked', 'report.html'), 'utf8');
    for (const heading of [
      'Greedy layer-wise pretraining',
      'Reconstructions at each stage',
      "The first layer's filters",
      'Classification: head only, fine-tuned, from scratch',
      'Confusion matrix',
    ]) {
      expect(html).toContain(`<h2>${heading}</h2>`);
    }
    expect(html).toContain('same network from scratch');
    const human = await runAekit(['eval', '--model', 'stacked', '--backend', 'cpu'], dir);
    expect(human.stdout).toMatch(
      /^classifier accuracy \(fine-tuned\) — confusion matrix, rows: true class, columns: predicted class:$/m,
    );
    expect(human.stdout).toMatch(/^0 +\d+ +\d+ +\d+ +\d+$/m);
  });
});

describe('aekit train --family stacked refuses', () => {
  it('stacked needs labelled data, and a stacked run cannot be resumed', async () => {
    const images = data.slice(4).split(',')[0]!;
    const [unlabelled, resumed] = await Promise.all([
      runAekit(['train', '--family', 'stacked', '--data', `idx:${images}`, '--out', 'none'], dir),
      runAekit(['train', '--resume', 'stacked'], dir),
    ]);
    expect(unlabelled.stderr).toBe(
      `aekit train: '--data' must be labelled, with at least 2 classes, for --family stacked (its softmax classifier learns the classes), got "data without labels".\n`,
    );
    expect(unlabelled.code).toBe(2);
    expect(existsSync(join(dir, 'none'))).toBe(false);
    expect(resumed.stderr).toBe(
      'aekit train: a stacked run cannot be resumed (it trains in phases without checkpoints); start it again without --resume.\n',
    );
    expect(resumed.code).toBe(1);
  });
});
