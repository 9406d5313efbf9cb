import { checkInteger, checkPositiveInteger, createRng, InvalidArgumentError } from '@aekit/core';
import * as tf from '@tensorflow/tfjs-core';

/** Codes (or any features) with integer class labels. */
export interface LabelledFeatures {
  /** `[count, dim]` row-major. */
  readonly features: Float32Array;
  /** `[count]` integer labels in [0, numClasses). */
  readonly labels: ArrayLike<number>;
  readonly count: number;
  readonly dim: number;
}

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

function checkFeatures(argument: string, data: LabelledFeatures, numClasses: number): void {
  checkPositiveInteger('linearProbe', `${argument}.count`, data.count);
  checkPositiveInteger('linearProbe', `${argument}.dim`, data.dim);
  if (data.features.length !== data.count * data.dim || data.labels.length !== data.count) {
    throw new InvalidArgumentError({
      functionName: 'linearProbe',
      argument,
      rule: `features of count × dim = ${data.count * data.dim} values and ${data.count} labels`,
      value: `${data.features.length} values and ${data.labels.length} labels`,
    });
  }
  for (let i = 0; i < data.count; i += 1) {
    checkInteger('linearProbe', `${argument}.labels[${i}]`, data.labels[i], {
      min: 0,
      max: numClasses - 1,
    });
  }
}

/**
 * Linear-probe accuracy: how linearly separable the classes are in a representation. Fits a
 * multinomial logistic regression (softmax of W·z + b, cross-entropy, small L2 penalty, Adam) on
 * standardised training features — statistics from the training split only — and reports
 * accuracy on the test split.
 */
export function linearProbe(
  train: LabelledFeatures,
  test: LabelledFeatures,
  options: LinearProbeOptions,
): LinearProbeResult {
  const numClasses = checkInteger('linearProbe', 'numClasses', options.numClasses, { min: 2 });
  checkFeatures('train', train, numClasses);
  checkFeatures('test', test, numClasses);
  if (train.dim !== test.dim) {
    throw new InvalidArgumentError({
      functionName: 'linearProbe',
      argument: 'test.dim',
      rule: `equal to train.dim (${train.dim})`,
      value: test.dim,
    });
  }
  const epochs = checkPositiveInteger('linearProbe', 'epochs', options.epochs ?? 30);
  const batchSize = checkPositiveInteger('linearProbe', 'batchSize', options.batchSize ?? 256);
  const learningRate = options.learningRate ?? 0.01;
  const l2 = options.l2 ?? 1e-4;
  const rng = createRng(options.seed ?? 0);
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
