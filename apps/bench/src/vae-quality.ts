/**
 * The VAE quality check of issue 6, against the PyTorch reference (apps/bench/pytorch):
 * 784-400-20 ReLU VAE, Bernoulli likelihood on [0, 1] intensities, Adam 1e-3, batch 128, 10
 * epochs on the official Fashion-MNIST split; reports the test −ELBO per example, and the
 * importance-weighted log-likelihood for k = 1, 10, 100 on the first test examples.
 *
 *   pnpm --filter @aekit/bench build && node apps/bench/dist/vae-quality.js [--epochs 10] [--backend wasm] [--json]
 */
import { parseArgs } from 'node:util';
import { type Dataset, loadFashionMnist } from '@aekit/data';
import { initBackend } from '@aekit/runtime-wasm';
import { fit } from '@aekit/train';
import { createVae, type Vae } from '@aekit/vae';
import * as tf from '@tensorflow/tfjs-core';

interface Args {
  epochs: number;
  backend: 'wasm' | 'cpu';
  seed: number;
  iwExamples: number;
  json: boolean;
}

function parse(): Args {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string', default: '10' },
      backend: { type: 'string', default: 'wasm' },
      seed: { type: 'string', default: '1' },
      'iw-examples': { type: 'string', default: '1000' },
      json: { type: 'boolean', default: false },
    },
  });
  return {
    epochs: Number(values.epochs),
    backend: values.backend as 'wasm' | 'cpu',
    seed: Number(values.seed),
    iwExamples: Number(values['iw-examples']),
    json: values.json,
  };
}

/** Mean over examples of a per-example tensor function, batch by batch. */
function meanOver(data: Dataset, fn: (x: tf.Tensor2D) => tf.Tensor1D): number {
  let sum = 0;
  let count = 0;
  for (const batch of data.batches(1000)) {
    const values = fn(batch.x);
    for (const value of values.dataSync()) sum += value;
    count += batch.x.shape[0];
    values.dispose();
    batch.dispose();
  }
  return sum / count;
}

async function main(): Promise<void> {
  const args = parse();
  await initBackend({ backend: args.backend });
  const fashion = await loadFashionMnist();
  const train = fashion.train.normalize();
  const test = fashion.test.normalize();
  const vae: Vae = createVae({ inputDim: 784, latentDim: 20, hiddenDims: [400], seed: args.seed });
  const log = (text: string) => {
    if (!args.json) console.log(text);
  };
  const history = await fit(vae, train, {
    epochs: args.epochs,
    batchSize: 128,
    optimizer: 'adam',
    learningRate: 1e-3,
    seed: args.seed,
    callbacks: {
      onEpochEnd: (info) =>
        log(
          `epoch ${info.epoch}: train −ELBO ${info.train.total.toFixed(2)} (${info.samplesPerSecond.toFixed(0)} samples/s)`,
        ),
    },
  });
  const testNegativeElbo = meanOver(test, (x) => tf.tidy(() => tf.neg(vae.elbo(x, { seed: 7 }))));
  // What the PyTorch reference measures too: training plus test −ELBO (before the IW estimates).
  const trainingPeakRssMB = process.resourceUsage().maxRSS / 1000;
  const iwSubset = test.take(args.iwExamples);
  const iw: Record<string, number> = {};
  for (const k of [1, 10, 100]) {
    iw[`k${k}`] = meanOver(iwSubset, (x) =>
      vae.logLikelihood(x, { importanceSamples: k, seed: 11 }),
    );
  }
  const elboSubset = meanOver(iwSubset, (x) => vae.elbo(x, { seed: 11 }));
  const result = {
    implementation: 'aekit',
    backend: args.backend,
    epochs: args.epochs,
    samplesPerSecond:
      history.samplesPerSecond.reduce((sum, value) => sum + value, 0) /
      history.samplesPerSecond.length,
    trainNegativeElbo: history.train.total?.at(-1),
    testNegativeElbo,
    importanceWeighted: { examples: args.iwExamples, elbo: elboSubset, logLikelihood: iw },
    // Peak resident set size (Node reports kilobytes): after training and the test −ELBO, and
    // at the end, after the importance-weighted estimates.
    trainingPeakRssMB,
    peakRssMB: process.resourceUsage().maxRSS / 1000,
  };
  log(`test −ELBO per example: ${testNegativeElbo.toFixed(2)} nats`);
  log(
    `IW log-likelihood on ${args.iwExamples} test examples: k=1 ${iw.k1!.toFixed(2)}, k=10 ${iw.k10!.toFixed(2)}, k=100 ${iw.k100!.toFixed(2)} (ELBO ${elboSubset.toFixed(2)})`,
  );
  console.log(JSON.stringify(result));
  vae.dispose();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
