import { InvalidArgumentError } from '@aekit/core';
import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { apportion } from './apportion';
import { Dataset, standardize } from './dataset';
import { DataFormatError } from './errors';

/** 10 samples of 3 bytes: sample i holds [i, 10·i, 255 − i]; labels i mod 3. */
function bytesDataset(): Dataset {
  const values = new Uint8Array(30);
  for (let i = 0; i < 10; i += 1) values.set([i, 10 * i, 255 - i], 3 * i);
  return Dataset.fromArray(values, {
    shape: [10, 3],
    labels: Array.from({ length: 10 }, (_, i) => i % 3),
    classNames: ['zero', 'one', 'two'],
  });
}

/** The first value of each sample identifies it in these tests. */
const ids = (dataset: Dataset) =>
  Array.from({ length: dataset.size }, (_, i) => dataset.sampleAt(i).x[0]!);

describe('Dataset construction', () => {
  it('stores typed arrays as they are, and plain arrays as float32', () => {
    const bytes = bytesDataset();
    expect(bytes.dtype).toBe('uint8');
    expect(bytes.sampleBytes).toBe(30);
    expect(bytes.size).toBe(10);
    expect(bytes.dim).toBe(3);
    expect(bytes.featureShape).toEqual([3]);
    expect(Array.from(bytes.sampleAt(2).x)).toEqual([2, 20, 253]);
    expect(bytes.sampleAt(2).label).toBe(2);
    const images = Dataset.fromArray(new Uint8Array(2 * 4 * 5), { shape: [2, 4, 5] });
    expect(images.featureShape).toEqual([4, 5]);
    expect(images.dim).toBe(20);
    expect(images.hasLabels).toBe(false);
    expect(images.labels).toBeNull();
    const floats = Dataset.fromArray([1, 2, 3, 4], { shape: [2, 2] });
    expect(floats.dtype).toBe('float32');
    const rows = Dataset.fromRows([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(rows.size).toBe(3);
    expect(Array.from(rows.sampleAt(2).x)).toEqual([5, 6]);
  });

  it('copies what it is given', () => {
    const values = new Float32Array([1, 2, 3, 4]);
    const dataset = Dataset.fromArray(values, { shape: [2, 2] });
    values[0] = 100;
    expect(dataset.sampleAt(0).x[0]).toBe(1);
  });

  it('rejects NaN and infinite values, naming the row', () => {
    expect(() => Dataset.fromArray([1, 2, 3, Number.NaN], { shape: [2, 2] })).toThrow(
      "Dataset.fromArray: 'values' row 1 (counting from 0) holds NaN at feature 1; every value must be finite.",
    );
    expect(() => Dataset.fromArray(new Float64Array([0, 0, Infinity]), { shape: [3] })).toThrow(
      "Dataset.fromArray: 'values' row 2 (counting from 0) holds Infinity at feature 0; every value must be finite.",
    );
    expect(() => Dataset.fromArray([1, 1e39], { shape: [1, 2] })).toThrow(
      "Dataset.fromArray: 'values' row 0 (counting from 0) holds 1e+39, which does not fit in float32 at feature 1; every value must be finite.",
    );
    expect(() =>
      Dataset.fromRows([
        [1, 2],
        [3, -Infinity],
      ]),
    ).toThrow(
      "Dataset.fromRows: 'rows' row 1 (counting from 0) holds -Infinity at feature 1; every value must be finite.",
    );
    const error = (() => {
      try {
        Dataset.fromRows([[Number.NaN]]);
      } catch (caught) {
        return caught;
      }
    })();
    expect(DataFormatError.isInstance(error)).toBe(true);
    expect((error as DataFormatError).row).toBe(0);
  });

  it('rejects bad shapes, ragged rows and bad labels', () => {
    expect(() => Dataset.fromArray([1, 2, 3], { shape: [2, 2] })).toThrow(
      "Dataset.fromArray: 'shape' must be a shape whose sizes multiply to the 3 values given, got [2, 2].",
    );
    expect(() => Dataset.fromRows([[1, 2], [3]])).toThrow(
      "Dataset.fromRows: 'rows' row 1 (counting from 0) has 1 values, but row 0 has 2.",
    );
    expect(() => Dataset.fromArray([1, 2], { shape: [2, 1], labels: [0, 1.5] })).toThrow(
      "Dataset.fromArray: 'labels' row 1 (counting from 0) holds 1.5; a label must be an integer ≥ 0.",
    );
    expect(() => Dataset.fromArray([1, 2], { shape: [2, 1], labels: [0, Number.NaN] })).toThrow(
      "Dataset.fromArray: 'labels' row 1 (counting from 0) holds NaN; a label must be an integer ≥ 0.",
    );
    expect(() => Dataset.fromArray([1, 2], { shape: [2, 1], labels: [0] })).toThrow(
      'Dataset.fromArray: \'labels\' must be one label per sample, 2, got "1 labels".',
    );
  });
});

describe('Dataset selection', () => {
  it('shuffles deterministically by seed, keeping labels with their samples', () => {
    const data = bytesDataset();
    const a = data.shuffle(7);
    expect(ids(a)).toEqual(ids(data.shuffle(7)));
    expect(ids(a)).not.toEqual(ids(data.shuffle(8)));
    expect([...ids(a)].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const labels = a.labels!;
    ids(a).forEach((id, position) => {
      expect(labels[position]).toBe(id % 3);
    });
    expect(ids(data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('takes the first samples', () => {
    expect(ids(bytesDataset().take(3))).toEqual([0, 1, 2]);
    expect(ids(bytesDataset().shuffle(1).take(4))).toEqual(
      ids(bytesDataset().shuffle(1)).slice(0, 4),
    );
    expect(() => bytesDataset().take(11)).toThrow(
      "Dataset.take: 'count' must be an integer in [0, 10], got 11.",
    );
  });

  it('splits by count or fraction, in order or at random', () => {
    const data = bytesDataset();
    const [head, tail] = data.split(3);
    expect(ids(head)).toEqual([0, 1, 2]);
    expect(ids(tail)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    const [a, b] = data.split(0.75, { seed: 4 });
    expect(a.size).toBe(8);
    expect(b.size).toBe(2);
    expect([...ids(a), ...ids(b)].sort((x, y) => x - y)).toEqual(ids(data));
    expect(ids(data.split(0.75, { seed: 4 })[0])).toEqual(ids(a));
    expect(() => data.split(1.5)).toThrow(
      "Dataset.split: 'first' must be a count, an integer in [0, 10], or a fraction strictly between 0 and 1, got 1.5.",
    );
  });

  it('stratifies: each label keeps its share in both parts', () => {
    // 60 samples, labels 0 × 30, 1 × 20, 2 × 10.
    const labels = Array.from({ length: 60 }, (_, i) => (i < 30 ? 0 : i < 50 ? 1 : 2));
    const data = Dataset.fromArray(
      Float32Array.from({ length: 60 }, (_, i) => i),
      { shape: [60, 1], labels },
    );
    const count = (dataset: Dataset, label: number) =>
      dataset.labels!.filter((value) => value === label).length;
    for (const seed of [undefined, 3]) {
      const [first, second] = data.split(0.5, { stratify: true, seed });
      expect([0, 1, 2].map((label) => count(first, label))).toEqual([15, 10, 5]);
      expect([0, 1, 2].map((label) => count(second, label))).toEqual([15, 10, 5]);
      expect(new Set([...ids(first), ...ids(second)]).size).toBe(60);
    }
    const [ordered] = data.split(6, { stratify: true });
    expect(ids(ordered)).toEqual([0, 1, 2, 30, 31, 50]);
    expect(() => Dataset.fromRows([[1]]).split(1, { stratify: true })).toThrow(
      "Dataset.split: 'stratify' must be false for a dataset without labels, got true.",
    );
  });

  it('apportions by largest remainder, exactly to the total', () => {
    expect(apportion([30, 20, 10], 30)).toEqual([15, 10, 5]);
    expect(apportion([1001, 1127, 991], 2000)).toEqual([642, 723, 635]);
    expect(apportion([1, 1, 1], 2)).toEqual([1, 1, 0]);
    expect(apportion([5, 0, 5], 10)).toEqual([5, 0, 5]);
  });

  it('filters by labels or class names', () => {
    const data = bytesDataset();
    expect(ids(data.filterLabels([2]))).toEqual([2, 5, 8]);
    expect(ids(data.filterLabels(['zero', 2]))).toEqual([0, 2, 3, 5, 6, 8, 9]);
    expect(data.filterLabels(['one']).labels).toEqual(Int32Array.from([1, 1, 1]));
    expect(() => data.filterLabels(['three'])).toThrow(
      'Dataset.filterLabels: \'keep[0]\' must be a label or one of the class names "zero", "one", "two", got "three".',
    );
    expect(() => Dataset.fromRows([[1]]).filterLabels([0])).toThrow(
      'Dataset.filterLabels: \'this\' must be a dataset with labels, got "a dataset without labels".',
    );
  });
});

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

describeBackends(['cpu', 'wasm'], 'Dataset batches', () => {
  const values = (batch: { x: tf.Tensor }) => Array.from(batch.x.dataSync());

  it('yields float32 x [batch, dim] and int32 labels, the last batch smaller', () => {
    const data = bytesDataset();
    const batches = [...data.batches(4)];
    expect(batches.map((batch) => batch.x.shape)).toEqual([
      [4, 3],
      [4, 3],
      [2, 3],
    ]);
    expect(batches.every((batch) => batch.x.dtype === 'float32')).toBe(true);
    expect(batches[0]!.labels!.dtype).toBe('int32');
    expect(Array.from(batches[2]!.labels!.dataSync())).toEqual([2, 0]);
    expect(values(batches[2]!)).toEqual([8, 80, 247, 9, 90, 246]);
    expect(batches.map((batch) => batch.index)).toEqual([0, 1, 2]);
    for (const batch of batches) batch.dispose();
    const kept = [...data.batches(4, { dropLast: true })];
    expect(kept.map((batch) => batch.index)).toEqual([0, 1]);
    for (const batch of kept) batch.dispose();
    const unlabelled = [...Dataset.fromRows([[1], [2]]).batches(5)];
    expect(unlabelled[0]!.labels).toBeUndefined();
    unlabelled[0]!.dispose();
  });

  it('applies normalisation and binarisation per batch', () => {
    const [batch] = [...bytesDataset().normalize().binarize({ mode: 'static' }).batches(10)];
    expect(values(batch!).slice(0, 6)).toEqual([0, 0, 1, 0, 0, 1]);
    batch!.dispose();
    const tensor = bytesDataset().normalize().toTensor();
    expect(tensor.shape).toEqual([10, 3]);
    const last = tf.slice(tensor, [9, 0], [1, 3]);
    expectAllClose(last, [[9 / 255, 90 / 255, 246 / 255]]);
    tf.dispose([tensor, last]);
  });

  it('rejects a bad batch size', () => {
    expect(() => bytesDataset().batches(0)).toThrow(
      "Dataset.batches: 'batchSize' must be a positive integer, got 0.",
    );
  });

  it('leaks nothing: not after a full pass, nor when stopped early', async () => {
    const data = bytesDataset().normalize().binarize({ mode: 'dynamic', seed: 1 });
    await expectNoLeaks(() => {
      for (const batch of data.shuffle(3).batches(3)) batch.dispose();
      for (const batch of data.batches(3)) {
        batch.dispose();
        break;
      }
      data.toTensor().dispose();
    });
  });

  it('dynamic binarisation draws afresh each epoch, the same for every order and batch size', () => {
    const data = Dataset.fromArray(new Uint8Array(64 * 16).fill(128), { shape: [64, 16] })
      .normalize()
      .binarize({ mode: 'dynamic', seed: 5 });
    const epoch = (dataset: Dataset, batchSize: number, options = {}) => {
      const rows: number[][] = [];
      for (const batch of dataset.batches(batchSize, options)) {
        const flat = values(batch);
        for (let r = 0; r < flat.length / 16; r += 1) rows.push(flat.slice(16 * r, 16 * r + 16));
        batch.dispose();
      }
      return rows;
    };
    const first = epoch(data, 8);
    const second = epoch(data, 8);
    expect(second).not.toEqual(first);
    // The epoch counter is shared with datasets derived after binarising: a shuffle of the
    // third epoch holds the third epoch's draws, permuted.
    const third = epoch(data.shuffle(2), 5);
    const explicit = epoch(data, 64, { epoch: 2 });
    const tags = Dataset.fromArray(
      Float32Array.from({ length: 64 }, (_, i) => i),
      { shape: [64, 1] },
    ).shuffle(2);
    for (let position = 0; position < 64; position += 1) {
      expect(third[position]).toEqual(explicit[tags.sampleAt(position).x[0]!]);
    }
    // Explicit epochs repeat exactly, whatever the batch size.
    expect(epoch(data, 64, { epoch: 0 })).toEqual(first);
    expect(epoch(data, 7, { epoch: 1 })).toEqual(second);
    // A static draw is the same every epoch.
    const fixed = Dataset.fromArray(new Uint8Array(64 * 16).fill(128), { shape: [64, 16] })
      .normalize()
      .binarize({ mode: 'static', seed: 5 });
    expect(epoch(fixed, 8)).toEqual(epoch(fixed, 8));
  });
});
