import { type Autoencoder, deriveSeed, familyExtras } from '@aekit/core';
import { knnAccuracy, type LabelledFeatures, linearProbe } from '@aekit/evaluation';
import { maskingNoise } from '@aekit/layers';
import type { LoadedData } from '../data-source';
import type { FamilyAdapter, LabelledRows, Metric } from '../family-contract';
import {
  encodeRows,
  mapRows,
  mean,
  meanLossTerms,
  reconstructRows,
  takeRows,
} from '../model-calls';
import { encoderJacobianNorms } from './encoder-jacobian';
import { hasExtraMetrics, measureExtras } from './extra-metrics';

/**
 * How many examples each measurement uses. The loss terms and the squared error use the
 * whole test split; the probes a seeded subset, which keeps `aekit eval` to seconds.
 */
export const evaluationLimits = {
  /** Training examples the probes fit on. */
  probeTrain: 5000,
  /** Test examples the probes and the family's metrics are measured on. */
  test: 2000,
  /** Neighbours of the k-NN vote. */
  k: 5,
  /** ν of the masking noise of `corruptedReconstructionError`. */
  maskingRate: 0.25,
} as const;

/** The seed stream of the test masks: batch b is masked with `deriveSeed(seed, maskingStream, b)`. */
const maskingStream = 25;

/** What `aekit eval` found. */
export interface Evaluation {
  readonly metrics: readonly Metric[];
  /** What was left out, and why. */
  readonly notes: readonly string[];
}

/** Σ_j (x_j − x̂_j)² per example, averaged over the rows. */
function squaredError(rows: LabelledRows, reconstructions: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < rows.x.length; index += 1) {
    sum += (rows.x[index]! - reconstructions[index]!) ** 2;
  }
  return sum / rows.count;
}

function features(values: Float32Array, dim: number, rows: LabelledRows): LabelledFeatures {
  return { features: values, labels: rows.labels!, count: rows.count, dim };
}

function describeSubset(test: LabelledRows, data: LoadedData, seed: number): string {
  return test.count < data.test.size
    ? `${test.count} of the ${data.test.size} test examples (drawn with seed ${seed})`
    : `all ${test.count} test examples`;
}

/** The reconstruction error on clean and on masked inputs, on the whole test split. */
function reconstructionMetrics(
  adapter: FamilyAdapter,
  model: Autoencoder,
  data: LoadedData,
  rows: LabelledRows,
  seed: number,
  stage: (stage: string) => void,
): Metric[] {
  const nu = evaluationLimits.maskingRate;
  const clean = squaredError(rows, reconstructRows(adapter, model, rows));
  stage(`reconstructions of masked test inputs (ν = ${nu})`);
  const masked = mapRows(adapter, model, rows, (calls, x, labels, start) =>
    calls.reconstruct(
      maskingNoise(x, { rate: nu, training: true, seed: deriveSeed(seed, maskingStream, start) }),
      labels,
    ),
  );
  return [
    {
      key: 'reconstructionError',
      name: 'reconstruction error',
      value: clean,
      unit: 'per example',
      description: `Σ over the ${data.dim} values of (x − x̂)², x̂ = reconstruct(x) (values in [0, 1]), averaged over all ${rows.count} test examples`,
    },
    {
      key: 'corruptedReconstructionError',
      name: `reconstruction error from masked inputs (ν = ${nu})`,
      value: squaredError(rows, masked.values),
      unit: 'per example',
      description: `the same Σ (x − x̂)² against the clean x, but with x̂ reconstructed from x masked by the denoising corruption: each value set to 0 with probability ν = ${nu} (masks drawn with seed ${seed}), averaged over all ${rows.count} test examples; how well the model fills in what is missing`,
    },
  ];
}

/**
 * Measures `model` on `data`'s test split (see `evaluationLimits` for the subsets), with the
 * metrics of the extras its family declares.
 */
