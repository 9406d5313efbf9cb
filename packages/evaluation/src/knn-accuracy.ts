import { checkInteger, checkOptionsObject, checkPositiveInteger } from '@aekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { checkLabelledFeatures, checkSameWidth, type LabelledFeatures } from './labelled-features';

/** Options of `knnAccuracy`. */
export interface KnnOptions {
  /** Neighbours per vote, in [1, train.count]. Default 5. */
  readonly k?: number;
  /** Test rows whose distances are computed at once (memory ∝ chunkSize × train.count). Default 256. */
  readonly chunkSize?: number;
}

const knnOptionNames = ['k', 'chunkSize'] as const;

/** What `knnAccuracy` measured. */
export interface KnnResult {
  /** Fraction of test examples whose vote is their label. */
  readonly accuracy: number;
  /** Neighbours per vote. */
  readonly k: number;
  /** What was measured, for reports. */
  readonly description: string;
}

/**
 * k-nearest-neighbour accuracy: each test example takes the majority label of its `k` nearest
 * training examples (Euclidean distance; a tie goes to the label whose members are nearest).
 * Distances are computed in chunks of test rows, ‖a‖² − 2a·b + ‖b‖², on the active backend.
 * Leaves no tensor behind.
 * @param train `[count, dim]` features with integer labels ≥ 0, the neighbours.
 * @param test  `[count, dim]` features with labels, the examples to classify (same `dim`).
 * @param options `k` (default 5, at most `train.count`) and test rows per chunk (default 256);
 *   an unknown key is an error.
 */
export function knnAccuracy(
  train: LabelledFeatures,
  test: LabelledFeatures,
  options: KnnOptions = {},
): KnnResult {
  const name = 'knnAccuracy';
  checkOptionsObject(name, 'options', options, knnOptionNames);
  checkLabelledFeatures(name, 'train', train);
  checkLabelledFeatures(name, 'test', test);
  checkSameWidth(name, train, test);
  const k = checkInteger(name, 'k', options.k ?? 5, { min: 1, max: train.count });
  const chunkSize = checkPositiveInteger(name, 'chunkSize', options.chunkSize ?? 256);
  const dim = train.dim;
  const trainX = tf.tensor2d(train.features, [train.count, dim]);
  const trainNorms = tf.tidy(() => tf.sum(tf.square(trainX), 1));
  let correct = 0;
  try {
    for (let start = 0; start < test.count; start += chunkSize) {
      const rows = Math.min(chunkSize, test.count - start);
      const { indices, distances } = tf.tidy(() => {
        const x = tf.tensor2d(test.features.subarray(start * dim, (start + rows) * dim), [
          rows,
          dim,
        ]);
        const squared = tf.add(
          tf.sub(
            tf.reshape(tf.sum(tf.square(x), 1), [rows, 1]),
            tf.mul(2, tf.matMul(x, trainX, false, true)),
          ),
          trainNorms,
        );
        const nearest = tf.topk(tf.neg(squared), k, true);
        return { indices: nearest.indices, distances: tf.neg(nearest.values) };
      });
      const neighbourIndices = indices.dataSync();
      const neighbourDistances = distances.dataSync();
      tf.dispose([indices, distances]);
      for (let row = 0; row < rows; row += 1) {
        const votes = new Map<number, { count: number; distance: number }>();
        for (let n = 0; n < k; n += 1) {
          const label = train.labels[neighbourIndices[row * k + n]!]!;
          const entry = votes.get(label) ?? { count: 0, distance: 0 };
          entry.count += 1;
          entry.distance += neighbourDistances[row * k + n]!;
          votes.set(label, entry);
        }
        let best = -1;
        let bestVote = { count: -1, distance: Infinity };
        for (const [label, vote] of votes) {
          if (
            vote.count > bestVote.count ||
            (vote.count === bestVote.count && vote.distance < bestVote.distance)
          ) {
            best = label;
            bestVote = vote;
          }
        }
        if (best === test.labels[start + row]) correct += 1;
      }
    }
  } finally {
    tf.dispose([trainX, trainNorms]);
  }
  return {
    accuracy: correct / test.count,
    k,
    description: `${k}-nearest-neighbour majority vote (Euclidean) among ${train.count} training codes, accuracy on ${test.count} test codes`,
  };
}
