import {
  checkInteger,
  checkNumber,
  checkOptionsObject,
  checkPositiveInteger,
  checkSeed,
  createRng,
} from '@aekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { checkLabelledFeatures, checkSameWidth, type LabelledFeatures } from './labelled-features';

const linearProbeOptionNames = [
  'numClasses',
  'epochs',
  'batchSize',
  'learningRate',
  'l2',
  'seed',
] as const;

/** Options of `linearProbe`; only `numClasses` is required. */
export interface LinearProbeOptions {
  /** Classes in the labels, ≥ 2. */
  readonly numClasses: number;
  /** Passes over the training features. Default 30. */
  readonly epochs?: number;
  /** Mini-batch size. Default 256. */
  readonly batchSize?: number;
  /** Adam step size. Default 0.01. */
  readonly learningRate?: number;
  /** L2 weight penalty λ·‖W‖². Default 1e-4. */
  readonly l2?: number;
  /** Seed of the mini-batch order. Default 0. */
  readonly seed?: number;
}

/** What `linearProbe` measured. */
export interface LinearProbeResult {
  /** Fraction of test examples classified correctly. */
  readonly testAccuracy: number;
  /** Fraction of training examples classified correctly. */
  readonly trainAccuracy: number;
  /** What was measured, for reports. */
  readonly description: string;
}

/**
 * Linear-probe accuracy: how linearly separable the classes are in a representation. Fits a
 * multinomial logistic regression (softmax of W·z + b, cross-entropy, small L2 penalty, Adam) on
 * standardised training features — statistics from the training split only — and reports
 * accuracy on the test split. Runs on the active tfjs backend and leaves no tensor behind.
 * @param train `[count, dim]` features with labels in [0, numClasses), what the probe fits.
 * @param test  `[count, dim]` features with labels, what it is scored on (same `dim`).
 * @param options `numClasses` (required) and the fit's settings; an unknown key is an error.
 */
export function linearProbe(
  train: LabelledFeatures,
  test: LabelledFeatures,
  options: LinearProbeOptions,
): LinearProbeResult {
  const name = 'linearProbe';
  checkOptionsObject(name, 'options', options, linearProbeOptionNames);
  const numClasses = checkInteger(name, 'numClasses', options.numClasses, { min: 2 });
  checkLabelledFeatures(name, 'train', train, numClasses);
  checkLabelledFeatures(name, 'test', test, numClasses);
  checkSameWidth(name, train, test);
  const epochs = checkPositiveInteger(name, 'epochs', options.epochs ?? 30);
  const batchSize = checkPositiveInteger(name, 'batchSize', options.batchSize ?? 256);
  const learningRate = checkNumber(name, 'learningRate', options.learningRate ?? 0.01, {
    min: 0,
    minExclusive: true,
  });
  const l2 = checkNumber(name, 'l2', options.l2 ?? 1e-4, { min: 0 });
  const rng = createRng(checkSeed(name, 'seed', options.seed ?? 0));
  const dim = train.dim;

  // Standardise with training statistics.
  const mean = new Float64Array(dim);
  const variance = new Float64Array(dim);
  for (let i = 0; i < train.count; i += 1) {
    for (let j = 0; j < dim; j += 1) mean[j]! += train.features[i * dim + j]!;
  }
  for (let j = 0; j < dim; j += 1) mean[j]! /= train.count;
  for (let i = 0; i < train.count; i += 1) {
    for (let j = 0; j < dim; j += 1) variance[j]! += (train.features[i * dim + j]! - mean[j]!) ** 2;
  }
  const scale = Float32Array.from(variance, (v) => 1 / Math.sqrt(v / train.count + 1e-8));
  const shift = Float32Array.from(mean);

  // tf.variable keeps its initial tensor alive; building both inside tidy frees the zeros.
  const [weights, bias] = tf.tidy(() => [
    tf.variable(tf.zeros([dim, numClasses])),
    tf.variable(tf.zeros([numClasses])),
  ]) as [tf.Variable, tf.Variable];
  const optimizer = tf.train.adam(learningRate);
  const standardise = (features: Float32Array, count: number) =>
    tf.tidy(() =>
      tf.mul(tf.sub(tf.tensor2d(features, [count, dim]), tf.tensor1d(shift)), tf.tensor1d(scale)),
    );
  try {
    const x = standardise(train.features, train.count);
    const y = tf.tensor1d(Int32Array.from(train.labels), 'int32');
    try {
      for (let epoch = 0; epoch < epochs; epoch += 1) {
        const order = rng.permutation(train.count);
        for (let start = 0; start < train.count; start += batchSize) {
          const indices = order.subarray(start, Math.min(train.count, start + batchSize));
          tf.tidy(() => {
            const index = tf.tensor1d(Int32Array.from(indices), 'int32');
            const xb = tf.gather(x, index);
            const yb = tf.oneHot(tf.gather(y, index), numClasses);
            optimizer.minimize(() => {
              const logits = tf.add(tf.matMul(xb, weights), bias);
              const crossEntropy = tf.losses.softmaxCrossEntropy(yb, logits);
              return tf.add(crossEntropy, tf.mul(l2, tf.sum(tf.square(weights))));
            });
          });
        }
      }
    } finally {
      tf.dispose([x, y]);
    }
    const accuracy = (data: LabelledFeatures) =>
      tf.tidy(() => {
        const logits = tf.add(tf.matMul(standardise(data.features, data.count), weights), bias);
        const predicted = tf.argMax(logits, 1).dataSync();
        let correct = 0;
        for (let i = 0; i < data.count; i += 1) if (predicted[i] === data.labels[i]) correct += 1;
        return correct / data.count;
      });
    return {
      testAccuracy: accuracy(test),
      trainAccuracy: accuracy(train),
      description: `multinomial logistic regression on standardised ${dim}-dimensional features (Adam ${learningRate}, ${epochs} epochs, batch ${batchSize}, L2 ${l2}), trained on ${train.count} examples, accuracy on ${test.count}`,
    };
  } finally {
    tf.dispose([weights, bias]);
    optimizer.dispose();
  }
}
