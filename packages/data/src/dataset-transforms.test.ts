import { InvalidArgumentError } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { bytesDataset } from './__fixtures__/datasets';
import { Dataset } from './dataset';

describe('Dataset normalisation', () => {
  it('maps bytes to [0, 1] by default', () => {
    const data = bytesDataset().normalize();
    expect(data.isNormalized).toBe(true);
    expect(Array.from(data.sampleAt(2).x)).toEqual([2, 20, 253].map((v) => Math.fround(v / 255)));
    expect(data.normalize()).toBe(data);
  });

  it('needs the range of any other data, and checks the values lie in it', () => {
    const floats = Dataset.fromRows([
      [0, 5],
      [10, 2],
    ]);
    expect(() => floats.normalize()).toThrow(
      "Dataset.normalize: 'range' must be given for float32 data: [low, high], the range the values come from, got undefined. A range measured on the data itself would carry the test split into training; for images use [0, 255].",
    );
    expect(Array.from(floats.normalize({ range: [0, 10] }).sampleAt(1).x)).toEqual(
      [1, 0.2].map(Math.fround),
    );
    expect(() => floats.normalize({ range: [0, 8] })).toThrow(
      'Dataset.normalize: row 1 (counting from 0) holds 10 at feature 0, outside the range [0, 8] given to normalize.',
    );
    expect(() => floats.normalize({ range: [1, 1] })).toThrow(
      "Dataset.normalize: 'range' must be [low, high]: two finite numbers with low < high, got [1, 1].",
    );
  });

  it('points whoever asks it to standardise to standardize(splits)', () => {
    expect(() => bytesDataset().normalize({ mode: 'standardize' as 'unit' })).toThrow(
      "Dataset.normalize: 'mode' must be 'unit' (to [0, 1]), got \"standardize\". To standardise, call standardize({ train, test }): it takes the mean and standard deviation from the training split only and applies them to every split.",
    );
  });
});

describe('Dataset binarisation', () => {
  // 4 samples × 5 values: 0, 0.25, 0.5, 0.75, 1.
  const grey = () =>
    Dataset.fromArray(
      Uint8Array.from({ length: 20 }, (_, i) => [0, 64, 128, 191, 255][i % 5]!),
      {
        shape: [4, 5],
      },
    ).normalize();

  it('thresholds statically', () => {
    const data = grey().binarize({ mode: 'static' });
    expect(Array.from(data.sampleAt(0).x)).toEqual([0, 0, 1, 1, 1]);
    expect(Array.from(grey().binarize({ mode: 'static', threshold: 0.8 }).sampleAt(3).x)).toEqual([
      0, 0, 0, 0, 1,
    ]);
    expect(data.binarization).toEqual({ mode: 'static' });
  });

  it('needs values in [0, 1], and valid options', () => {
    expect(() =>
      Dataset.fromArray(new Uint8Array(4), { shape: [2, 2] }).binarize({ mode: 'static' }),
    ).toThrow(
      'Dataset.binarize: \'this\' must be a dataset whose values lie in [0, 1], got "a dataset of uint8 values". Call normalize() first.',
    );
    expect(() => grey().binarize({ mode: 'dynamic', threshold: 0.5 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => grey().binarize({ mode: 'static', threshold: 0.5, seed: 1 })).toThrow(
      "Dataset.binarize: 'threshold' must be undefined when 'seed' is given (static binarisation either thresholds or draws once), got 0.5.",
    );
    expect(() => grey().binarize({ mode: 'sometimes' as 'static' })).toThrow(
      "Dataset.binarize: 'mode' must be one of 'static', 'dynamic', got \"sometimes\".",
    );
    expect(() =>
      grey()
        .binarize({ mode: 'static' })
        .normalize({ range: [0, 1] }),
    ).toThrow(
      'Dataset.normalize: \'this\' must be a dataset that is not binarised yet, got "a binarised dataset". Normalise first, then binarise.',
    );
  });

  it('draws Bernoulli(value) samples, with the expected mean', () => {
    const many = Dataset.fromArray(new Uint8Array(4000).fill(64), { shape: [1000, 4] })
      .normalize()
      .binarize({ mode: 'dynamic', seed: 9 });
    let ones = 0;
    for (let i = 0; i < many.size; i += 1) {
      const { x } = many.sampleAt(i);
      for (const value of x) {
        expect(value === 0 || value === 1).toBe(true);
        ones += value;
      }
    }
    // p = 64/255 ≈ 0.251; 4,000 draws: standard error ≈ 0.007.
    expect(Math.abs(ones / 4000 - 64 / 255)).toBeLessThan(0.03);
    const { x } = grey().binarize({ mode: 'dynamic' }).sampleAt(0);
    expect([x[0], x[4]]).toEqual([0, 1]);
  });
});

describe('Dataset transforms: options', () => {
  it('reject an unknown option, naming the one likely meant', () => {
    expect(() => bytesDataset().normalize({ rnage: [0, 255] } as never)).toThrow(
      "Dataset.normalize: unknown option 'rnage'; did you mean 'range'?",
    );
    expect(() =>
      bytesDataset()
        .normalize()
        .binarize({ mode: 'static', treshold: 0.3 } as never),
    ).toThrow("Dataset.binarize: unknown option 'treshold'; did you mean 'threshold'?");
  });
});
