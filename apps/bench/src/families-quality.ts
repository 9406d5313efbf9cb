import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { createAe, type MlpAutoencoder } from '@aekit/ae';
import { createContractiveAe } from '@aekit/contractive';
import { type Dataset, loadFashionMnist } from '@aekit/data';
import { createDenoisingAe } from '@aekit/denoising';
import { knnAccuracy, type LabelledFeatures, linearProbe } from '@aekit/evaluation';
import { maskingNoise } from '@aekit/layers';
import { initBackend } from '@aekit/runtime-wasm';
import { createSparseAe } from '@aekit/sparse';
import { fit } from '@aekit/train';
import * as tf from '@tensorflow/tfjs-core';
import { markdownTable } from './table';

/**
 * The quality measurements of the regularised autoencoders (issue 7): the vanilla, denoising,
 * KL-sparse, L1-sparse and contractive autoencoders trained on the official Fashion-MNIST
 * training split with the same widths, epochs, optimiser and seed, and measured on its test
 * split. Not part of `pnpm test`; run with `pnpm bench:families` (see the README).
 */

const usage = `Usage: pnpm bench:families [--epochs N] [--limit N] [--only name,name] [--json]

Trains the regularised autoencoders on Fashion-MNIST (784-256-784, Adam 1e-3, batch 128) and
prints their quality figures as a markdown table (default) or one JSON object (--json).
  --epochs N    training epochs of every model (default 5)
  --limit N     train on the first N training examples only (a smoke test; default all)
  --only a,b    run only these models (names as in the table)
  --json        print only one JSON object on stdout
  --help        show this help`;

const inputDim = 784;
const hiddenDim = 256;
const seed = 1;
const testMaskingRate = 0.25;
const testMaskingSeed = 12345;

/** The models compared: the same width, seed and reconstruction loss for all. */
const models: Readonly<Record<string, { description: string; create: () => MlpAutoencoder }>> = {
  vanilla: {
    description:
      'sigmoid code, sigmoid reconstruction, summed squared error (also the KL-sparse network without its penalty)',
    create: () => createAe({ inputDim, latentDim: hiddenDim, codeActivation: 'sigmoid', seed }),
  },
  denoising: {
    description: 'the vanilla network trained on masked inputs (ν = 0.25)',
    create: () =>
      createDenoisingAe({
        inputDim,
        latentDim: hiddenDim,
        codeActivation: 'sigmoid',
        corruptions: [{ type: 'masking', rate: 0.25 }],
        seed,
      }),
  },
  'sparse-kl': {
    description: 'sigmoid code, λ Σ_j KL(ρ ‖ ρ̂_j), ρ = 0.05, λ = 3',
    create: () =>
      createSparseAe({ inputDim, latentDim: hiddenDim, penalty: 'kl', rho: 0.05, lambda: 3, seed }),
  },
  'sparse-l1': {
    description: 'ReLU code, softplus reconstruction, λ (1/B) Σ_b ‖h_b‖₁, λ = 0.01',
    create: () =>
      createSparseAe({ inputDim, latentDim: hiddenDim, penalty: 'l1', lambda: 0.01, seed }),
  },
  'l1-network-unpenalised': {
    description: 'the L1-sparse network (ReLU code, softplus reconstruction) with λ = 0',
    create: () =>
      createSparseAe({ inputDim, latentDim: hiddenDim, penalty: 'l1', lambda: 0, seed }),
  },
  contractive: {
    description: 'the vanilla network with λ ‖J_f(x)‖²_F, λ = 0.1',
    create: () =>
      createContractiveAe({
        inputDim,
        latentDim: hiddenDim,
        codeActivation: 'sigmoid',
        lambda: 0.1,
        seed,
      }),
  },
};

/** What is measured for each model, on the 10,000 test images. */
export interface FamilyQuality {
  readonly model: string;
  readonly description: string;
  readonly trainSeconds: number;
  /** The last epoch's mean training loss terms. */
  readonly trainLoss: Readonly<Record<string, number>>;
  /** Mean over test images of Σ_j (x_j − x̂_j)² (784 pixels in [0, 1]). */
  readonly reconstructionError: number;
  /** The same with the encoder fed masked test images (ν = 0.25), compared with the clean ones. */
  readonly corruptedReconstructionError: number;
  /** Mean over test images of ‖J_f(x)‖_F, the encoder Jacobian's Frobenius norm. */
  readonly jacobianFrobenius: number;
  /** Mean over test images and code units of the code activation. */
  readonly meanActivation: number;
  /** Linear-probe (multinomial logistic regression) test accuracy on the codes. */
  readonly linearProbeAccuracy: number;
  /** 5-nearest-neighbour test accuracy on the codes. */
  readonly knnAccuracy: number;
}