export async function evaluateModel(options: {
  adapter: FamilyAdapter;
  model: Autoencoder;
  data: LoadedData;
  iwSamples: number;
  seed: number;
  /** The run folder of the model, or `null` (see `FamilyContext.runDir`). */
  runDir: string | null;
  /** Called before each measurement, for progress lines. */
  onStage?: (stage: string) => void;
}): Promise<Evaluation> {
  const { adapter, model, data, seed } = options;
  const stage = options.onStage ?? (() => undefined);
  const metrics: Metric[] = [];
  const notes: string[] = [];

  stage('loss terms and reconstruction error on the test split');
  const wholeTest = takeRows(data.test, data.test.size);
  const losses = meanLossTerms(model, wholeTest, 0);
  for (const [name, value] of Object.entries(losses)) {
    metrics.push({
      key: name === 'total' ? 'loss' : name,
      name: name === 'total' ? 'loss' : `${name} term`,
      value,
      // Nats for likelihood terms, squared error or a penalty for others: the family decides.
      unit: 'per example',
      description: `${name === 'total' ? 'the training objective' : `the '${name}' term of the training objective`}, per example, in evaluation mode (no training noise), averaged over all ${wholeTest.count} test examples`,
    });
  }
  metrics.push(...reconstructionMetrics(adapter, model, data, wholeTest, seed, stage));

  const test = takeRows(data.test, evaluationLimits.test, seed);
  const subsetNote = describeSubset(test, data, seed);
  stage(`the encoder's Jacobian on ${subsetNote}`);
  const jacobian = encoderJacobianNorms(adapter, model, test);
  metrics.push({
    key: 'jacobianFrobenius',
    name: 'encoder Jacobian norm',
    value: mean(jacobian.norms),
    unit: 'Frobenius norm',
    description: `‖J_f(x)‖_F = (Σ_ij (∂f_i/∂x_j)²)^½ of the encoder f = encode (for a VAE the posterior mean x ↦ μ), how strongly the code moves with the input, computed exactly (${jacobian.method}) and averaged over ${subsetNote}; the contractive penalty lowers it`,
  });
  const codes = encodeRows(adapter, model, wholeTest);
  metrics.push({
    key: 'meanActivation',
    name: 'mean code activation',
    value: mean(codes.values),
    unit: 'activation',
    description: `the code encode(x) averaged over its ${codes.dim} units and all ${wholeTest.count} test examples (for a sparse autoencoder ρ̂, which the KL penalty pulls towards ρ; for a VAE the posterior means μ)`,
  });
  const extras = familyExtras(model.config.family);
  if (hasExtraMetrics(extras)) {
    stage(`the ${adapter.name} metrics on ${subsetNote}`);
    metrics.push(
      ...(await measureExtras(extras, {
        adapter,
        model,
        data,
        test,
        seed,
        iwSamples: options.iwSamples,
        runDir: options.runDir,
      })),
    );
  }

  if (test.labels === null) {
    notes.push('The data has no labels, so the linear probe and k-NN were skipped.');
    return { metrics, notes };
  }
  if (data.classNames === null || data.classNames.length < 2) {
    notes.push('The labels hold fewer than 2 classes, so the linear probe and k-NN were skipped.');
    return { metrics, notes };
  }
  const train = takeRows(data.train, evaluationLimits.probeTrain, seed);
  if (train.labels === null) return { metrics, notes };
  stage(`probes on ${train.count} training and ${test.count} test codes`);
  const trainCodes = encodeRows(adapter, model, train);
  const testCodes = encodeRows(adapter, model, test);
  const numClasses = data.classNames.length;
  const codeProbe = linearProbe(
    features(trainCodes.values, trainCodes.dim, train),
    features(testCodes.values, testCodes.dim, test),
    { numClasses, seed },
  );
  const pixelProbe = linearProbe(
    features(train.x, train.dim, train),
    features(test.x, test.dim, test),
    { numClasses, seed },
  );
  const k = Math.min(evaluationLimits.k, train.count);
  const codeKnn = knnAccuracy(
    features(trainCodes.values, trainCodes.dim, train),
    features(testCodes.values, testCodes.dim, test),
    { k },
  );
  const pixelKnn = knnAccuracy(
    features(train.x, train.dim, train),
    features(test.x, test.dim, test),
    { k },
  );
  metrics.push(
    {
      key: 'linearProbeAccuracy',
      name: 'linear-probe accuracy (codes)',
      value: codeProbe.testAccuracy,
      unit: 'accuracy',
      description: `how linearly separable the classes are in the ${trainCodes.dim}-D codes: ${codeProbe.description}`,
    },
    {
      key: 'linearProbeAccuracyInputs',
      name: 'linear-probe accuracy (raw inputs, baseline)',
      value: pixelProbe.testAccuracy,
      unit: 'accuracy',
      description: `the same probe on the raw ${data.dim} input values, for comparison: ${pixelProbe.description}`,
    },
    {
      key: 'knnAccuracy',
      name: `${k}-NN accuracy (codes)`,
      value: codeKnn.accuracy,
      unit: 'accuracy',
      description: `whether neighbours in code space share a class: ${codeKnn.description}`,
    },
    {
      key: 'knnAccuracyInputs',
      name: `${k}-NN accuracy (raw inputs, baseline)`,
      value: pixelKnn.accuracy,
      unit: 'accuracy',
      description: `the same ${k}-nearest-neighbour vote among the raw ${data.dim} input values of the same ${train.count} training and ${test.count} test examples, for comparison`,
    },
  );
  if (train.count < data.train.size || test.count < data.test.size) {
    notes.push(
      `For speed the probes fit on ${train.count} of ${data.train.size} training examples and are scored on ${subsetNote}.`,
    );
  }
  return { metrics, notes };
}
