import { DataNotFoundError, type Dataset, loadFashionMnist, loadMnist } from '@aekit/data';
import { initBackend } from '@aekit/runtime-wasm';
import * as tf from '@tensorflow/tfjs-core';

const mb = (bytes: number) => bytes / 1e6;

/** One pass over a dataset in batches. */
export interface EpochRow {
  /** `'[0, 1]'`, or `'dynamic binarisation'` (a fresh Bernoulli draw per pixel). */
  readonly variant: string;
  readonly backend: 'wasm';
  readonly batchSize: number;
  readonly batches: number;
  readonly ms: number;
  readonly samplesPerSecond: number;
  /** `tf.memory().numTensors` after the pass minus before it (0: nothing leaked). */
  readonly leakedTensors: number;
}

/** Loading the full Fashion-MNIST and batching its training set once. */
export type FashionMnistResult =
  | {
      readonly available: true;
      readonly loadMs: number;
      readonly trainSamples: number;
      readonly testSamples: number;
      /** Bytes of sample data both splits hold (uint8 pixels), in MB. */
      readonly sampleMB: number;
      /** Resident set size of the process before and after loading, in MB. */
      readonly rssBeforeMB: number;
      readonly rssAfterMB: number;
      /** After a garbage collection (when node runs with --expose-gc), else `null`. */
      readonly rssAfterGcMB: number | null;
      /** Memory held by ArrayBuffers (typed arrays) after loading, in MB. */
      readonly arrayBuffersMB: number;
      readonly epochs: readonly EpochRow[];
    }
  | { readonly available: false; readonly reason: string };

export interface DataResult {
  readonly mnist: {
    readonly loadMs: number;
    readonly trainSamples: number;
    readonly testSamples: number;
  };
  readonly fashionMnist: FashionMnistResult;
}

function timeEpoch(dataset: Dataset, variant: string, batchSize: number): EpochRow {
  const before = tf.memory().numTensors;
  const start = performance.now();
  let batches = 0;
  for (const batch of dataset.batches(batchSize)) {
    batches += 1;
    batch.dispose();
  }
  const ms = performance.now() - start;
  return {
    variant,
    backend: 'wasm',
    batchSize,
    batches,
    ms,
    samplesPerSecond: dataset.size / (ms / 1000),
    leakedTensors: tf.memory().numTensors - before,
  };
}

/**
 * Load time and resident memory of the full Fashion-MNIST (Debian's dataset-fashion-mnist,
 * or AEKIT_FASHION_MNIST_DIR), one epoch of its training set in batches of 128 on wasm, and
 * the load time of the embedded MNIST. Runs before anything else in the process so that the
 * memory figures are the dataset's. Without the Fashion-MNIST files, says so instead.
 */
export async function benchData(): Promise<DataResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rssBefore = process.memoryUsage().rss;
  let fashionMnist: FashionMnistResult;
  let start = performance.now();
  try {
    const { train, test } = await loadFashionMnist();
    const loadMs = performance.now() - start;
    const afterLoad = process.memoryUsage();
    gc?.();
    const rssAfterGc = gc === undefined ? null : process.memoryUsage().rss;
    await initBackend({ backend: 'wasm' });
    const shuffled = train.normalize().shuffle(1);
    const epochs = [
      timeEpoch(shuffled, '[0, 1]', 128),
      timeEpoch(shuffled.binarize({ mode: 'dynamic', seed: 1 }), 'dynamic binarisation', 128),
    ];
    fashionMnist = {
      available: true,
      loadMs,
      trainSamples: train.size,
      testSamples: test.size,
      sampleMB: mb(train.sampleBytes + test.sampleBytes),
      rssBeforeMB: mb(rssBefore),
      rssAfterMB: mb(afterLoad.rss),
      rssAfterGcMB: rssAfterGc === null ? null : mb(rssAfterGc),
      arrayBuffersMB: mb(afterLoad.arrayBuffers),
      epochs,
    };
  } catch (error) {
    if (!DataNotFoundError.isInstance(error)) throw error;
    fashionMnist = { available: false, reason: error.message };
  }
  start = performance.now();
  const mnist = await loadMnist();
  const mnistLoadMs = performance.now() - start;
  return {
    mnist: { loadMs: mnistLoadMs, trainSamples: mnist.train.size, testSamples: mnist.test.size },
    fashionMnist,
  };
}