/** Sums of per-example figures over a dataset, in batches, on clean and masked inputs. */
function measure(model: MlpAutoencoder, test: Dataset) {
  let squaredError = 0;
  let corruptedError = 0;
  let jacobian = 0;
  let activation = 0;
  let batchIndex = 0;
  for (const batch of test.batches(500)) {
    const values = tf.tidy(() => {
      const x = batch.x;
      const clean = tf.sum(tf.square(tf.sub(x, model.reconstruct(x))));
      const masked = maskingNoise(x, {
        rate: testMaskingRate,
        training: true,
        seed: testMaskingSeed + batchIndex,
      });
      const corrupted = tf.sum(tf.square(tf.sub(x, model.reconstruct(masked))));
      const norms = tf.sum(model.jacobianNorm(x));
      const codes = tf.sum(model.hiddenActivations(x));
      return tf.stack([clean, corrupted, norms, tf.div(codes, hiddenDim)]);
    });
    const [clean, corrupted, norms, codes] = values.dataSync();
    values.dispose();
    squaredError += clean!;
    corruptedError += corrupted!;
    jacobian += norms!;
    activation += codes!;
    batchIndex += 1;
    batch.dispose();
  }
  const n = test.size;
  return {
    reconstructionError: squaredError / n,
    corruptedReconstructionError: corruptedError / n,
    jacobianFrobenius: jacobian / n,
    meanActivation: activation / n,
  };
}

/** The codes of every example, with labels, for the probes. */
function codesOf(model: MlpAutoencoder, data: Dataset): LabelledFeatures {
  const features = new Float32Array(data.size * hiddenDim);
  let offset = 0;
  for (const batch of data.batches(1000)) {
    const codes = model.encode(batch.x);
    features.set(codes.dataSync(), offset);
    offset += codes.size;
    codes.dispose();
    batch.dispose();
  }
  const labels = data.labels;
  if (labels === null) throw new Error('families-quality: Fashion-MNIST has labels.');
  return { features, labels, count: data.size, dim: hiddenDim };
}

async function runModel(
  name: string,
  train: Dataset,
  test: Dataset,
  epochs: number,
  log: (line: string) => void,
): Promise<FamilyQuality> {
  const spec = models[name]!;
  const model = spec.create();
  try {
    const started = performance.now();
    const history = await fit(model, train, {
      epochs,
      batchSize: 128,
      learningRate: 1e-3,
      seed,
      callbacks: {
        onEpochEnd: (info) =>
          log(
            `  ${name} epoch ${info.epoch}/${info.epochs}: ${Object.entries(info.train)
              .map(([term, value]) => `${term} ${value.toFixed(4)}`)
              .join(', ')} (${info.seconds.toFixed(0)} s)`,
          ),
      },
    });
    const trainSeconds = (performance.now() - started) / 1000;
    const figures = measure(model, test);
    const trainCodes = codesOf(model, train);
    const testCodes = codesOf(model, test);
    const probe = linearProbe(trainCodes, testCodes, { numClasses: 10, seed });
    const knn = knnAccuracy(trainCodes, testCodes, { k: 5 });
    const result: FamilyQuality = {
      model: name,
      description: spec.description,
      trainSeconds,
      trainLoss: Object.fromEntries(
        Object.entries(history.train).map(([term, series]) => [term, series.at(-1)!]),
      ),
      ...figures,
      linearProbeAccuracy: probe.testAccuracy,
      knnAccuracy: knn.accuracy,
    };
    log(`  ${name}: ${JSON.stringify(result)}`);
    return result;
  } finally {
    model.dispose();
  }
}

