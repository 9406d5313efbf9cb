import { UnknownOptionError } from '@aekit/core';
import { describeBackends, expectNoLeaks } from '@aekit/test-utils';
import { expect, it } from 'vitest';
import { blobs } from './__fixtures__/blobs';
import { knnAccuracy } from './knn-accuracy';
import type { LabelledFeatures } from './labelled-features';

describeBackends(['cpu', 'wasm'], 'knnAccuracy', () => {
  it('votes by the nearest neighbours (hand-checked example)', () => {
    // Train: three points of class 0 near the origin, two of class 1 near (10, 0).
    const train: LabelledFeatures = {
      features: Float32Array.from([0, 0, 0, 1, 1, 0, 10, 0, 10, 1]),
      labels: [0, 0, 0, 1, 1],
      count: 5,
      dim: 2,
    };
    // (9, 0): nearest 3 are (10,0), (10,1), then (1,0) → 2 votes class 1.
    // (4, 0): nearest 3 are (1,0), (0,0), (0,1) → class 0.
    const test: LabelledFeatures = {
      features: Float32Array.from([9, 0, 4, 0]),
      labels: [1, 1],
      count: 2,
      dim: 2,
    };
    const result = knnAccuracy(train, test, { k: 3 });
    expect(result.accuracy).toBe(0.5);
    expect(knnAccuracy(train, test, { k: 1 }).accuracy).toBe(0.5);
    expect(() => knnAccuracy(train, test, { k: 6 })).toThrow(
      "knnAccuracy: 'k' must be an integer in [1, 5], got 6.",
    );
  });

  it('reaches high accuracy on separable blobs and leaks nothing', async () => {
    const train = blobs(300, 6, 3, 5, 7);
    const test = blobs(90, 6, 3, 5, 8);
    expect(knnAccuracy(train, test, { k: 5, chunkSize: 32 }).accuracy).toBeGreaterThan(0.95);
    await expectNoLeaks(() => {
      knnAccuracy(train, test, { k: 5, chunkSize: 32 });
    });
  });

  it('rejects bad features, labels, widths and settings by name', () => {
    const train = blobs(20, 2, 2, 1, 1);
    const labels = Float64Array.from(train.labels, (l, i) => (i === 4 ? 0.5 : l));
    expect(() => knnAccuracy(train, { ...train, labels })).toThrow(
      "knnAccuracy: 'test.labels[4]' must be an integer ≥ 0, got 0.5.",
    );
    const features = Float32Array.from(train.features);
    features[0] = Number.POSITIVE_INFINITY;
    expect(() => knnAccuracy({ ...train, features }, train)).toThrow(
      "knnAccuracy: 'train.features[0]' must be a finite number, got Infinity.",
    );
    expect(() => knnAccuracy(train, blobs(20, 3, 2, 1, 2))).toThrow(
      "knnAccuracy: 'test.dim' must be equal to train.dim (2), got 3.",
    );
    expect(() => knnAccuracy(train, train, { chunkSize: 0 })).toThrow(
      "knnAccuracy: 'chunkSize' must be a positive integer, got 0.",
    );
  });

  it('rejects an unknown option and names the one likely meant', () => {
    const train = blobs(20, 2, 2, 1, 1);
    const call = () => knnAccuracy(train, train, { K: 3 } as never);
    expect(call).toThrow("knnAccuracy: unknown option 'K'; did you mean 'k'?");
    expect(call).toThrow(UnknownOptionError);
  });
});
