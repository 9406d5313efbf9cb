import { expectAllClose } from '@aekit/test-utils';
import { describe, expect, it } from 'vitest';
import { bytesDataset } from './__fixtures__/datasets';
import { Dataset } from './dataset';
import { standardize } from './standardize';

describe('standardize', () => {
  it('standardises every split with the statistics of the training split alone', () => {
    const train = Dataset.fromRows([
      [1, 5],
      [3, 5],
    ]);
    const test = Dataset.fromRows([
      [5, 6],
      [1, 5],
    ]);
    const result = standardize({ train, test });
    // Feature 0: mean 2, std 1. Feature 1: constant 5 in training, so only centred.
    expect(Array.from(result.train.sampleAt(0).x)).toEqual([-1, 0]);
    expect(Array.from(result.train.sampleAt(1).x)).toEqual([1, 0]);
    expect(Array.from(result.test.sampleAt(0).x)).toEqual([3, 1]);
    expect(Array.from(result.test.sampleAt(1).x)).toEqual([-1, 0]);
    expect(result.test.isNormalized).toBe(false);
    // Standardising after [0, 1] works on the normalised values.
    const bytes = bytesDataset();
    const [a, b] = bytes.split(5);
    const { train: s } = standardize({ train: a.normalize(), validation: b.normalize() });
    const first = Array.from({ length: 5 }, (_, i) => s.sampleAt(i).x[0]!);
    expectAllClose(first.reduce((sum, v) => sum + v, 0) / 5, 0, { atol: 1e-6 });
  });

  it('refuses splits that would mix statistics', () => {
    const bytes = bytesDataset();
    const [train, test] = bytes.split(5);
    expect(() => standardize({ train: train.normalize(), test })).toThrow(
      'standardize: \'splits.test\' must be a dataset normalised exactly like splits.train (or, like it, not at all), got "a dataset normalised differently".',
    );
    expect(() => standardize({ test } as never)).toThrow(
      "standardize: 'splits' must be an object of datasets with a `train` dataset, e.g. { train, test }",
    );
    expect(() => standardize({ train, other: Dataset.fromRows([[1, 2]]) })).toThrow(
      'standardize: \'splits.other\' must be a dataset of 3 values per sample, like splits.train, got "a dataset of 2".',
    );
  });
});

describe('standardize: options', () => {
  it('rejects an unknown option, naming the one likely meant', () => {
    expect(() => standardize({ train: bytesDataset() }, { minstd: 0.1 } as never)).toThrow(
      "standardize: unknown option 'minstd'; did you mean 'minStd'?",
    );
  });
});
