import { createRng, UnknownOptionError } from '@aekit/core';
import { describeBackends, expectNoLeaks } from '@aekit/test-utils';
import { expect, it } from 'vitest';
import { blobs } from './__fixtures__/blobs';
import { linearProbe } from './linear-probe';

describeBackends(['cpu', 'wasm'], 'linearProbe', () => {
  it('separates well-separated classes and is at chance on random labels', () => {
    const train = blobs(600, 8, 4, 4, 1);
    const test = blobs(200, 8, 4, 4, 2);
    const separable = linearProbe(train, test, { numClasses: 4, epochs: 10, seed: 1 });
    expect(separable.testAccuracy).toBeGreaterThan(0.95);
    const shuffled = {
      ...test,
      labels: createRng(5)
        .permutation(test.count)
        .map((i) => test.labels[i]!),
    };
    const noise = blobs(600, 8, 4, 0, 3);
    const chance = linearProbe(noise, shuffled, { numClasses: 4, epochs: 5, seed: 1 });
    expect(chance.testAccuracy).toBeLessThan(0.4);
    expect(separable.description).toMatch(/multinomial logistic regression/);
  });

  it('leaks nothing', async () => {
    const train = blobs(300, 6, 3, 5, 7);
    const test = blobs(90, 6, 3, 5, 8);
    await expectNoLeaks(() => {
      linearProbe(train, test, { numClasses: 3, epochs: 1 });
    });
  });

  it('rejects labels outside [0, numClasses)', () => {
    const train = blobs(20, 2, 2, 1, 1);
    const bad = { ...train, labels: Int32Array.from(train.labels, (l, i) => (i === 3 ? 2 : l)) };
    expect(() => linearProbe(bad, train, { numClasses: 2 })).toThrow(
      "linearProbe: 'train.labels[3]' must be an integer in [0, 1], got 2.",
    );
  });

  it('rejects bad features, widths and settings by name', () => {
    const train = blobs(20, 2, 2, 1, 1);
    const features = Float32Array.from(train.features);
    features[5] = Number.NaN;
    expect(() => linearProbe({ ...train, features }, train, { numClasses: 2 })).toThrow(
      "linearProbe: 'train.features[5]' must be a finite number, got NaN.",
    );
    expect(() => linearProbe(train, blobs(20, 3, 2, 1, 2), { numClasses: 2 })).toThrow(
      "linearProbe: 'test.dim' must be equal to train.dim (2), got 3.",
    );
    expect(() => linearProbe(train, { ...train, count: 19 }, { numClasses: 2 })).toThrow(
      'linearProbe: \'test\' must be features of count × dim = 38 values (a Float32Array) and 19 labels, got "40 values and 20 labels".',
    );
    expect(() => linearProbe(train, train, { numClasses: 2, learningRate: 0 })).toThrow(
      "linearProbe: 'learningRate' must be a finite number > 0, got 0.",
    );
    expect(() => linearProbe(train, train, { numClasses: 2, l2: -1 })).toThrow(
      "linearProbe: 'l2' must be a finite number ≥ 0, got -1.",
    );
  });

  it('rejects an unknown option and names the one likely meant', () => {
    const train = blobs(20, 2, 2, 1, 1);
    const call = () => linearProbe(train, train, { numClasses: 2, epoch: 3 } as never);
    expect(call).toThrow("linearProbe: unknown option 'epoch'; did you mean 'epochs'?");
    expect(call).toThrow(UnknownOptionError);
  });
});