/** The issue's four comparisons, evaluated on the measured figures. */
function comparisons(results: readonly FamilyQuality[]) {
  const by = (name: string) => results.find((result) => result.model === name);
  const vanilla = by('vanilla');
  const denoising = by('denoising');
  const kl = by('sparse-kl');
  const l1 = by('sparse-l1');
  const l1Free = by('l1-network-unpenalised');
  const contractive = by('contractive');
  const checks: { claim: string; holds: boolean | null; detail: string }[] = [];
  checks.push({
    claim: 'denoising has a lower corruptedReconstructionError than vanilla',
    holds:
      vanilla && denoising
        ? denoising.corruptedReconstructionError < vanilla.corruptedReconstructionError
        : null,
    detail:
      vanilla && denoising
        ? `${denoising.corruptedReconstructionError.toFixed(3)} vs ${vanilla.corruptedReconstructionError.toFixed(3)}`
        : 'not run',
  });
  checks.push({
    claim:
      'KL-sparse mean activation within 25% of ρ = 0.05, clearly below the same network without the penalty (vanilla)',
    holds:
      vanilla && kl
        ? Math.abs(kl.meanActivation - 0.05) <= 0.25 * 0.05 &&
          kl.meanActivation < 0.5 * vanilla.meanActivation
        : null,
    detail:
      vanilla && kl
        ? `${kl.meanActivation.toFixed(4)} (ρ ± 25%: [0.0375, 0.0625]) vs ${vanilla.meanActivation.toFixed(4)}`
        : 'not run',
  });
  checks.push({
    claim: 'L1-sparse lowers the mean activation of the same network without the penalty',
    holds: l1 && l1Free ? l1.meanActivation < l1Free.meanActivation : null,
    detail:
      l1 && l1Free
        ? `${l1.meanActivation.toFixed(4)} vs ${l1Free.meanActivation.toFixed(4)}`
        : 'not run',
  });
  checks.push({
    claim:
      'contractive has a lower jacobianFrobenius than vanilla and a linear-probe accuracy at most 1 point below it',
    holds:
      vanilla && contractive
        ? contractive.jacobianFrobenius < vanilla.jacobianFrobenius &&
          contractive.linearProbeAccuracy >= vanilla.linearProbeAccuracy - 0.01
        : null,
    detail:
      vanilla && contractive
        ? `‖J‖_F ${contractive.jacobianFrobenius.toFixed(3)} vs ${vanilla.jacobianFrobenius.toFixed(3)}; probe ${(100 * contractive.linearProbeAccuracy).toFixed(2)}% vs ${(100 * vanilla.linearProbeAccuracy).toFixed(2)}%`
        : 'not run',
  });
  return checks;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string', default: '5' },
      limit: { type: 'string' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const epochs = Number(values.epochs);
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new Error(`--epochs must be a positive integer, got ${values.epochs}.`);
  const names = values.only === undefined ? Object.keys(models) : values.only.split(',');
  for (const name of names) {
    if (!(name in models))
      throw new Error(
        `--only: unknown model '${name}'; models: ${Object.keys(models).join(', ')}.`,
      );
  }
  const log = (line: string) => console.error(line);
  const info = await initBackend({ backend: 'wasm' });
  const fashion = await loadFashionMnist();
  let train = fashion.train.normalize();
  if (values.limit !== undefined) train = train.take(Number(values.limit));
  const test = fashion.test.normalize();
  log(
    `Fashion-MNIST: ${train.size} training, ${test.size} test images; ${epochs} epochs; backend ${info.backend}`,
  );
  const results: FamilyQuality[] = [];
  const started = performance.now();
  for (const name of names) {
    log(`${name}: ${models[name]!.description}`);
    results.push(await runModel(name, train, test, epochs, log));
  }
  const checks = comparisons(results);
  const summary = {
    environment: {
      node: process.version,
      tfjs: tf.version_core,
      backend: info.backend,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
    },
    setup: {
      data: `Fashion-MNIST official split, ${train.size} train / ${test.size} test, pixels / 255`,
      network: `${inputDim}-${hiddenDim}-${inputDim}, one hidden layer`,
      training: `Adam 1e-3, batch 128, ${epochs} epochs, seed ${seed}`,
      corruptedTest: `masking ν = ${testMaskingRate}`,
      probes: 'linear probe and 5-NN on the 256-unit codes (train codes → test codes)',
    },
    totalSeconds: (performance.now() - started) / 1000,
    results,
    comparisons: checks,
  };
  await mkdir(new URL('../results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL('../results/families-quality.json', import.meta.url),
    `${JSON.stringify(summary, null, 2)}\n`,
  );
  if (values.json) {
    console.log(JSON.stringify(summary));
    return;
  }
  console.log(
    `## Regularised autoencoders on Fashion-MNIST (${summary.setup.network}, ${summary.setup.training})\n`,
  );
  console.log(
    markdownTable(
      [
        'model',
        'reconstructionError',
        'corruptedReconstructionError',
        'jacobianFrobenius',
        'meanActivation',
        'linearProbeAccuracy',
        'knnAccuracy',
        'train s',
      ],
      results.map((result) => [
        result.model,
        result.reconstructionError.toFixed(3),
        result.corruptedReconstructionError.toFixed(3),
        result.jacobianFrobenius.toFixed(3),
        result.meanActivation.toFixed(4),
        `${(100 * result.linearProbeAccuracy).toFixed(2)}%`,
        `${(100 * result.knnAccuracy).toFixed(2)}%`,
        result.trainSeconds.toFixed(0),
      ]),
    ),
  );
  console.log('\n## The issue’s comparisons\n');
  console.log(
    markdownTable(
      ['claim', 'holds', 'measured'],
      checks.map((check) => [
        check.claim,
        check.holds === null ? 'not run' : check.holds ? 'yes' : 'NO',
        check.detail,
      ]),
    ),
  );
  console.log(
    `\nNode ${summary.environment.node}, tfjs ${summary.environment.tfjs}, ${summary.environment.cores} × ${summary.environment.cpu}; ${summary.totalSeconds.toFixed(0)} s in all.`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
